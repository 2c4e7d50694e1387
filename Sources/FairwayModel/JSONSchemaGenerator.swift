import FairwayCore

/// Publishes each kind's schema as a JSON Schema (draft-07) document, so editors with the YAML
/// language server check platform files as people type. Generated from the same `ObjectSchema` that
/// the validator enforces, so the two cannot drift.
public enum JSONSchemaGenerator {
    public static let baseURI = "https://fairway.dev/schemas/v1alpha1/"

    /// The file name of a kind's schema: `tenant.schema.json`.
    public static func fileName(for kind: Kind) -> String { "\(kind.rawValue.lowercased()).schema.json" }

    public static func schema(for kind: Kind) -> JSONValue {
        [
            "$schema": "http://json-schema.org/draft-07/schema#",
            "$id": .string(baseURI + fileName(for: kind)),
            "title": .string("Fairway \(kind.rawValue)"),
            "description": .string(kind.specSchema.doc),
            "type": "object",
            "additionalProperties": false,
            "required": ["apiVersion", "kind", "metadata", "spec"],
            "properties": [
                "apiVersion": ["const": .string(Kind.apiVersion)],
                "kind": ["const": .string(kind.rawValue)],
                "metadata": [
                    "type": "object",
                    "additionalProperties": false,
                    "required": ["name"],
                    "properties": [
                        "name": [
                            "type": "string",
                            "description": "DNS-1123 label equal to the file name without .yaml.",
                            "pattern": .string(StringFormat.dnsLabel.pattern!),
                            "maxLength": .int(Int64(kind.maxNameLength)),
                        ],
                        "labels": ["type": "object", "additionalProperties": ["type": "string"]],
                        "annotations": ["type": "object", "additionalProperties": ["type": "string"]],
                    ],
                ],
                "spec": object(kind.specSchema),
            ],
        ]
    }

    static func object(_ schema: ObjectSchema) -> JSONValue {
        var properties = JSONObject()
        for field in schema.fields {
            var property = type(field.type).objectValue ?? JSONObject()
            property["description"] = .string(field.doc)
            properties[field.name] = .object(property)
        }
        var o = JSONObject()
        o["type"] = "object"
        o["description"] = .string(schema.doc)
        o["additionalProperties"] = false
        let required = schema.fields.filter(\.required).map { JSONValue.string($0.name) }
        if !required.isEmpty { o["required"] = .array(required) }
        o["properties"] = .object(properties)
        if !schema.exclusive.isEmpty {
            o["allOf"] = .array(schema.exclusive.map { group in
                ["not": ["required": .array(group.map { .string($0) })]]
            })
        }
        return .object(o)
    }

    static func type(_ type: FieldType) -> JSONValue {
        switch type {
        case .any: return [:]
        case let .object(schema): return object(schema)
        case let .string(format):
            var o: JSONObject = JSONObject([("type", "string")])
            if let pattern = format.pattern { o["pattern"] = .string(pattern) }
            if format == .imageRef { o["not"] = ["pattern": ":latest$"] }
            return .object(o)
        case let .integer(min, max):
            var o = JSONObject([("type", "integer")])
            if let min { o["minimum"] = .int(min) }
            if let max { o["maximum"] = .int(max) }
            return .object(o)
        case .boolean: return ["type": "boolean"]
        case .quantity:
            return [
                "oneOf": [
                    ["type": "integer", "minimum": 0],
                    ["type": "string", "pattern": #"^\+?(\d+\.?\d*|\.\d+)(([KMGTPE]i)|[numkMGTPE]|[eE][+-]?\d+)?$"#],
                ],
            ]
        case .positiveDuration:
            return ["type": "string", "pattern": #"^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$"#]
        case .duration:
            return ["type": "string", "pattern": #"^(0|(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+)$"#]
        case let .enumeration(values):
            return ["type": "string", "enum": .array(values.map { .string($0) })]
        case let .list(item, minItems):
            var o = JSONObject([("type", "array"), ("items", Self.type(item))])
            if minItems > 0 { o["minItems"] = .int(Int64(minItems)) }
            return .object(o)
        case let .map(value, keyFormat):
            var o = JSONObject([("type", "object"), ("additionalProperties", Self.type(value))])
            if let pattern = keyFormat.pattern { o["propertyNames"] = ["pattern": .string(pattern)] }
            return .object(o)
        }
    }
}
