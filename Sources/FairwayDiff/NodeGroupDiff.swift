import FairwayCore

/// What it takes to bring one EKS managed node group from live to desired.
public enum NodeGroupChange: Sendable, Hashable {
    case create
    case unchanged
    /// UpdateNodegroupConfig can do it: the request to send and the fields it changes.
    case update(request: JSONValue, fields: [FieldChange])
    /// A field EKS cannot change on an existing group changed: a new group must replace the old.
    case replace(fields: [FieldChange])
}

/// Compares a desired node group (its CreateNodegroup request) with the live group as
/// DescribeNodegroup reports it. Lists that are sets to EKS (instance types, subnets, taints)
/// compare without order; labels and taints the live group has but Git does not are removed.
public enum NodeGroupDiff {
    /// One desired group against the live group of the same name (nil when there is none).
    public static func compare(_ desired: NodeGroup, live: JSONValue?) -> NodeGroupChange {
        guard let live else { return .create }
        let replacing = replacementChanges(desired, live: live)
        if !replacing.isEmpty { return .replace(fields: replacing) }
        return inPlaceChange(desired, live: live, liveName: nil)
    }

    /// The fields EKS cannot change (`NodeGroup.replacementFields`) that differ; empty when the
    /// live group can be brought to the desired one in place.
    static func replacementChanges(_ desired: NodeGroup, live: JSONValue) -> [FieldChange] {
        NodeGroup.replacementFields.compactMap { field in
            guard let after = desired.create[field] else { return nil }
            let before = live[field]
            return sameSet(before, after) ? nil : FieldChange(path: field, before: before, after: after)
        }
    }

    /// The UpdateNodegroupConfig request that brings `live` to `desired`, ignoring the fields that
    /// need a replacement; the request addresses `liveName` (by default the desired name).
    static func inPlaceChange(_ desired: NodeGroup, live: JSONValue, liveName: String?) -> NodeGroupChange {
        let want = desired.create
        var fields: [FieldChange] = []
        let name = liveName.map(JSONValue.string) ?? want["nodegroupName"] ?? .null
        var request: JSONObject = [("clusterName", want["clusterName"] ?? .null), ("nodegroupName", name)]
        let wantScaling = want["scalingConfig"] ?? [:]
        if !sameSet(live["scalingConfig"], wantScaling) {
            fields.append(FieldChange(path: "scalingConfig", before: live["scalingConfig"], after: wantScaling))
            request["scalingConfig"] = wantScaling
        }
        if let labels = labelUpdate(live: live["labels"]?.objectValue ?? JSONObject(), desired: want["labels"]?.objectValue ?? JSONObject()) {
            fields.append(FieldChange(path: "labels", before: live["labels"], after: want["labels"]))
            request["labels"] = labels
        }
        if let taints = taintUpdate(live: live["taints"]?.arrayValue ?? [], desired: want["taints"]?.arrayValue ?? []) {
            fields.append(FieldChange(path: "taints", before: live["taints"], after: want["taints"]))
            request["taints"] = taints
        }
        // EKS's default update configuration, for a description that leaves it out.
        let liveUpdate = live["updateConfig"] ?? ["maxUnavailable": 1]
        if let wanted = want["updateConfig"], !sameSet(liveUpdate, wanted) {
            fields.append(FieldChange(path: "updateConfig", before: liveUpdate, after: wanted))
            request["updateConfig"] = wanted
        }
        return fields.isEmpty ? .unchanged : .update(request: .object(request), fields: fields)
    }

    /// Equal, treating arrays as sets (EKS does not keep their order).
    static func sameSet(_ a: JSONValue?, _ b: JSONValue?) -> Bool {
        switch (a, b) {
        case let (.array(x)?, .array(y)?): return Set(x) == Set(y) && x.count == y.count
        default: return a == b
        }
    }

    static func labelUpdate(live: JSONObject, desired: JSONObject) -> JSONValue? {
        let changed = desired.members.filter { live[$0.key] != $0.value }
        let removed = live.keys.filter { desired[$0] == nil }
        guard !changed.isEmpty || !removed.isEmpty else { return nil }
        var update = JSONObject()
        if !changed.isEmpty { update["addOrUpdateLabels"] = .object(JSONObject(changed.map { ($0.key, $0.value) })) }
        if !removed.isEmpty { update["removeLabels"] = .array(removed.map(JSONValue.string)) }
        return .object(update)
    }

    static func taintUpdate(live: [JSONValue], desired: [JSONValue]) -> JSONValue? {
        let added = desired.filter { !live.contains($0) }
        let removed = live.filter { taint in !desired.contains { $0["key"] == taint["key"] && $0["effect"] == taint["effect"] } }
        guard !added.isEmpty || !removed.isEmpty else { return nil }
        var update = JSONObject()
        if !added.isEmpty { update["addOrUpdateTaints"] = .array(added) }
        if !removed.isEmpty { update["removeTaints"] = .array(removed) }
        return .object(update)
    }
}
