import Crypto
import FairwayCore

/// The names of replacement node groups. EKS cannot create a group under the name of one that
/// still exists, so a replacement is created as `<pool>-<hash>`, the hash taken over the fields that
/// forced it: the same desired fields always give the same name, and a retried apply asks for the
/// group it may already have created.
extension NodeGroupDiff {
    /// EKS's limit on a node group name.
    public static let maxNameLength = 63

    /// `<pool>-<first 8 hex digits of the replacement digest>`, the pool cut short so the name
    /// fits in 63 characters.
    public static func replacementName(for group: NodeGroup) -> String {
        let suffix = "-" + replacementDigest(group).prefix(8)
        return String(group.name.prefix(maxNameLength - suffix.count)) + suffix
    }

    /// SHA-256 (hex) over the canonical JSON of the create request's replacement fields: keys
    /// sorted, and top-level lists sorted too, since EKS keeps them as sets (`sameSet`).
    static func replacementDigest(_ group: NodeGroup) -> String {
        var fields = JSONObject()
        for field in NodeGroup.replacementFields {
            guard let value = group.create[field]?.sortedRecursively() else { continue }
            if case let .array(items) = value {
                fields[field] = .array(items.map { (JSONWriter.string($0), $0) }.sorted { $0.0 < $1.0 }.map(\.1))
            } else {
                fields[field] = value
            }
        }
        return SHA256.hash(data: JSONWriter.bytes(.object(fields.sortedRecursively()))).hex
    }

    /// The desired create request under the replacement's name, tagged with its pool so that the
    /// new group is recognised as the pool's whatever it is called.
    static func replacementRequest(for group: NodeGroup, name: String) -> JSONValue {
        guard case var .object(create) = group.create else { return group.create }
        create["nodegroupName"] = .string(name)
        var tags = create["tags"]?.objectValue ?? JSONObject()
        if tags[NodeGroup.poolTag] == nil {
            tags[NodeGroup.poolTag] = .string(group.name)
            create["tags"] = .object(tags)
        }
        return .object(create)
    }
}
