import FairwayCore

/// Plans node groups per node pool. A live group belongs to the pool its `fairway.dev/nodepool` tag
/// names or, untagged, to the pool of its name; a pool has several groups while a replacement is
/// under way (the old group and `<pool>-<hash>`). Each plan converges: a retried or interrupted
/// replacement finds the group it created and finishes by deleting the old one.
extension NodeGroupDiff {
    /// Plans every desired group against the live ones (DescribeNodegroup bodies by name); groups
    /// that carry Fairway's ownership tag and are gone from Git are deleted when pruning.
    public static func plan(desired: [NodeGroup], live: [String: JSONValue], prune: Bool) -> [NodeGroupPlan] {
        reconcile(desired: desired, live: live, prune: prune).plans
    }

    /// The plan and the live group names it was computed against (for the plan's bindings).
    static func reconcile(desired: [NodeGroup], live: [String: JSONValue], prune: Bool) -> NodeGroupReconciliation {
        let byPool = Dictionary(grouping: live.sorted { $0.key < $1.key }.map { LiveNodeGroup(name: $0.key, body: $0.value) },
                                by: \.pool)
        var result = NodeGroupReconciliation()
        for group in desired {
            let members = byPool[group.name] ?? []
            let current = plan(group, members: members, prune: prune, into: &result.plans)
            if let current { result.liveNames.insert(current) } else { result.absentPools.append(group.name) }
        }
        if prune {
            let wanted = Set(desired.map(\.name))
            for (pool, members) in byPool where !wanted.contains(pool) {
                result.plans += members.filter(\.isOwned).map { NodeGroupPlan(name: $0.name, action: .delete, liveName: $0.name) }
            }
        }
        result.plans.sort { ($0.name, $0.liveName ?? "", $0.action.rawValue) < ($1.name, $1.liveName ?? "", $1.action.rawValue) }
        result.liveNames.formUnion(result.plans.compactMap(\.liveName))
        return result
    }

    /// Plans one pool and returns the live group it keeps or replaces (nil when it has none). The
    /// current group is the one whose replacement fields match, or that carries the replacement's
    /// name; the pool's other owned groups are left over from a replacement and go. With no current
    /// group, the one named like the pool (else the first by name) is replaced, and the others go
    /// only when pruning.
    private static func plan(_ group: NodeGroup, members: [LiveNodeGroup], prune: Bool, into plans: inout [NodeGroupPlan]) -> String? {
        func preferred(_ candidates: [LiveNodeGroup]) -> LiveNodeGroup? {
            candidates.first { $0.name == group.name } ?? candidates.first
        }
        func leftovers(besides kept: LiveNodeGroup) -> [NodeGroupPlan] {
            members.filter { $0.name != kept.name && $0.isOwned }.map {
                NodeGroupPlan(name: $0.name, action: .delete, liveName: $0.name,
                              note: "left over from a replacement in node pool \(group.name)")
            }
        }
        let newName = replacementName(for: group)
        if let current = preferred(members.filter { $0.name == newName || replacementChanges(group, live: $0.body).isEmpty }) {
            plans += leftovers(besides: current)
            if case let .update(request, fields) = inPlaceChange(group, live: current.body, liveName: current.name) {
                plans.append(NodeGroupPlan(name: group.name, action: .update, fields: fields, update: request,
                                           sourcePath: group.sourcePath, liveName: current.name))
            }
            return current.name
        }
        guard let old = preferred(members) else {
            plans.append(NodeGroupPlan(name: group.name, action: .create, create: group.create, sourcePath: group.sourcePath))
            return nil
        }
        plans.append(NodeGroupPlan(name: group.name, action: .replace, fields: replacementChanges(group, live: old.body),
                                   create: replacementRequest(for: group, name: newName), sourcePath: group.sourcePath,
                                   liveName: old.name))
        if prune { plans += leftovers(besides: old) }
        return old.name
    }

    /// True when the live group carries Fairway's ownership tag.
    public static func isOwned(_ body: JSONValue) -> Bool {
        body["tags"]?[Ownership.managedByLabel]?.stringValue == Ownership.managedByValue
    }
}

/// A node group plan with the live groups it was computed against.
struct NodeGroupReconciliation {
    var plans: [NodeGroupPlan] = []
    /// Live groups the plan relies on or acts on: each desired pool's current group and every group
    /// an entry updates, replaces or deletes.
    var liveNames: Set<String> = []
    /// Desired pools that have no live group.
    var absentPools: [String] = []
}

/// One live group (a DescribeNodegroup body) and the node pool it belongs to.
struct LiveNodeGroup {
    var name: String
    var body: JSONValue

    var pool: String { body["tags"]?[NodeGroup.poolTag]?.stringValue ?? name }
    var isOwned: Bool { NodeGroupDiff.isOwned(body) }
}
