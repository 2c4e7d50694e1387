import FairwayCore

/// Server-side apply: merges an applied configuration into the live object, records the applier as
/// the owner of exactly the fields it applied, removes fields it applied before and no longer does
/// (unless someone else owns them), and refuses (409) to change fields another manager owns unless forced.
enum ServerSideApply {
    /// A field the applier would change that another manager owns.
    struct Conflict: Equatable {
        var manager: String
        var apiVersion: String
        var path: [String]
    }

    static func apply(live: JSONObject?, applied: JSONObject, manager: String, force: Bool, apiVersion: String,
                      resource: ResourceType, schema: MergeSchema) throws(APIError) -> JSONObject {
        var entries = live.map(ManagedFieldsEntry.entries(of:)) ?? []
        let appliedPart = FieldSet.trackedPart(applied, resource: resource)
        let appliedSet = FieldSet.of(.object(appliedPart), schema: schema)
        let liveValue = JSONValue.object(live.map { FieldSet.trackedPart($0, resource: resource) } ?? JSONObject())
        let appliedValue = JSONValue.object(appliedPart)

        var conflicts: [Conflict] = []
        for entry in entries where !(entry.manager == manager && entry.operation == "Apply") {
            for path in entry.fields.intersection(appliedSet).memberPaths where isLeaf(appliedSet, path) {
                let mine = FieldPath.value(in: appliedValue, at: path[...])
                let theirs = FieldPath.value(in: liveValue, at: path[...])
                if mine != theirs { conflicts.append(Conflict(manager: entry.manager, apiVersion: entry.apiVersion, path: path)) }
            }
        }
        if !conflicts.isEmpty {
            guard force else { throw conflictError(conflicts, resource: resource, name: applied.name) }
            for conflict in conflicts {
                var lost = FieldSet()
                lost.insert(conflict.path)
                for index in entries.indices where entries[index].manager == conflict.manager {
                    entries[index].fields = entries[index].fields.subtracting(lost)
                }
            }
        }

        var merged = merge(live.map { JSONValue.object($0) }, .object(applied), schema: schema)
        let previous = entries.first { $0.manager == manager && $0.operation == "Apply" }?.fields ?? FieldSet()
        let others = entries.filter { !($0.manager == manager && $0.operation == "Apply") }
            .reduce(FieldSet()) { $0.union($1.fields) }
        for path in previous.subtracting(appliedSet).memberPaths where !others.hasNode(path) {
            FieldPath.remove(from: &merged, at: path[...])
        }

        guard case var .object(result) = merged else { return applied }
        let now = WallTime.now().rfc3339
        if let index = entries.firstIndex(where: { $0.manager == manager && $0.operation == "Apply" }) {
            if entries[index].fields != appliedSet || entries[index].apiVersion != apiVersion { entries[index].time = now }
            entries[index].fields = appliedSet
            entries[index].apiVersion = apiVersion
        } else {
            entries.append(ManagedFieldsEntry(manager: manager, operation: "Apply", apiVersion: apiVersion, time: now,
                                              fields: appliedSet))
        }
        ManagedFieldsEntry.store(entries, in: &result)
        return result
    }

    private static func isLeaf(_ set: FieldSet, _ path: [String]) -> Bool {
        var node = set
        for element in path {
            guard let next = node.children[element] else { return false }
            node = next
        }
        return node.children.isEmpty
    }

    /// The merged object: maps merged member by member, keyed lists item by item, sets as unions,
    /// atomic lists and scalars replaced.
    static func merge(_ live: JSONValue?, _ applied: JSONValue, schema: MergeSchema) -> JSONValue {
        switch (live, applied) {
        case let (.object(old)?, .object(new)) where !schema.isAtomicMap:
            var result = old
            for (key, value) in new { result[key] = merge(old[key], value, schema: schema.child(key)) }
            return .object(result)
        case let (.array(old)?, .array(new)):
            switch schema.listType {
            case .atomic: return applied
            case .set:
                var result = old
                for item in new where !result.contains(item) { result.append(item) }
                return .array(result)
            case let .map(keys):
                var result = old
                for item in new {
                    let key = FieldSet.itemKey(item, keys: keys)
                    if let index = result.firstIndex(where: { FieldSet.itemKey($0, keys: keys) == key }) {
                        result[index] = merge(result[index], item, schema: schema.items())
                    } else {
                        result.append(item)
                    }
                }
                return .array(result)
            }
        default:
            return applied
        }
    }

    private static func conflictError(_ conflicts: [Conflict], resource: ResourceType, name: String) -> APIError {
        let byManager = Dictionary(grouping: conflicts, by: { "\($0.manager)|\($0.apiVersion)" })
        var lines: [String] = []
        if conflicts.count == 1, let only = conflicts.first {
            lines.append("conflict with \"\(only.manager)\" using \(only.apiVersion): \(FieldSet.describe(only.path))")
        } else {
            for key in byManager.keys.sorted() {
                let group = byManager[key]!
                lines.append("conflicts with \"\(group[0].manager)\" using \(group[0].apiVersion):")
                lines += group.map { "- " + FieldSet.describe($0.path) }
            }
        }
        let count = conflicts.count == 1 ? "1 conflict" : "\(conflicts.count) conflicts"
        var details = APIError.detailsFor(resource, name: name)
        details["causes"] = .array(conflicts.map {
            .object([("reason", "FieldManagerConflict"), ("message", .string("conflict with \"\($0.manager)\" using \($0.apiVersion)")),
                     ("field", .string(FieldSet.describe($0.path)))])
        })
        return APIError(code: 409, reason: "Conflict", message: "Apply failed with \(count): " + lines.joined(separator: "\n"),
                        details: details)
    }
}

extension FieldSet {
    mutating func insert(_ path: [String]) {
        guard let first = path.first else { isMember = true; return }
        var child = children[first] ?? FieldSet()
        child.insert(Array(path.dropFirst()))
        children[first] = child
    }

    /// Whether the set holds `path` or anything beneath it.
    func hasNode(_ path: [String]) -> Bool {
        var node = self
        for element in path {
            guard let next = node.children[element] else { return false }
            node = next
        }
        return !node.isEmpty
    }
}
