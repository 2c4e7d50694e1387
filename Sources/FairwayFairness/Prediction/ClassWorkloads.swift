import FairwayAdmission
import FairwayCore
import FairwayModel

/// One workload of a GPU class as Kueue sees it at its peak: a Kueue Workload built the way Kueue
/// v0.19.2 converts the rendered object (`raycluster.BuildPodSets`, `rayjob.addSubmitterPodSet`:
/// the head, each worker group at maxReplicas, the RayJob submitter; a GPU notebook's pod as the pod
/// integration does), with where it was declared.
public struct ClassWorkload: Sendable {
    public var tenant: String
    /// `RayJob`, `RayCluster`, `RayService`, `Notebook`, or `demand` for the policy's undeclared demand.
    public var kind: String
    public var name: String
    public var location: SourceLocation?
    /// Accelerator units at peak.
    public var units: Int
    public var priority: Int32
    public var priorityClass: String?
    public var workload: Workload
}

/// The workloads of each class, in declaration order.
enum ClassWorkloads {
    static func of(_ queues: KueueQuotas.ClassQueues, platform: Platform) -> [ClassWorkload] {
        let tolerations = queues.taints.map(Self.toleration)
        let selector = [KueueQuotas.ClassQueues.nodeLabel: queues.gpuClass]
        var out: [ClassWorkload] = []
        let known = Set(queues.queues.map(\.tenant))
        for workload in platform.rayWorkloads where workload.spec.gpuClass == queues.gpuClass && known.contains(workload.tenant) {
            let spec = workload.spec
            var head: [String: Int64] = ["cpu": HeadNeeds.milli(spec.head.cpu), "memory": bytes(spec.head.memory)]
            if spec.autoscaling?.enabled == true {
                head["cpu", default: 0] += HeadNeeds.autoscaler.milliCPU
                head["memory", default: 0] += HeadNeeds.autoscaler.memoryMiB * 1_048_576
            }
            var podSets = [PodSet(name: "head", count: 1, requests: head)]
            for group in spec.groups {
                var requests: [String: Int64] = ["cpu": HeadNeeds.milli(group.resources.cpu), "memory": bytes(group.resources.memory)]
                let accelerated = group.resources.acceleratorsPerWorker > 0
                if accelerated { requests[queues.resource] = Int64(group.resources.acceleratorsPerWorker) }
                podSets.append(PodSet(name: group.name, count: Int32(clamping: group.effectiveMax), requests: requests,
                                      nodeSelector: accelerated ? selector : [:], tolerations: accelerated ? tolerations : []))
            }
            if workload.kind == .rayJob {
                podSets.append(PodSet(name: "submitter", count: 1,
                                      requests: ["cpu": HeadNeeds.submitter.milliCPU, "memory": HeadNeeds.submitter.memoryMiB * 1_048_576]))
            }
            let priorityClass = platform.priorityClass(of: workload)
            out.append(ClassWorkload(
                tenant: workload.tenant, kind: workload.kind.rawValue, name: workload.name,
                location: workload.document.keyLocation("spec", "workerGroups"), units: spec.peakAccelerators,
                priority: priority(priorityClass, platform), priorityClass: priorityClass,
                workload: Workload(name: "\(workload.tenant)/\(workload.name)", clusterQueue: "\(workload.tenant)-\(queues.gpuClass)",
                                   podSets: podSets)))
        }
        out += NotebookWorkloads.of(queues, platform: platform, selector: selector, tolerations: tolerations)
        out += demandJobs(queues, declared: out, platform: platform, selector: selector, tolerations: tolerations)
        return out
    }

    /// The policy's `demand` above the tenant's declared workloads, as jobs of `jobSize` units shaped
    /// like the class's nodes, at the cluster's default priority.
    private static func demandJobs(_ queues: KueueQuotas.ClassQueues, declared: [ClassWorkload], platform: Platform,
                                   selector: [String: String], tolerations: [Toleration]) -> [ClassWorkload] {
        guard let policy = platform.fairnessPolicy, let shares = policy.spec.classes?[queues.gpuClass]?.tenants else { return [] }
        let defaultClass = platform.cluster?.spec.priorityClasses.first { $0.default == true }?.name
        var out: [ClassWorkload] = []
        var declaredByTenant: [String: Int] = [:]
        for workload in declared { declaredByTenant[workload.tenant, default: 0] &+= workload.units }
        for queue in queues.queues {
            guard let share = shares[queue.tenant], let demand = share.demand, demand > 0 else { continue }
            let declaredUnits = declaredByTenant[queue.tenant] ?? 0
            var remaining = max(0, demand - declaredUnits)
            let size = max(1, share.jobSize ?? remaining)
            var index = 0
            while remaining > 0 && index < maxDemandJobs {
                let units = min(size, remaining)
                remaining -= units
                index += 1
                let amounts = queues.perUnit.scaled(Int64(units))
                let requests: [String: Int64] = ["cpu": amounts.milliCPU, "memory": amounts.memoryMiB.multipliedSaturating(by: 1_048_576),
                                                 queues.resource: Int64(units)]
                out.append(ClassWorkload(
                    tenant: queue.tenant, kind: "demand", name: "demand-\(index)",
                    location: policy.location("spec", "classes", .key(queues.gpuClass), "tenants", .key(queue.tenant), "demand"),
                    units: units, priority: priority(defaultClass, platform), priorityClass: defaultClass,
                    workload: Workload(name: "\(queue.tenant)/demand-\(queues.gpuClass)-\(index)", clusterQueue: queue.name,
                                       podSets: [PodSet(name: "main", count: 1, requests: requests, nodeSelector: selector,
                                                        tolerations: tolerations)])))
            }
        }
        return out
    }

    /// Undeclared demand is predicted as at most this many jobs per tenant and class.
    static let maxDemandJobs = 64

    static func priority(_ name: String?, _ platform: Platform) -> Int32 {
        Int32(clamping: platform.priorityClass(named: name)?.value ?? 0)
    }

    static func bytes(_ quantity: Quantity) -> Int64 { Int64(clamping: quantity.wholeUnits) }

    static func toleration(_ taint: NodeTaint) -> Toleration {
        taint.value.map { Toleration(key: taint.key, op: .equal, value: $0, effect: taint.effect) }
            ?? Toleration(key: taint.key, op: .exists, effect: taint.effect)
    }
}
