import FairwayCore

extension Differ {
    /// Adds the EKS node groups and Helm releases to an object plan, with their bindings. The
    /// deletion guard (`Plan.refusals`) then counts all deletions together: a pruned node group
    /// counts as much as a pruned object. A target that was not read (nil) is left out of the plan.
    public static func addTargets(to plan: inout Plan, desiredNodeGroups: [NodeGroup], liveNodeGroups: [String: JSONValue]?,
                                  desiredReleases: [HelmRelease], liveReleases: [LiveRelease]?, options: DiffOptions) {
        plan.maxDeletions = options.maxDeletions
        if let live = liveNodeGroups {
            let groups = NodeGroupDiff.reconcile(desired: desiredNodeGroups, live: live, prune: options.prune)
            plan.nodeGroups = groups.plans
            // Bound by live name: a pool's group after a replacement is not named like the pool.
            for pool in groups.absentPools { plan.bindings.nodeGroups[pool] = "" }
            for name in groups.liveNames { plan.bindings.nodeGroups[name] = version(of: live[name]) }
            if !options.prune {
                let wanted = Set(desiredNodeGroups.map(\.name))
                for (name, body) in live.sorted(by: { $0.key < $1.key }) {
                    let group = LiveNodeGroup(name: name, body: body)
                    if group.isOwned && !wanted.contains(group.pool) { plan.orphanedTargets.append("nodegroup/\(name)") }
                }
            }
        }
        if let live = liveReleases {
            plan.releases = ReleaseDiff.plan(desired: desiredReleases, live: live, prune: options.prune)
            if !options.prune {
                let wanted = Set(desiredReleases.map { "\($0.namespace)/\($0.name)" })
                plan.orphanedTargets += live.filter { $0.owned && !wanted.contains($0.id) }.map { "release/\($0.id)" }.sorted()
            }
            let revisions = Dictionary(live.map { ($0.id, $0.revision) }, uniquingKeysWith: max)
            for release in desiredReleases {
                let id = "\(release.namespace)/\(release.name)"
                plan.bindings.releases[id] = revisions[id] ?? 0
            }
            for entry in plan.releases ?? [] where entry.action == .uninstall {
                plan.bindings.releases[entry.id] = revisions[entry.id] ?? 0
            }
        }
    }

    /// What a node group's binding records: when EKS last modified it ("" when absent). Node groups
    /// are bound by their live names; a desired pool with no live group binds its own name to "".
    static func version(of group: JSONValue?) -> String {
        guard let group else { return "" }
        switch group["modifiedAt"] {
        case let .string(text)?: return text
        case let .double(seconds)?: return String(seconds)
        case let .int(seconds)?: return String(seconds)
        default: return group["status"]?.stringValue ?? "present"
        }
    }

}
