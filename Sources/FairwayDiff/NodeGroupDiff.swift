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
    public static func compare(_ desired: NodeGroup, live: JSONValue?) -> NodeGroupChange {
        guard let live else { return .create }
        let want = desired.create
        var replacing: [FieldChange] = []
        for field in NodeGroup.replacementFields {
            guard let after = want[field] else { continue }
            let before = live[field]
            if !sameSet(before, after) { replacing.append(FieldChange(path: field, before: before, after: after)) }
        }
        if !replacing.isEmpty { return .replace(fields: replacing) }

        var fields: [FieldChange] = []
        var request: JSONObject = [("clusterName", want["clusterName"] ?? .null), ("nodegroupName", want["nodegroupName"] ?? .null)]
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

/// What happens to one EKS managed node group, with the request bodies an apply sends.
public struct NodeGroupPlan: Sendable, Hashable {
    public enum Action: String, Sendable, Codable {
        case create
        case update
        case replace
        case delete
    }

    public var name: String
    public var action: Action
    public var fields: [FieldChange]
    /// CreateNodegroup body (create and replace).
    public var create: JSONValue?
    /// UpdateNodegroupConfig body (update).
    public var update: JSONValue?
    /// The node pool document it comes from (nil for deletions).
    public var sourcePath: String?
}

extension NodeGroupDiff {
    /// Plans every desired group against the live ones (DescribeNodegroup bodies by name); groups
    /// that carry Fairway's ownership tag and are gone from Git are deleted when pruning.
    public static func plan(desired: [NodeGroup], live: [String: JSONValue], prune: Bool) -> [NodeGroupPlan] {
        var plans: [NodeGroupPlan] = []
        for group in desired {
            switch compare(group, live: live[group.name]) {
            case .unchanged: continue
            case .create:
                plans.append(NodeGroupPlan(name: group.name, action: .create, fields: [], create: group.create,
                                           sourcePath: group.sourcePath))
            case let .update(request, fields):
                plans.append(NodeGroupPlan(name: group.name, action: .update, fields: fields, update: request,
                                           sourcePath: group.sourcePath))
            case let .replace(fields):
                plans.append(NodeGroupPlan(name: group.name, action: .replace, fields: fields, create: group.create,
                                           sourcePath: group.sourcePath))
            }
        }
        if prune {
            let wanted = Set(desired.map(\.name))
            for (name, body) in live where !wanted.contains(name) && isOwned(body) {
                plans.append(NodeGroupPlan(name: name, action: .delete, fields: []))
            }
        }
        return plans.sorted { $0.name < $1.name }
    }

    /// True when the live group carries Fairway's ownership tag.
    public static func isOwned(_ body: JSONValue) -> Bool {
        body["tags"]?[Ownership.managedByLabel]?.stringValue == Ownership.managedByValue
    }
}
