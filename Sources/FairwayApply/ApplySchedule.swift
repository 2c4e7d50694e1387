import FairwayCore
import FairwayDiff

/// Where a step sits in apply order: phase, then wave, then kind rank, then name. Ordering is data:
/// this value alone decides it. Steps with the same phase and wave form one stage: they start in
/// this order and run concurrently, and the next stage starts when the whole stage is done. Kinds
/// within a phase refer to each other only by name (a RoleBinding to its Role, a LocalQueue to its
/// ClusterQueue), which the API does not resolve on write, so they need not wait for each other.
public struct ApplyOrder: Sendable, Hashable, Comparable {
    /// The phases of an apply, in order.
    public enum Phase: Int, Sendable, CaseIterable, Comparable {
        /// CustomResourceDefinitions and Namespaces, waited on until established.
        case definitions
        /// EKS managed node groups created, updated or replaced (before the pools and queues that use them).
        case nodeGroups
        /// Helm releases installed or upgraded, in waves of their dependencies (before objects of their kinds).
        case releases
        /// Cluster-scoped objects: priority classes, Kueue flavors and queues, Karpenter pools, RBAC.
        case clusterPolicy
        /// Namespaced configuration: service accounts, quotas, roles, network policies, local queues.
        case namespaced
        /// Workloads: Deployments and Ray clusters, jobs and services, waited on until ready.
        case workloads
        /// Deletions: objects in reverse kind order, then releases, then node groups.
        case prune

        public static func < (a: Phase, b: Phase) -> Bool { a.rawValue < b.rawValue }

        public var name: String {
            switch self {
            case .definitions: "definitions"
            case .nodeGroups: "node groups"
            case .releases: "releases"
            case .clusterPolicy: "cluster policy"
            case .namespaced: "namespaced"
            case .workloads: "workloads"
            case .prune: "prune"
            }
        }
    }

    public var phase: Phase
    public var wave: Int
    public var rank: Int
    public var name: String

    public init(phase: Phase, wave: Int = 0, rank: Int = 0, name: String) {
        self.phase = phase
        self.wave = wave
        self.rank = rank
        self.name = name
    }

    public static func < (a: ApplyOrder, b: ApplyOrder) -> Bool {
        (a.phase.rawValue, a.wave, a.rank, a.name) < (b.phase.rawValue, b.wave, b.rank, b.name)
    }

    /// The stage this step runs in: steps sharing it run concurrently.
    var stage: StageKey { StageKey(phase: phase, wave: wave) }

    struct StageKey: Hashable {
        var phase: Phase
        var wave: Int
    }
}

/// One thing an apply does: an object written or deleted, a node group changed, a release changed.
public struct ApplyStep: Sendable {
    public enum Work: Sendable {
        case object(Change)
        case nodeGroup(NodeGroupPlan)
        case release(ReleasePlan)
    }

    public var work: Work
    public var order: ApplyOrder

    public var subject: AppliedChange.Subject {
        switch work {
        case let .object(change): .object(change.key)
        case let .nodeGroup(group): .nodeGroup(group.name)
        case let .release(release): .release(release.id)
        }
    }

    public var action: AppliedChange.Action {
        switch work {
        case let .object(change): .init(change.action)
        case let .nodeGroup(group): .init(group.action)
        case let .release(release): .init(release.action)
        }
    }

    /// `create ConfigMap/research/x`, `install release kueue-system/kueue`.
    public var label: String { "\(action) \(subject)" }
}

/// A group of steps that run together, after every earlier stage succeeded.
public struct ApplyStage: Sendable {
    public var phase: ApplyOrder.Phase
    public var wave: Int
    public var steps: [ApplyStep]

    /// `definitions`, `releases wave 2`, `prune`.
    public var name: String { wave > 0 && phase != .prune ? "\(phase.name) wave \(wave)" : phase.name }
}

/// Turns a plan into stages.
public enum ApplySchedule {
    /// Every change of the plan as steps, grouped into stages in apply order.
    public static func stages(for plan: Plan) -> [ApplyStage] {
        var steps: [ApplyStep] = plan.changes.map { ApplyStep(work: .object($0), order: order(of: $0)) }
        let releases = plan.releases ?? []
        let installed = releases.filter { $0.action != .uninstall }
        let removed = releases.filter { $0.action == .uninstall }
        let depth = releaseDepths(installed) { release in
            // A desired release names the releases it needs (by name).
            let needs = Set(release.desired?.dependsOn ?? [])
            return installed.filter { needs.contains($0.name) }.map(\.id)
        }
        let removedDepth = releaseDepths(removed) { release in
            // An uninstalled release has no desired state: what it needed is the charts' knowledge.
            let needs = Set(HelmRelease.chartDependencies[release.chart] ?? [])
            return removed.filter { needs.contains($0.chart) }.map(\.id)
        }
        let deepestRemoved = removedDepth.values.max() ?? 0
        for release in releases {
            let order = release.action == .uninstall
                // Dependents go first: the reverse of the install waves, after every object deletion.
                ? ApplyOrder(phase: .prune, wave: 1 + deepestRemoved - (removedDepth[release.id] ?? 0), name: release.id)
                : ApplyOrder(phase: .releases, wave: depth[release.id] ?? 0, name: release.id)
            steps.append(ApplyStep(work: .release(release), order: order))
        }
        for group in plan.nodeGroups ?? [] {
            // Node groups go after the pools, queues and releases that use them are gone.
            let order = group.action == .delete
                ? ApplyOrder(phase: .prune, wave: deepestRemoved + 2, name: group.name)
                : ApplyOrder(phase: .nodeGroups, name: group.name)
            steps.append(ApplyStep(work: .nodeGroup(group), order: order))
        }
        steps.sort { $0.order < $1.order }
        var stages: [ApplyStage] = []
        var current: ApplyOrder.StageKey?
        for step in steps {
            if step.order.stage != current {
                stages.append(ApplyStage(phase: step.order.phase, wave: step.order.wave, steps: []))
                current = step.order.stage
            }
            stages[stages.count - 1].steps.append(step)
        }
        return stages
    }

    /// The order of one object change: its phase by kind and scope; deletions in reverse kind order.
    static func order(of change: Change) -> ApplyOrder {
        let key = change.key
        let rank = KindFacts.rank(of: key.kind)
        let name = "\(key.namespace ?? "")/\(key.name)"
        if change.action == .delete { return ApplyOrder(phase: .prune, rank: KindFacts.table.count - rank, name: name) }
        let phase: ApplyOrder.Phase
        switch KindFacts.role(of: key.kind) {
        case .definition: phase = .definitions
        case .workload: phase = .workloads
        case .configuration where key.namespace == nil: phase = .clusterPolicy
        case .configuration: phase = .namespaced
        }
        return ApplyOrder(phase: phase, rank: rank, name: name)
    }

    /// Each release's wave by `namespace/name`: 0 without dependencies, else one more than its
    /// deepest dependency (`needs` gives the ids of the releases in the list it needs); a cycle is
    /// broken where it is found.
    static func releaseDepths(_ releases: [ReleasePlan], needs: (ReleasePlan) -> [String]) -> [String: Int] {
        let byID = Dictionary(releases.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        var depth: [String: Int] = [:]
        func visit(_ id: String, _ path: Set<String>) -> Int {
            if let known = depth[id] { return known }
            guard let release = byID[id], !path.contains(id) else { return -1 }
            let level = 1 + (needs(release).map { visit($0, path.union([id])) }.max() ?? -1)
            depth[id] = level
            return level
        }
        for release in releases { _ = visit(release.id, []) }
        return depth
    }
}
