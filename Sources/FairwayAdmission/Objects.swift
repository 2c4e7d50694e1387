/// The objects Kueue's scheduler reads, as plain values: ResourceFlavors, ClusterQueues, Cohorts and
/// Workloads. Quantities are counted as Kueue counts them: CPU in millicores, every other resource
/// in base units (memory in bytes, GPUs and pods as counts).

/// A node taint on a ResourceFlavor (`spec.nodeTaints`).
public struct Taint: Sendable, Hashable {
    public var key: String
    public var value: String
    /// `NoSchedule`, `PreferNoSchedule` or `NoExecute`.
    public var effect: String

    public init(key: String, value: String = "", effect: String) {
        self.key = key
        self.value = value
        self.effect = effect
    }
}

/// A toleration, on a pod set or on a ResourceFlavor (`spec.tolerations`).
public struct Toleration: Sendable, Hashable {
    public enum Operator: String, Sendable, Hashable { case equal = "Equal", exists = "Exists" }
    public var key: String
    public var op: Operator
    public var value: String
    /// Empty matches every effect.
    public var effect: String

    public init(key: String, op: Operator = .equal, value: String = "", effect: String = "") {
        self.key = key
        self.op = op
        self.value = value
        self.effect = effect
    }

    /// Whether this toleration tolerates `taint`, with Kubernetes' matching rules.
    public func tolerates(_ taint: Taint) -> Bool {
        if !effect.isEmpty && effect != taint.effect { return false }
        if key.isEmpty { return op == .exists }
        if key != taint.key { return false }
        switch op {
        case .exists: return true
        case .equal: return value == taint.value
        }
    }
}

/// A ResourceFlavor: the node labels a pod set must be able to select, the taints it must tolerate,
/// and tolerations the flavor adds to every pod it admits.
public struct ResourceFlavor: Sendable, Hashable {
    public var name: String
    public var nodeLabels: [String: String]
    public var nodeTaints: [Taint]
    public var tolerations: [Toleration]

    public init(name: String, nodeLabels: [String: String] = [:], nodeTaints: [Taint] = [], tolerations: [Toleration] = []) {
        self.name = name
        self.nodeLabels = nodeLabels
        self.nodeTaints = nodeTaints
        self.tolerations = tolerations
    }
}

/// The quota of one resource in one flavor. `nil` limits mean "no limit".
public struct ResourceQuota: Sendable, Hashable {
    public var nominal: Int64
    public var borrowingLimit: Int64?
    public var lendingLimit: Int64?

    public init(nominal: Int64, borrowingLimit: Int64? = nil, lendingLimit: Int64? = nil) {
        self.nominal = nominal
        self.borrowingLimit = borrowingLimit
        self.lendingLimit = lendingLimit
    }
}

/// One flavor of a resource group, with a quota per covered resource.
public struct FlavorQuotas: Sendable, Hashable {
    public var name: String
    public var resources: [String: ResourceQuota]

    public init(_ name: String, _ resources: [String: ResourceQuota]) {
        self.name = name
        self.resources = resources
    }
}

/// A resource group: resources that are assigned one flavor together, and the flavors in order.
public struct ResourceGroup: Sendable, Hashable {
    public var coveredResources: [String]
    public var flavors: [FlavorQuotas]

    public init(coveredResources: [String], flavors: [FlavorQuotas]) {
        self.coveredResources = coveredResources
        self.flavors = flavors
    }

    /// A group covering every resource its flavors name.
    public init(_ flavors: [FlavorQuotas]) {
        var covered: [String] = []
        for flavor in flavors {
            for name in flavor.resources.keys.sorted() where !covered.contains(name) { covered.append(name) }
        }
        self.init(coveredResources: covered, flavors: flavors)
    }
}

/// `Never`, `LowerPriority`, `LowerOrNewerEqualPriority`, `Any`.
public enum PreemptionPolicy: String, Sendable, Hashable {
    case never = "Never"
    case lowerPriority = "LowerPriority"
    case lowerOrNewerEqualPriority = "LowerOrNewerEqualPriority"
    case any = "Any"
}

/// `spec.preemption.borrowWithinCohort`.
public struct BorrowWithinCohort: Sendable, Hashable {
    public enum Policy: String, Sendable, Hashable { case never = "Never", lowerPriority = "LowerPriority" }
    public var policy: Policy
    public var maxPriorityThreshold: Int32?

    public init(policy: Policy, maxPriorityThreshold: Int32? = nil) {
        self.policy = policy
        self.maxPriorityThreshold = maxPriorityThreshold
    }
}

/// `spec.preemption` of a ClusterQueue (Kueue's defaults: Never everywhere).
public struct PreemptionConfig: Sendable, Hashable {
    public var reclaimWithinCohort: PreemptionPolicy
    public var borrowWithinCohort: BorrowWithinCohort?
    public var withinClusterQueue: PreemptionPolicy

