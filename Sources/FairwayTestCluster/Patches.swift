import FairwayCore

/// The three patch formats of `PATCH` other than apply: JSON merge patch (RFC 7386), strategic merge
/// patch (merge keys from `MergeSchema`; `$patch: delete|replace` and `$setElementOrder` directives), and
/// JSON patch (RFC 6902: add, remove, replace, move, copy, test).
enum Patches {
    static func mergePatch(_ target: JSONValue?, _ patch: JSONValue) -> JSONValue {
        guard case let .object(patchObject) = patch else { return patch }
        var result = target?.objectValue ?? JSONObject()
        for (key, value) in patchObject {
            if value == .null { result[key] = nil } else { result[key] = mergePatch(result[key], value) }
        }
        return .object(result)
    }

    static func strategicMergePatch(_ target: JSONValue?, _ patch: JSONValue, schema: MergeSchema) -> JSONValue {
        guard case let .object(patchObject) = patch else { return patch }
        if patchObject["$patch"]?.stringValue == "replace" {
            var replaced = patchObject
            replaced["$patch"] = nil
            return .object(replaced)
        }
        var result = target?.objectValue ?? JSONObject()
        for (key, value) in patchObject {
            if key.hasPrefix("$") { continue }
            if key.hasPrefix("$setElementOrder/") || key.hasPrefix("$deleteFromPrimitiveList/") { continue }
            if value == .null { result[key] = nil; continue }
            let child = schema.child(key)
            if case let .array(items) = value {
                result[key] = mergeList(result[key]?.arrayValue ?? [], items, schema: child)
            } else {
                result[key] = strategicMergePatch(result[key], value, schema: child)
            }
        }
        for (key, value) in patchObject where key.hasPrefix("$deleteFromPrimitiveList/") {
            let field = String(key.dropFirst("$deleteFromPrimitiveList/".count))
            guard case let .array(remove) = value, case let .array(items)? = result[field] else { continue }
            result[field] = .array(items.filter { !remove.contains($0) })
        }
        return .object(result)
    }

    private static func mergeList(_ live: [JSONValue], _ patch: [JSONValue], schema: MergeSchema) -> JSONValue {
        switch schema.listType {
        case .atomic:
            return .array(patch)
        case .set:
            var result = live
            for item in patch where !result.contains(item) { result.append(item) }
            return .array(result)
        case let .map(keys):
            var result = live
            for item in patch {
                let present = keys.filter { item[$0] != nil }
                let index = result.firstIndex { candidate in present.allSatisfy { candidate[$0] == item[$0] } }
                if item["$patch"]?.stringValue == "delete" {
                    if let index { result.remove(at: index) }
                } else if let index {
                    result[index] = strategicMergePatch(result[index], item, schema: schema.items())
                } else {
                    result.append(strategicMergePatch(nil, item, schema: schema.items()))
                }
            }
            return .array(result)
        }
    }

    /// A JSON patch that does not apply (a missing path, a failed test), reported as 422.
    struct JSONPatchError: Error { var message: String }

    static func jsonPatch(_ target: JSONValue, _ operations: JSONValue) throws(JSONPatchError) -> JSONValue {
        guard case let .array(list) = operations else { throw JSONPatchError(message: "a JSON patch must be a list") }
        var document = target
        for operation in list {
            guard let op = operation["op"]?.stringValue, let path = operation["path"]?.stringValue else {
                throw JSONPatchError(message: "a JSON patch operation needs op and path")
            }
            let pointer = parsePointer(path)
            switch op {
            case "add": try set(&document, pointer, operation["value"] ?? .null, insert: true)
            case "replace":
                guard value(document, pointer) != nil else { throw JSONPatchError(message: "replace operation does not apply: doc is missing key: \(path)") }
                try set(&document, pointer, operation["value"] ?? .null, insert: false)
            case "remove":
                guard value(document, pointer) != nil else { throw JSONPatchError(message: "remove operation does not apply: doc is missing path: \"\(path)\"") }
                try delete(&document, pointer)
            case "test":
                guard value(document, pointer) == operation["value"] else { throw JSONPatchError(message: "testing value \(path) failed") }
            case "move", "copy":
                guard let from = operation["from"]?.stringValue, let moved = value(document, parsePointer(from)) else {
                    throw JSONPatchError(message: "\(op) operation does not apply: missing from")
                }
                if op == "move" { try delete(&document, parsePointer(from)) }
                try set(&document, pointer, moved, insert: true)
            default: throw JSONPatchError(message: "Unexpected kind: \(op)")
            }
        }
        return document
    }

    private static func parsePointer(_ path: String) -> [String] {
        path.split(separator: "/", omittingEmptySubsequences: false).dropFirst().map {
            $0.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
        }
    }

    private static func value(_ document: JSONValue, _ pointer: [String]) -> JSONValue? {
        var current = document
        for token in pointer {
            switch current {
            case let .object(object): guard let next = object[token] else { return nil }; current = next
            case let .array(items): guard let i = Int(token), items.indices.contains(i) else { return nil }; current = items[i]
            default: return nil
            }
        }
        return current
    }

    private static func set(_ document: inout JSONValue, _ pointer: [String], _ newValue: JSONValue, insert: Bool) throws(JSONPatchError) {
        guard let token = pointer.first else { document = newValue; return }
        let rest = Array(pointer.dropFirst())
        switch document {
        case var .object(object):
            if rest.isEmpty { object[token] = newValue } else {
                guard var child = object[token] else { throw JSONPatchError(message: "missing path \(token)") }
                try set(&child, rest, newValue, insert: insert)
                object[token] = child
            }
            document = .object(object)
        case var .array(items):
            if rest.isEmpty {
                if token == "-" { items.append(newValue) }
                else if let i = Int(token), i >= 0, i <= items.count {
                    if insert { items.insert(newValue, at: i) } else if i < items.count { items[i] = newValue }
                } else { throw JSONPatchError(message: "index out of range: \(token)") }
            } else {
                guard let i = Int(token), items.indices.contains(i) else { throw JSONPatchError(message: "index out of range: \(token)") }
                try set(&items[i], rest, newValue, insert: insert)
            }
            document = .array(items)
        default:
            throw JSONPatchError(message: "cannot set \(token) in a scalar")
        }
    }

    private static func delete(_ document: inout JSONValue, _ pointer: [String]) throws(JSONPatchError) {
        guard let token = pointer.first else { return }
        let rest = Array(pointer.dropFirst())
        switch document {
        case var .object(object):
            if rest.isEmpty { object[token] = nil } else if var child = object[token] {
                try delete(&child, rest)
                object[token] = child
            }
            document = .object(object)
        case var .array(items):
            guard let i = Int(token), items.indices.contains(i) else { throw JSONPatchError(message: "index out of range: \(token)") }
            if rest.isEmpty { items.remove(at: i) } else { try delete(&items[i], rest) }
            document = .array(items)
        default:
            return
        }
    }
}
