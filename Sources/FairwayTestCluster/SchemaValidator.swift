import FairwayCore
import Foundation

/// Checks a custom resource against its CRD version's `openAPIV3Schema` the way kube-apiserver does
/// for structural schemas: types, required fields, enums, bounds, lengths, patterns, item counts, list
/// uniqueness and `anyOf`/`allOf`/`oneOf`/`not`. Unknown fields are collected separately (Kubernetes
/// prunes them, or refuses them under `fieldValidation=Strict`). CEL rules are not evaluated.
struct SchemaValidator {
    private(set) var errors: [FieldError] = []
    private(set) var unknownFields: [String] = []

    /// Validates everything but `apiVersion`, `kind` and `metadata` of `object`.
    static func validate(_ object: JSONObject, schema: JSONValue) -> SchemaValidator {
        var validator = SchemaValidator()
        for (key, value) in object where !["apiVersion", "kind", "metadata"].contains(key) {
            if let property = schema["properties"]?[key] {
                validator.check(value, property, path: key)
            } else if schema["x-kubernetes-preserve-unknown-fields"] != .bool(true) {
                validator.unknownFields.append(key)
            }
        }
        for key in schema["required"]?.arrayValue?.compactMap(\.stringValue) ?? [] where object[key] == nil {
            validator.errors.append(FieldError(kind: .required, field: key, detail: ""))
        }
        return validator
    }

    /// Removes the fields the schema does not declare (Kubernetes' pruning).
    static func prune(_ value: JSONValue, schema: JSONValue?) -> JSONValue {
        guard let schema, schema["x-kubernetes-preserve-unknown-fields"] != .bool(true) else { return value }
        switch value {
        case let .object(object):
            let properties = schema["properties"]?.objectValue
            let additional = schema["additionalProperties"]
            if properties == nil, additional == nil { return value }
            var result = JSONObject()
            for (key, member) in object {
                if let property = properties?[key] { result[key] = prune(member, schema: property) }
                else if case .object? = additional { result[key] = prune(member, schema: additional) }
                else if additional == .bool(true) { result[key] = member }
            }
            return .object(result)
        case let .array(items):
            return .array(items.map { prune($0, schema: schema["items"]) })
        default:
            return value
        }
    }

    private mutating func check(_ value: JSONValue, _ schema: JSONValue, path: String) {
        // Nulls are dropped before validation, as Kubernetes drops them from non-nullable fields.
        if value == .null { return }
        if !checkType(value, schema, path: path) { return }
        if case let .array(options)? = schema["enum"], !options.contains(value) {
            let supported = options.map { JSONWriter.string($0) }.joined(separator: ", ")
            errors.append(FieldError(kind: .notSupported, field: path, value: value, detail: "supported values: \(supported)"))
        }
        checkBounds(value, schema, path: path)
        switch value {
        case let .object(object): checkObject(object, schema, path: path)
        case let .array(items): checkArray(items, schema, path: path)
        default: break
        }
        checkCombinators(value, schema, path: path)
    }

    private mutating func checkType(_ value: JSONValue, _ schema: JSONValue, path: String) -> Bool {
        if schema["x-kubernetes-int-or-string"] == .bool(true) {
            switch value {
            case .int, .string: return true
            case let .double(d) where d == d.rounded(): return true
            default:
                errors.append(FieldError(kind: .typeInvalid, field: path, value: value,
                                         detail: "\(path) in body must be of type integer,string: \(typeName(value))"))
                return false
            }
        }
        guard let type = schema["type"]?.stringValue else { return true }
        let ok: Bool
        switch (type, value) {
        case ("object", .object), ("array", .array), ("string", .string), ("boolean", .bool), ("integer", .int),
             ("number", .int), ("number", .double): ok = true
        case let ("integer", .double(d)): ok = d == d.rounded()
        default: ok = false
        }
        if !ok {
            errors.append(FieldError(kind: .typeInvalid, field: path, value: value,
                                     detail: "\(path) in body must be of type \(type): \(typeName(value))"))
        }
        return ok
    }