    public init(reclaimWithinCohort: PreemptionPolicy = .never, borrowWithinCohort: BorrowWithinCohort? = nil,
                withinClusterQueue: PreemptionPolicy = .never) {
        self.reclaimWithinCohort = reclaimWithinCohort
        self.borrowWithinCohort = borrowWithinCohort
        self.withinClusterQueue = withinClusterQueue
    }
}

/// `spec.flavorFungibility` (defaults: whenCanBorrow MayStopSearch, whenCanPreempt TryNextFlavor).
public struct FlavorFungibility: Sendable, Hashable {
    public enum Policy: String, Sendable, Hashable { case mayStopSearch = "MayStopSearch", tryNextFlavor = "TryNextFlavor" }
    public enum Preference: String, Sendable, Hashable {
        case borrowingOverPreemption = "BorrowingOverPreemption"
        case preemptionOverBorrowing = "PreemptionOverBorrowing"
    }
    public var whenCanBorrow: Policy
    public var whenCanPreempt: Policy
    public var preference: Preference?

    public init(whenCanBorrow: Policy = .mayStopSearch, whenCanPreempt: Policy = .tryNextFlavor, preference: Preference? = nil) {
        self.whenCanBorrow = whenCanBorrow
        self.whenCanPreempt = whenCanPreempt
        self.preference = preference
    }
}

/// `spec.queueingStrategy`.
public enum QueueingStrategy: String, Sendable, Hashable {
    case bestEffortFIFO = "BestEffortFIFO"
    case strictFIFO = "StrictFIFO"
}

/// A ClusterQueue.
public struct ClusterQueue: Sendable, Hashable {
    public var name: String
    public var cohort: String?
    public var resourceGroups: [ResourceGroup]
    /// `spec.fairSharing.weight`, 1 when unset.
    public var fairWeight: Double
    public var preemption: PreemptionConfig
    public var flavorFungibility: FlavorFungibility
    public var queueingStrategy: QueueingStrategy

    public init(name: String, cohort: String? = nil, resourceGroups: [ResourceGroup] = [], fairWeight: Double = 1,
                preemption: PreemptionConfig = PreemptionConfig(), flavorFungibility: FlavorFungibility = FlavorFungibility(),
                queueingStrategy: QueueingStrategy = .bestEffortFIFO) {
        self.name = name
        self.cohort = cohort
        self.resourceGroups = resourceGroups
        self.fairWeight = fairWeight
        self.preemption = preemption
        self.flavorFungibility = flavorFungibility
        self.queueingStrategy = queueingStrategy
    }
}

/// A Cohort (`kueue.x-k8s.io/v1beta2`): an optional parent, its own quota, its fair-sharing weight.
public struct Cohort: Sendable, Hashable {
    public var name: String
    public var parent: String?
    public var resourceGroups: [ResourceGroup]
    public var fairWeight: Double

    public init(name: String, parent: String? = nil, resourceGroups: [ResourceGroup] = [], fairWeight: Double = 1) {
        self.name = name
        self.parent = parent
        self.resourceGroups = resourceGroups
        self.fairWeight = fairWeight
    }
}

/// One pod set of a Workload: `count` pods, each requesting `requests`.
public struct PodSet: Sendable, Hashable {
    public var name: String
    public var count: Int32
    /// Set when the pod set may be partially admitted down to this count.
    public var minCount: Int32?
    /// Per-pod requests, CPU in millicores, others in base units.
    public var requests: [String: Int64]
    public var nodeSelector: [String: String]
    public var tolerations: [Toleration]

    public init(name: String = "main", count: Int32 = 1, minCount: Int32? = nil, requests: [String: Int64],
                nodeSelector: [String: String] = [:], tolerations: [Toleration] = []) {
        self.name = name
        self.count = count
        self.minCount = minCount
        self.requests = requests
        self.nodeSelector = nodeSelector
        self.tolerations = tolerations
    }
}

/// A Workload: a unique name, the ClusterQueue its LocalQueue points at, a priority, a creation
/// time (any monotonic number: earlier is smaller) and its pod sets.
public struct Workload: Sendable, Hashable {
    public var name: String
    public var clusterQueue: String
    public var priority: Int32
    public var creation: Int64
    public var podSets: [PodSet]

    public init(name: String, clusterQueue: String, priority: Int32 = 0, creation: Int64 = 0, podSets: [PodSet]) {
        self.name = name
        self.clusterQueue = clusterQueue
        self.priority = priority
        self.creation = creation
        self.podSets = podSets
    }

    /// A single pod set of `count` pods.
    public init(name: String, clusterQueue: String, priority: Int32 = 0, creation: Int64 = 0, count: Int32 = 1,
                requests: [String: Int64]) {
        self.init(name: name, clusterQueue: clusterQueue, priority: priority, creation: creation,
                  podSets: [PodSet(count: count, requests: requests)])
    }
}

/// Which flavor each resource of each pod set uses, and the pod count admitted.
public struct PodSetAssignment: Sendable, Hashable {
    public var name: String
    public var flavors: [String: String]
    public var count: Int32

    public init(name: String = "main", flavors: [String: String], count: Int32) {
        self.name = name
        self.flavors = flavors
        self.count = count
    }
}
