import FairwayCore
import FairwayModel

/// The Kueue quota tree that carries the fairness policy, as values, computed once and used both
/// to render the objects and to predict what Kueue admits. Semantics follow Kueue v0.19.2
/// (`kueue.x-k8s.io/v1beta2`):
///
/// - One ResourceFlavor per GPU class, named after the class, selecting the class's nodes by the
///   `fairway.dev/gpu-class` label Fairway puts on every pool of the class (Karpenter or managed node
///   group, whatever the group's name after a replacement). The class's pools form one quota, so a
///   guarantee is never split between pools and a workload can use all of it. The flavor lists the
///   pools' taints and no tolerations, so only pods that tolerate GPU nodes (GPU workers, GPU
///   notebooks) can be assigned to it.
/// - One ResourceFlavor `fairway-cpu` for the pods of a queued workload that use no GPU (Ray heads,
///   RayJob submitters, CPU worker groups): they stay off the class's GPU quota. Each ClusterQueue
///   holds exactly what its tenant's declared workloads of the class need there, and lends none.
/// - One Cohort per class whose `nominalQuota` is the capacity no tenant is guaranteed
///   (`C - sum(guaranteed)`), so that it can be borrowed.
/// - One ClusterQueue per tenant and class: nominal quota = the guarantee; borrowing limit = the
///   policy's, capped so the tenant's reachable total never exceeds `floor(maxSharePercent% x C)`;
///   lending limit = the policy's; fair-sharing weight. CPU and memory quotas follow the GPU
///   quotas in proportion to the class's node shape (per unit of capacity), so the dominant
///   resource share is the GPU share for workloads shaped like the nodes.
/// - Preemption: `withinClusterQueue: LowerPriority`, and `reclaimWithinCohort: Any` so a tenant
///   always gets its guarantee back, except in a class where a tenant that may borrow runs work
///   of a non-preemptible priority class: there `LowerPriority`, so batch work never reclaims it
///   (Kueue takes the preemptor's policy; only borrowing queues lose workloads to reclaims).
public struct KueueQuotas: Sendable {
    public static let cpuFlavor = "fairway-cpu"

    /// Amounts of the three covered resources: accelerator units, millicores, MiB.
    public struct Amounts: Sendable, Hashable {
        public var units: Int64
        public var milliCPU: Int64
        public var memoryMiB: Int64

        public static let zero = Amounts(units: 0, milliCPU: 0, memoryMiB: 0)

        public init(units: Int64, milliCPU: Int64, memoryMiB: Int64) {
            self.units = units
            self.milliCPU = milliCPU
            self.memoryMiB = memoryMiB
        }

        public static func + (a: Amounts, b: Amounts) -> Amounts {
            Amounts(units: a.units &+ b.units, milliCPU: a.milliCPU &+ b.milliCPU, memoryMiB: a.memoryMiB &+ b.memoryMiB)
        }
    }

    /// One flavor's quota in a ClusterQueue or Cohort.
    public struct Limits: Sendable, Hashable {
        public var nominal: Amounts
        public var borrowing: Amounts? = nil
        public var lending: Amounts? = nil
    }

    /// One tenant's ClusterQueue in a class.
    public struct TenantQueue: Sendable {
        public var tenant: String
        public var name: String
        public var weight: Int
        public var gpu: Limits
        /// What the tenant's pods without GPUs need in `fairway-cpu` (Ray heads, submitters, CPU workers).
        public var cpuFlavor: Amounts
    }

    /// Everything Kueue holds for one GPU class.
    public struct ClassQueues: Sendable {
        public var gpuClass: String
        /// The Kubernetes resource one unit is requested as (`nvidia.com/gpu`, `nvidia.com/mig-1g.10gb`).
        public var resource: String
        public var capacity: Int64
        /// CPU and memory per unit of capacity, from the class's node shapes.
        public var perUnit: Amounts
        public var cohortQuota: Amounts
        public var taints: [NodeTaint]
        public var reclaimWithinCohort: String
        public var queues: [TenantQueue]
    }

    public var classes: [ClassQueues]

    /// The Kubernetes resource one unit of a class is requested as.
    public static func resourceName(unit: String) -> String {
        unit.hasPrefix("mig:") ? "nvidia.com/mig-\(unit.dropFirst(4))" : "nvidia.com/gpu"
    }

