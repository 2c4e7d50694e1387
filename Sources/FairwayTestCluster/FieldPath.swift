import FairwayCore

/// Reading, removing and diffing values by `fieldsV1` path elements (`f:`, `k:`, `v:`).
enum FieldPath {
    /// The value at `path`, or nil where the path leaves the value.
    static func value(in root: JSONValue, at path: ArraySlice<String>) -> JSONValue? {
        guard let element = path.first else { return root }
        guard let next = step(root, element) else { return nil }
        return value(in: next, at: path.dropFirst())
    }

    private static func step(_ value: JSONValue, _ element: String) -> JSONValue? {
        let body = String(element.dropFirst(2))
        switch element.prefix(2) {
        case "f:": return value[body]
        case "k:":
            guard case let .array(items) = value, let keys = try? JSONReader.parse(body).objectValue else { return nil }
            return items.first { matches($0, keys) }
        case "v:":
            guard case let .array(items) = value, let wanted = try? JSONReader.parse(body) else { return nil }
            return items.first { $0 == wanted }
        default: return nil
        }
    }

    static func matches(_ item: JSONValue, _ keys: JSONObject) -> Bool {
        for (key, wanted) in keys where (item[key] ?? .null) != wanted { return false }
        return true
    }

    /// Removes the value at `path`; nothing happens when it is not there.
    static func remove(from root: inout JSONValue, at path: ArraySlice<String>) {
        guard let element = path.first else { return }
        let body = String(element.dropFirst(2))
        switch (root, element.prefix(2)) {
        case (.object(var object), "f:"):
            if path.count == 1 {
                object[body] = nil
            } else if var child = object[body] {
                remove(from: &child, at: path.dropFirst())
                object[body] = child
            }
            root = .object(object)
        case (.array(var items), "k:"):
            guard let keys = try? JSONReader.parse(body).objectValue,
                  let index = items.firstIndex(where: { matches($0, keys) }) else { return }
            if path.count == 1 { items.remove(at: index) } else { remove(from: &items[index], at: path.dropFirst()) }
            root = .array(items)
        case (.array(var items), "v:"):
            guard let wanted = try? JSONReader.parse(body) else { return }
            items.removeAll { $0 == wanted }
            root = .array(items)
        default:
            return
        }
    }

    /// The fields that differ between `old` and `new`: set or changed in `new`, or gone from it.
    static func changes(from old: JSONValue?, to new: JSONValue?, schema: MergeSchema) -> FieldSet {
        switch (old, new) {
        case (nil, nil): return FieldSet()
        case let (nil, new?): return FieldSet.of(new, schema: schema)
        case let (old?, nil): return FieldSet.of(old, schema: schema)
        case let (.object(a)?, .object(b)?) where !schema.isAtomicMap:
            var node = FieldSet()
            for key in Set(a.keys).union(b.keys) {
                let child = changes(from: a[key], to: b[key], schema: schema.child(key))
                if !child.isEmpty { node.children["f:" + key] = child }
            }
            return node
        case let (.array(a)?, .array(b)?):
            if case let .map(keys) = schema.listType {
                var node = FieldSet()
                var before: [String: JSONValue] = [:]
                for item in a { before[FieldSet.itemKey(item, keys: keys)] = item }
                var after: [String: JSONValue] = [:]
                for item in b { after[FieldSet.itemKey(item, keys: keys)] = item }
                for key in Set(before.keys).union(after.keys) {
                    var child = changes(from: before[key], to: after[key], schema: schema.items())
                    if before[key] == nil || after[key] == nil { child.isMember = true }
                    if !child.isEmpty { node.children[key] = child }
                }
                return node
            }
            if a == b { return FieldSet() }
            return FieldSet.of(.array(b), schema: schema)
        case let (old?, new?):
            if old == new { return FieldSet() }
            var leaf = FieldSet()
            leaf.isMember = true
            return leaf
        }
    }
}
