import FairwayCore
import Foundation

/// Reads the Kubernetes protobuf encoding (`application/vnd.kubernetes.protobuf`: the `k8s\0` magic and
/// a `runtime.Unknown` envelope) of the few built-in kinds clients send that way: Secret (helm's
/// release storage), ConfigMap, Namespace, ServiceAccount, and DeleteOptions. Responses stay JSON,
/// which those clients accept.
enum Protobuf {
    /// A body that is not the protobuf of a supported kind (answered with 415).
    struct DecodeError: Error { var message: String }

    /// The object in a protobuf request body, as JSON.
    static func decodeObject(_ bytes: [UInt8]) throws(DecodeError) -> JSONValue {
        guard bytes.count >= 4, Array(bytes[0..<4]) == [0x6b, 0x38, 0x73, 0x00] else {
            throw DecodeError(message: "missing the k8s protobuf magic number")
        }
        let envelope = try decode(bytes[4...], Schema.unknown)
        guard let apiVersion = envelope["typeMeta"]?["apiVersion"]?.stringValue, let kind = envelope["typeMeta"]?["kind"]?.stringValue,
              let rawBytes = Data(base64Encoded: envelope["raw"]?.stringValue ?? "") else {
            throw DecodeError(message: "the protobuf envelope has no type or body")
        }
        guard let schema = Schema.kinds[kind] else { throw DecodeError(message: "protobuf is not supported for \(kind); send JSON") }
        guard case var .object(object) = try decode(Array(rawBytes)[...], schema) else { throw DecodeError(message: "not an object") }
        object["apiVersion"] = .string(apiVersion)
        object["kind"] = .string(kind)
        var ordered: JSONObject = [("apiVersion", .string(apiVersion)), ("kind", .string(kind))]
        for (key, value) in object where key != "apiVersion" && key != "kind" { ordered[key] = value }
        return .object(ordered)
    }

    /// How one field is encoded, enough to turn it into JSON.
    indirect enum FieldType: Sendable {
        case string, bytes, int64, bool, time, fieldsV1
        case message(Message)
        case map(value: FieldType)
        case repeated(FieldType)
    }

    typealias Message = [Int: (name: String, type: FieldType)]

    static func decode(_ bytes: ArraySlice<UInt8>, _ message: Message) throws(DecodeError) -> JSONValue {
        var object = JSONObject()
        var reader = Reader(remaining: bytes)
        while !reader.atEnd {
            let key = try reader.varint()
            let number = Int(key >> 3), wire = Int(key & 7)
            guard let field = message[number] else { try reader.skip(wire); continue }
            switch field.type {
            case let .repeated(element):
                let value = try reader.value(wire, element)
                object[field.name] = .array((object[field.name]?.arrayValue ?? []) + [value])
            case let .map(valueType):
                guard wire == 2 else { throw DecodeError(message: "map entry is not length-delimited") }
                let entry = try reader.bytes()
                var entryReader = Reader(remaining: entry)
                var entryKey = "", entryValue: JSONValue = .string("")
                while !entryReader.atEnd {
                    let tag = try entryReader.varint()
                    if tag >> 3 == 1 { entryKey = String(decoding: try entryReader.bytes(), as: UTF8.self) }
                    else if tag >> 3 == 2 { entryValue = try entryReader.value(Int(tag & 7), valueType) }
                    else { try entryReader.skip(Int(tag & 7)) }
                }
                var map = object[field.name]?.objectValue ?? JSONObject()
                map[entryKey] = entryValue
                object[field.name] = .object(map)
            default:
                // Go's JSON encoding omits empty fields; so does this, so that `""` never reads as a value.
                let value = try reader.value(wire, field.type)
                if value != .string(""), value != .int(0), value != .null { object[field.name] = value }
            }
        }
        return .object(object)
    }

    /// Reads protobuf wire format from the front of a byte slice.
    struct Reader {
        var remaining: ArraySlice<UInt8>
        var atEnd: Bool { remaining.isEmpty }

        mutating func varint() throws(DecodeError) -> UInt64 {
            var result: UInt64 = 0, shift: UInt64 = 0
            while let byte = remaining.popFirst() {
                result |= UInt64(byte & 0x7f) << shift
                if byte & 0x80 == 0 { return result }
                shift += 7
                if shift > 63 { break }
            }
            throw DecodeError(message: "truncated varint")
        }

        mutating func bytes() throws(DecodeError) -> ArraySlice<UInt8> {
            let length = Int(try varint())
            guard length <= remaining.count else { throw DecodeError(message: "truncated field") }
            let value = remaining.prefix(length)
            remaining = remaining.dropFirst(length)
            return value
        }

        mutating func skip(_ wire: Int) throws(DecodeError) {
            switch wire {
            case 0: _ = try varint()
            case 1: remaining = remaining.dropFirst(8)
            case 2: _ = try bytes()
            case 5: remaining = remaining.dropFirst(4)
            default: throw DecodeError(message: "unsupported wire type \(wire)")
            }
        }

