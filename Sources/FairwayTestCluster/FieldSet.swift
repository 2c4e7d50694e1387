import FairwayCore

/// A set of field paths in an object, in the `fieldsV1` form of `metadata.managedFields`: member keys
/// `f:<field>`, `k:<json keys>` (an item of a keyed list), `v:<json value>` (an item of a set), and
/// `.` for "this node itself". Server-side apply records each manager's fields as one of these.
struct FieldSet: Sendable, Equatable {
    /// The node itself belongs to the set (a leaf, or a list item owned as a whole).
    var isMember = false
    var children: [String: FieldSet] = [:]

    init() {}

    var isEmpty: Bool { !isMember && children.isEmpty }

    /// Reads `fieldsV1`; `{}` is a member leaf.
    init(fieldsV1: JSONValue) {
        guard case let .object(object) = fieldsV1 else { return }
        if object.isEmpty { isMember = true; return }
        for (key, value) in object {
            if key == "." { isMember = true } else { children[key] = FieldSet(fieldsV1: value) }
        }
    }

    /// The `fieldsV1` form, keys sorted.
    var fieldsV1: JSONValue {
        var object = JSONObject()
        if isMember && !children.isEmpty { object["."] = .object(JSONObject()) }
        for key in children.keys.sorted() { object[key] = children[key]!.fieldsV1 }
        return .object(object)
    }

    func union(_ other: FieldSet) -> FieldSet {
        var result = self
        result.isMember = isMember || other.isMember
        for (key, child) in other.children {
            result.children[key] = result.children[key].map { $0.union(child) } ?? child
        }
        return result
    }

    func subtracting(_ other: FieldSet) -> FieldSet {
        var result = self
        if other.isMember { result.isMember = false }
        for (key, child) in other.children {
            guard let mine = result.children[key] else { continue }
            let rest = mine.subtracting(child)
            result.children[key] = rest.isEmpty ? nil : rest
        }
        return result
    }

    func intersection(_ other: FieldSet) -> FieldSet {
        var result = FieldSet()
        result.isMember = isMember && other.isMember
        for (key, child) in children {
            guard let theirs = other.children[key] else { continue }
            let both = child.intersection(theirs)
            if !both.isEmpty { result.children[key] = both }
        }
        return result
    }

    /// Every member path, parents before children.
    var memberPaths: [[String]] {
        var result: [[String]] = []
        collect(prefix: [], into: &result)
        return result
    }

    private func collect(prefix: [String], into result: inout [[String]]) {
        if isMember { result.append(prefix) }
        for key in children.keys.sorted() { children[key]!.collect(prefix: prefix + [key], into: &result) }
    }

    /// `.spec.containers[name="a"].image`: a path as Kubernetes prints it in conflict messages.
    static func describe(_ path: [String]) -> String {
        var text = ""
        for element in path {
            let body = String(element.dropFirst(2))
            switch element.prefix(2) {
            case "f:": text += "." + body
            case "k:":
                if case let .object(keys)? = try? JSONReader.parse(body) {
                    text += "[" + keys.map { "\($0.key)=\(JSONWriter.string($0.value))" }.joined(separator: ",") + "]"
                } else {
                    text += "[" + body + "]"
                }
            case "v:": text += "[=" + body + "]"
            case "i:": text += "[" + body + "]"
            default: text += element
            }
        }
        return text
    }
}

extension FieldSet {
    /// The fields an applied configuration sets: leaves, atomic lists and maps, and keyed list items.
    static func of(_ value: JSONValue, schema: MergeSchema) -> FieldSet {
        var node = FieldSet()
        switch value {
        case let .object(object) where !schema.isAtomicMap:
            if object.isEmpty { node.isMember = true }
            for (key, member) in object {
                node.children["f:" + key] = of(member, schema: schema.child(key))
            }
        case let .array(items):
            switch schema.listType {
            case .atomic:
                node.isMember = true
            case .set:
                for item in items {
                    var leaf = FieldSet()
                    leaf.isMember = true
                    node.children["v:" + JSONWriter.string(item)] = leaf
                }
                if items.isEmpty { node.isMember = true }
            case let .map(keys):
                for item in items {
                    var child = of(item, schema: schema.items())
                    child.isMember = true
                    node.children[itemKey(item, keys: keys)] = child
                }
                if items.isEmpty { node.isMember = true }
            }
        default:
            node.isMember = true
        }
        return node
    }

    /// `k:{"name":"a"}`: the path element of a keyed list item (keys sorted, compact JSON).
    static func itemKey(_ item: JSONValue, keys: [String]) -> String {
        var object = JSONObject()
        for key in keys.sorted() { object[key] = item[key] ?? .null }
        return "k:" + JSONWriter.string(.object(object))
    }

    /// The fields of an object that managedFields track: not its identity, bookkeeping or (where status
    /// is a subresource) status.
    static func ofObject(_ object: JSONObject, resource: ResourceType, schema: MergeSchema) -> FieldSet {
        .of(.object(trackedPart(object, resource: resource)), schema: schema)
    }

    static func trackedPart(_ object: JSONObject, resource: ResourceType) -> JSONObject {
        var copy = object
        copy["apiVersion"] = nil
        copy["kind"] = nil
        if resource.hasStatus { copy["status"] = nil }
        var meta = copy.metadata
        for key in ["name", "namespace", "uid", "resourceVersion", "generation", "creationTimestamp", "managedFields",
                    "deletionTimestamp", "selfLink"] { meta[key] = nil }
        copy["metadata"] = meta.isEmpty ? nil : .object(meta)
        return copy
    }
}