    private func typeName(_ value: JSONValue) -> String {
        switch value {
        case .null: return "\"null\""
        case .bool: return "\"boolean\""
        case .int: return "\"integer\""
        case .double: return "\"number\""
        case .string: return "\"string\""
        case .array: return "\"array\""
        case .object: return "\"object\""
        }
    }

    private mutating func checkBounds(_ value: JSONValue, _ schema: JSONValue, path: String) {
        let number: Double? = switch value { case let .int(i): Double(i); case let .double(d): d; default: nil }
        if let number {
            if let maximum = schema["maximum"].flatMap(Self.number) {
                let exclusive = schema["exclusiveMaximum"] == .bool(true)
                if exclusive ? number >= maximum : number > maximum {
                    errors.append(FieldError(kind: .invalid, field: path, value: value,
                                             detail: "\(path) in body should be less than \(exclusive ? "" : "or equal to ")\(Self.show(maximum))"))
                }
            }
            if let minimum = schema["minimum"].flatMap(Self.number) {
                let exclusive = schema["exclusiveMinimum"] == .bool(true)
                if exclusive ? number <= minimum : number < minimum {
                    errors.append(FieldError(kind: .invalid, field: path, value: value,
                                             detail: "\(path) in body should be greater than \(exclusive ? "" : "or equal to ")\(Self.show(minimum))"))
                }
            }
        }
        if case let .string(text) = value {
            let length = text.count
            if let max = schema["maxLength"].flatMap(Self.number), Double(length) > max {
                errors.append(FieldError(kind: .tooMany, field: path, value: value, detail: "must have at most \(Self.show(max)) bytes"))
            }
            if let min = schema["minLength"].flatMap(Self.number), Double(length) < min {
                errors.append(FieldError(kind: .invalid, field: path, value: value,
                                         detail: "\(path) in body should be at least \(Self.show(min)) chars long"))
            }
            if let pattern = schema["pattern"]?.stringValue, !PatternCache.shared.matches(pattern, text) {
                errors.append(FieldError(kind: .invalid, field: path, value: value, detail: "\(path) in body should match '\(pattern)'"))
            }
        }
    }

    private mutating func checkObject(_ object: JSONObject, _ schema: JSONValue, path: String) {
        let properties = schema["properties"]?.objectValue
        let additional = schema["additionalProperties"]
        for (key, member) in object {
            let childPath = "\(path).\(key)"
            if let property = properties?[key] {
                check(member, property, path: childPath)
            } else if case .object? = additional {
                check(member, additional!, path: childPath)
            } else if properties != nil, additional != .bool(true), schema["x-kubernetes-preserve-unknown-fields"] != .bool(true) {
                unknownFields.append(childPath)
            }
        }
        for key in schema["required"]?.arrayValue?.compactMap(\.stringValue) ?? [] where object[key] == nil {
            errors.append(FieldError(kind: .required, field: "\(path).\(key)", detail: ""))
        }
        if let max = schema["maxProperties"].flatMap(Self.number), Double(object.count) > max {
            errors.append(FieldError(kind: .tooMany, field: path, value: .int(Int64(object.count)),
                                     detail: "must have at most \(Self.show(max)) items"))
        }
        if let min = schema["minProperties"].flatMap(Self.number), Double(object.count) < min {
            errors.append(FieldError(kind: .invalid, field: path, value: .int(Int64(object.count)),
                                     detail: "\(path) in body should have at least \(Self.show(min)) properties"))
        }
    }