        mutating func value(_ wire: Int, _ type: FieldType) throws(DecodeError) -> JSONValue {
            switch type {
            case .string: return .string(String(decoding: try bytes(), as: UTF8.self))
            case .bytes: return .string(Data(try bytes()).base64EncodedString())
            case .int64: return .int(Int64(bitPattern: try varint()))
            case .bool: return .bool(try varint() != 0)
            case .time:
                let time = try decode(try bytes(), [1: ("seconds", .int64)])
                guard case let .int(seconds)? = time["seconds"] else { return .null }
                let date = Date(timeIntervalSince1970: TimeInterval(seconds))
                return .string(ISO8601DateFormatter().string(from: date))
            case .fieldsV1:
                let raw = try decode(try bytes(), [1: ("raw", .bytes)])
                guard let text = raw["raw"]?.stringValue, let data = Data(base64Encoded: text),
                      let parsed = try? JSONReader.parse(Array(data)) else { return .object(JSONObject()) }
                return parsed
            case let .message(message): return try decode(try bytes(), message)
            case let .repeated(element): return try value(wire, element)
            case let .map(valueType): return try value(wire, valueType)
            }
        }
    }

    /// Field numbers from Kubernetes' generated.proto files.
    enum Schema {
        static let unknown: Message = [
            1: ("typeMeta", .message([1: ("apiVersion", .string), 2: ("kind", .string)])),
            2: ("raw", .bytes), 3: ("contentEncoding", .string), 4: ("contentType", .string),
        ]
        static let ownerReference: Message = [
            1: ("kind", .string), 3: ("name", .string), 4: ("uid", .string), 5: ("apiVersion", .string),
            6: ("controller", .bool), 7: ("blockOwnerDeletion", .bool),
        ]
        static let managedFields: Message = [
            1: ("manager", .string), 2: ("operation", .string), 3: ("apiVersion", .string), 4: ("time", .time),
            6: ("fieldsType", .string), 7: ("fieldsV1", .fieldsV1), 8: ("subresource", .string),
        ]
        static let objectMeta: Message = [
            1: ("name", .string), 2: ("generateName", .string), 3: ("namespace", .string), 5: ("uid", .string),
            6: ("resourceVersion", .string), 7: ("generation", .int64), 8: ("creationTimestamp", .time),
            9: ("deletionTimestamp", .time), 10: ("deletionGracePeriodSeconds", .int64),
            11: ("labels", .map(value: .string)), 12: ("annotations", .map(value: .string)),
            13: ("ownerReferences", .repeated(.message(ownerReference))), 14: ("finalizers", .repeated(.string)),
            17: ("managedFields", .repeated(.message(managedFields))),
        ]
        /// rbac.authorization.k8s.io/v1 PolicyRule.
        static let policyRule: Message = [1: ("verbs", .repeated(.string)), 2: ("apiGroups", .repeated(.string)),
                                          3: ("resources", .repeated(.string)), 4: ("resourceNames", .repeated(.string)),
                                          5: ("nonResourceURLs", .repeated(.string))]

        /// RoleBinding and ClusterRoleBinding: subjects and the role they name.
        static let binding: Message = [
            1: ("metadata", .message(objectMeta)),
            2: ("subjects", .repeated(.message([1: ("kind", .string), 2: ("apiGroup", .string), 3: ("name", .string), 4: ("namespace", .string)]))),
            3: ("roleRef", .message([1: ("apiGroup", .string), 2: ("kind", .string), 3: ("name", .string)])),
        ]

        static let kinds: [String: Message] = [
            "Secret": [1: ("metadata", .message(objectMeta)), 2: ("data", .map(value: .bytes)), 3: ("type", .string),
                       4: ("stringData", .map(value: .string)), 5: ("immutable", .bool)],
            "ConfigMap": [1: ("metadata", .message(objectMeta)), 2: ("data", .map(value: .string)),
                          3: ("binaryData", .map(value: .bytes)), 4: ("immutable", .bool)],
            "Namespace": [1: ("metadata", .message(objectMeta)), 2: ("spec", .message([1: ("finalizers", .repeated(.string))])),
                          3: ("status", .message([1: ("phase", .string)]))],
            "ServiceAccount": [1: ("metadata", .message(objectMeta)),
                               3: ("imagePullSecrets", .repeated(.message([1: ("name", .string)]))),
                               4: ("automountServiceAccountToken", .bool)],
            "Role": [1: ("metadata", .message(objectMeta)), 2: ("rules", .repeated(.message(policyRule)))],
            "ClusterRole": [1: ("metadata", .message(objectMeta)), 2: ("rules", .repeated(.message(policyRule))),
                            3: ("aggregationRule", .message([1: ("clusterRoleSelectors", .repeated(.message([1: ("matchLabels", .map(value: .string))])))]))],
            "RoleBinding": binding,
            "ClusterRoleBinding": binding,
            "DeleteOptions": [1: ("gracePeriodSeconds", .int64),
                              2: ("preconditions", .message([1: ("uid", .string), 2: ("resourceVersion", .string)])),
                              3: ("orphanDependents", .bool), 4: ("propagationPolicy", .string), 5: ("dryRun", .repeated(.string))],
        ]
    }
}
