import FairwayCore
import FairwayDiff
import FairwayRender

extension DesiredState {
    /// This desired state as the live state a later revision is planned against: its objects, its
    /// Helm releases as Fairway would have installed them (deployed, owned, with these values) and
    /// its node groups as EKS would describe the groups these requests create. Planning one
    /// revision against another's `asLive` is the pull-request preview: every object, release
    /// (chart, version, values) and node group the change touches.
    public var asLive: LiveSnapshot {
        let releases = helmReleases.map { LiveRelease(installed: $0, revision: 1) }
        let groups = Dictionary(nodeGroups.map { ($0.name, $0.create) }, uniquingKeysWith: { first, _ in first })
        return LiveSnapshot(serial: 0, objects: manifests, nodeGroups: groups, releases: releases)
    }
}

extension Differ {
    /// The plan from `base` (nil when the base revision does not validate: everything is new) to
    /// `head`. An object `head` no longer declares is a deletion, or, with `prune` false (the head's
    /// `spec.reconcile.prune`), listed in `orphaned` as left behind: the agent would not delete it.
    public static func between(base: DesiredState?, head: DesiredState, prune: Bool = true) -> Plan {
        let live = base?.asLive ?? LiveSnapshot(serial: 0, objects: [], nodeGroups: [:], releases: [])
        let options = DiffOptions(prune: prune, maxDeletions: nil)
        var plan = Differ.plan(desired: head.manifests, tenants: head.tenants, live: live.objects, liveSerial: 0,
                               revision: head.revision, options: options)
        Differ.addTargets(to: &plan, desiredNodeGroups: head.nodeGroups, liveNodeGroups: live.nodeGroups,
                          desiredReleases: head.helmReleases, liveReleases: live.releases, options: options)
        return plan
    }
}

extension Pipeline {
    /// What a change from `base` to `head` does (the pull-request preview): the plan from the base
    /// revision's rendering to the head's, with the head's `spec.reconcile.prune` (pruning off shows
    /// what is left behind instead of deletions the agent would not make), and how each tenant's
    /// GPU guarantee, fair point and predicted band move. Nil when the head does not validate. A base
    /// that does not validate (`fromName` names it) makes every object new, with a warning.
    public func diff(from base: Evaluation, to head: Evaluation, fromName: String) -> DesiredStateDiff? {
        guard let desired = head.desired else { return nil }
        var diagnostics = head.diagnostics
        if base.desired == nil {
            diagnostics.append(.warning("base-invalid", "the --from revision \(fromName) does not validate; every object of --to is shown as new",
                                        at: nil))
        }
        let plan = Differ.between(base: base.desired, head: desired, prune: head.platform.cluster?.spec.reconcile?.prune ?? true)
        return DesiredStateDiff(from: base.snapshot.revision, to: head.snapshot.revision, plan: plan,
                                gpuChanges: GPUChange.between(base.fairness.classes, head.fairness.classes), diagnostics: diagnostics)
    }
}