    private mutating func checkArray(_ items: [JSONValue], _ schema: JSONValue, path: String) {
        if let itemSchema = schema["items"] {
            for (index, item) in items.enumerated() { check(item, itemSchema, path: "\(path)[\(index)]") }
        }
        if let max = schema["maxItems"].flatMap(Self.number), Double(items.count) > max {
            errors.append(FieldError(kind: .tooMany, field: path, value: .int(Int64(items.count)),
                                     detail: "must have at most \(Self.show(max)) items"))
        }
        if let min = schema["minItems"].flatMap(Self.number), Double(items.count) < min {
            errors.append(FieldError(kind: .invalid, field: path, value: .int(Int64(items.count)),
                                     detail: "\(path) in body should have at least \(Self.show(min)) items"))
        }
        switch MergeSchema.custom(schema).listType {
        case .set:
            var seen: [JSONValue] = []
            for (index, item) in items.enumerated() {
                if seen.contains(item) { errors.append(FieldError(kind: .duplicate, field: "\(path)[\(index)]", value: item, detail: "")) }
                seen.append(item)
            }
        case let .map(keys):
            var seen = Set<String>()
            for (index, item) in items.enumerated() {
                let key = FieldSet.itemKey(item, keys: keys)
                if !seen.insert(key).inserted {
                    errors.append(FieldError(kind: .duplicate, field: "\(path)[\(index)]",
                                             value: .object(JSONObject(keys.map { ($0, item[$0] ?? .null) })), detail: ""))
                }
            }
        case .atomic: break
        }
    }

    private mutating func checkCombinators(_ value: JSONValue, _ schema: JSONValue, path: String) {
        func passes(_ sub: JSONValue) -> Bool {
            var probe = SchemaValidator()
            probe.check(value, sub, path: path)
            return probe.errors.isEmpty
        }
        if case let .array(all)? = schema["allOf"] {
            for sub in all { var probe = SchemaValidator(); probe.check(value, sub, path: path); errors += probe.errors }
        }
        if case let .array(any)? = schema["anyOf"], !any.contains(where: passes) {
            errors.append(FieldError(kind: .invalid, field: path, value: value, detail: "\(path) in body must match at least one schema in anyOf"))
        }
        if case let .array(one)? = schema["oneOf"], one.filter(passes).count != 1 {
            errors.append(FieldError(kind: .invalid, field: path, value: value, detail: "\(path) in body must validate one and only one schema (oneOf)"))
        }
        if let not = schema["not"], passes(not) {
            errors.append(FieldError(kind: .invalid, field: path, value: value, detail: "\(path) in body should not validate the given schema"))
        }
    }

    private static func number(_ value: JSONValue) -> Double? {
        switch value { case let .int(i): Double(i); case let .double(d): d; default: nil }
    }

    private static func show(_ number: Double) -> String {
        number == number.rounded() ? String(Int64(number)) : String(number)
    }
}

/// Compiled `pattern` regular expressions, shared by all requests.
final class PatternCache: Sendable {
    static let shared = PatternCache()
    private let cache = Locked<[String: NSRegularExpression]>([:])

    func matches(_ pattern: String, _ text: String) -> Bool {
        let regex: NSRegularExpression? = cache.withLock { cache in
            if let hit = cache[pattern] { return hit }
            let compiled = try? NSRegularExpression(pattern: pattern)
            if let compiled { cache[pattern] = compiled }
            return compiled
        }
        guard let regex else { return true }
        return regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }
}

/// Fills in the `default` values a CRD schema declares for fields an object leaves out, as
/// kube-apiserver does on every write.
enum SchemaDefaults {
    static func apply(_ value: JSONValue, schema: JSONValue?) -> JSONValue {
        guard let schema else { return value }
        switch value {
        case var .object(object):
            if case let .object(properties)? = schema["properties"] {
                for (key, property) in properties {
                    if let member = object[key] {
                        object[key] = apply(member, schema: property)
                    } else if let fallback = property["default"] {
                        object[key] = apply(fallback, schema: property)
                    }
                }
            } else if case .object? = schema["additionalProperties"] {
                for (key, member) in object { object[key] = apply(member, schema: schema["additionalProperties"]) }
            }
            return .object(object)
        case let .array(items):
            return .array(items.map { apply($0, schema: schema["items"]) })
        default:
            return value
        }
    }
}