    /// The quota tree of every GPU class that has pools: those of the policy and those pools provide.
    public static func build(_ platform: Platform) -> KueueQuotas {
        guard let policy = platform.fairnessPolicy else { return KueueQuotas(classes: []) }
        let units = GPUCapacity.unitsByClass(platform)
        let names = Set((policy.spec.classes ?? [:]).keys).union(platform.gpuClasses).sorted()
        let classes = names.compactMap { gpuClass -> ClassQueues? in
            let pools = platform.nodePools.filter { $0.spec.gpu?.class == gpuClass }
            guard !pools.isEmpty else { return nil }
            return classQueues(gpuClass, pools: pools, resource: resourceName(unit: units[gpuClass] ?? "gpu"),
                               policy: policy, platform: platform)
        }
        return KueueQuotas(classes: classes)
    }

    private static func classQueues(_ gpuClass: String, pools: [Document<NodePoolSpec>], resource: String,
                                    policy: FairnessPolicy, platform: Platform) -> ClassQueues {
        let classPolicy = policy.spec.classes?[gpuClass]
        let capacity = pools.reduce(Int64(0)) { $0.addingSaturating(Int64(clamping: GPUCapacity.of($1.spec))) }
        let perUnit = NodeShape.perUnit(pools: pools, capacity: capacity)
        let cap = classPolicy?.maxSharePercent.map { capacity.multipliedSaturating(by: Int64($0)) / 100 }
        let shares = classPolicy?.tenants ?? [:]
        let guaranteed = shares.values.reduce(Int64(0)) { $0.addingSaturating(Int64(clamping: $1.guaranteed)) }
        let needs = HeadNeeds.byTenant(gpuClass: gpuClass, platform: platform)
        var queues: [TenantQueue] = []
        for tenant in platform.tenants where (tenant.spec.gpuClasses ?? []).contains(gpuClass) {
            let share = shares[tenant.name]
            let g = Int64(clamping: share?.guaranteed ?? 0)
            var borrowing: Int64?
            if share == nil {
                borrowing = 0  // no entry, no share: nothing nominal, nothing to borrow
            } else {
                let room = cap.map { max(0, $0 - g) }
                switch (share?.borrowingLimit.map { Int64(clamping: $0) }, room) {
                case let (limit?, room?): borrowing = min(limit, room, capacity)
                // Nothing can borrow more than the class has: a larger limit (even 2^63-1, "no limit")
                // renders as the capacity, which Kueue treats the same and which cannot overflow.
                case let (limit?, nil): borrowing = min(limit, capacity)
                case let (nil, room?): borrowing = room
                case (nil, nil): borrowing = nil
                }
            }
            let lending = share?.lendingLimit.map { min(Int64(clamping: $0), g) }
            queues.append(TenantQueue(
                tenant: tenant.name, name: "\(tenant.name)-\(gpuClass)", weight: share?.weight ?? policy.spec.defaultWeight,
                gpu: Limits(nominal: perUnit.scaled(g), borrowing: borrowing.map(perUnit.scaled), lending: lending.map(perUnit.scaled)),
                cpuFlavor: needs[tenant.name] ?? .zero))
        }
        return ClassQueues(
            gpuClass: gpuClass, resource: resource, capacity: capacity, perUnit: perUnit,
            cohortQuota: perUnit.scaled(max(0, capacity - guaranteed)), taints: NodeTaint.ofClass(gpuClass, in: platform),
            reclaimWithinCohort: Protection.reclaimPolicy(gpuClass: gpuClass, queues: queues, platform: platform),
            queues: queues)
    }
}

extension KueueQuotas.Amounts {
    /// `units` of capacity with the CPU and memory that come with them (self is the per-unit shape).
    func scaled(_ units: Int64) -> KueueQuotas.Amounts {
        KueueQuotas.Amounts(units: units, milliCPU: milliCPU.multipliedSaturating(by: units),
                            memoryMiB: memoryMiB.multipliedSaturating(by: units))
    }
}

extension Int64 {
    /// The sum, or `Int64.max` when it would overflow: quotas this large mean "no limit" anyway.
    func addingSaturating(_ other: Int64) -> Int64 {
        let (sum, overflow) = addingReportingOverflow(other)
        return overflow ? (other > 0 ? .max : .min) : sum
    }

    func multipliedSaturating(by other: Int64) -> Int64 {
        let (product, overflow) = multipliedReportingOverflow(by: other)
        return overflow ? ((self < 0) != (other < 0) ? .min : .max) : product
    }
}
