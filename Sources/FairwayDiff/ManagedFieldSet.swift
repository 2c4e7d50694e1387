import FairwayCore

/// The fields one field manager owns on a live object, as the API server records them in
/// `metadata.managedFields[].fieldsV1` (`f:<key>` for a member, `k:{...}` for a list item found by
/// its keys, `v:<json>` for a set item, `i:<n>` for a positional item, `.` for the item itself).
///
/// The differ asks it one question: does Fairway own this live field? A field the live object has
/// and Git does not is a change only when Fairway set it before; fields defaulted by the server or
/// set by other managers (an HPA's replicas, a webhook's annotation) are not Fairway's to remove.
public struct ManagedFieldSet: Sendable, Hashable {
    let node: JSONObject

    init(node: JSONObject) { self.node = node }

    /// The name Fairway applies with.
    public static let fieldManager = "fairway"

    /// Fairway's fields on `live`: the union over its `managedFields` entries whose manager is
    /// `fieldManager`. An empty set when other managers are recorded but Fairway is not; nil when the
    /// object carries no managed fields at all (the local state store), meaning every field counts.
    public static func owned(by manager: String = fieldManager, in live: JSONValue) -> ManagedFieldSet? {
        guard let entries = live["metadata"]?["managedFields"]?.arrayValue, !entries.isEmpty else { return nil }
        var merged = JSONObject()
        for entry in entries where entry["manager"]?.stringValue == manager {
            if let fields = entry["fieldsV1"]?.objectValue { merged = union(merged, fields) }
        }
        return ManagedFieldSet(node: merged)
    }

    private static func union(_ a: JSONObject, _ b: JSONObject) -> JSONObject {
        var out = a
        for member in b.members {
            if let existing = out[member.key]?.objectValue, let other = member.value.objectValue {
                out[member.key] = .object(union(existing, other))
            } else if out[member.key] == nil {
                out[member.key] = member.value
            }
        }
        return out
    }

    /// The set below member `key`, or nil when the manager does not own it.
    func member(_ key: String) -> ManagedFieldSet? {
        node["f:" + key]?.objectValue.map(ManagedFieldSet.init)
    }

    /// The set below the list item `item` (at `index` in the live list), or nil when not owned.
    func item(_ item: JSONValue, at index: Int) -> ManagedFieldSet? {
        for member in node.members {
            let key = member.key
            if key.hasPrefix("k:"), let fields = try? JSONReader.parse(Array(key.utf8.dropFirst(2))).objectValue,
               fields.members.allSatisfy({ item[$0.key] == $0.value })
            {
                return ManagedFieldSet(node: member.value.objectValue ?? JSONObject())
            }
            if key.hasPrefix("v:"), let value = try? JSONReader.parse(Array(key.utf8.dropFirst(2))), value == item {
                return ManagedFieldSet(node: member.value.objectValue ?? JSONObject())
            }
            if key == "i:\(index)" { return ManagedFieldSet(node: member.value.objectValue ?? JSONObject()) }
        }
        return nil
    }
}
