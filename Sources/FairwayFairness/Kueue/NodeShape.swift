import FairwayCore
import FairwayModel

/// CPU and memory that come with one unit of a class's capacity: the class's nodes' vCPUs and
/// memory summed over every pool at maxNodes, divided by the class's capacity. Each pool counts
/// its smallest GPU instance type, as its capacity does.
enum NodeShape {
    static func perUnit(pools: [Document<NodePoolSpec>], capacity: Int64) -> KueueQuotas.Amounts {
        guard capacity > 0 else { return .zero }
        var milliCPU: Int64 = 0, memoryMiB: Int64 = 0
        for pool in pools {
            let node = GPUCapacity.instanceTypes(of: pool.spec).filter { $0.gpuCount > 0 }.min { $0.gpuCount < $1.gpuCount }
            let nodes = Int64(clamping: pool.spec.capacity.maxNodes)
            milliCPU = milliCPU.addingSaturating(nodes.multipliedSaturating(by: Int64(node?.vcpu ?? 0) * 1000))
            memoryMiB = memoryMiB.addingSaturating(nodes.multipliedSaturating(by: Int64(node?.memoryMiB ?? 0)))
        }
        return KueueQuotas.Amounts(units: 1, milliCPU: milliCPU / capacity, memoryMiB: memoryMiB / capacity)
    }
}

/// What a tenant's queued Ray workloads of one class need on CPU nodes, as Kueue counts it when it
/// converts them to Workloads (v0.19.2 `raycluster.BuildPodSets`, `rayjob.addSubmitterPodSet`): the
/// head (plus the autoscaler sidecar KubeRay injects when in-tree autoscaling is on: 500m, 512Mi
/// by default), the RayJob submitter Job (500m, 200Mi requested by default), and worker groups
/// without accelerators at maxReplicas.
enum HeadNeeds {
    static let autoscaler = KueueQuotas.Amounts(units: 0, milliCPU: 500, memoryMiB: 512)
    static let submitter = KueueQuotas.Amounts(units: 0, milliCPU: 500, memoryMiB: 200)

    static func byTenant(gpuClass: String, platform: Platform) -> [String: KueueQuotas.Amounts] {
        var needs: [String: KueueQuotas.Amounts] = [:]
        for workload in platform.rayWorkloads where workload.spec.gpuClass == gpuClass {
            needs[workload.tenant, default: .zero] = needs[workload.tenant, default: .zero] + of(workload)
        }
        return needs
    }

    static func of(_ workload: RayWorkload) -> KueueQuotas.Amounts {
        let spec = workload.spec
        var total = KueueQuotas.Amounts(units: 0, milliCPU: milli(spec.head.cpu), memoryMiB: mebibytes(spec.head.memory))
        if spec.autoscaling?.enabled == true { total = total + autoscaler }
        if workload.kind == .rayJob { total = total + submitter }
        for group in spec.groups where group.resources.acceleratorsPerWorker == 0 {
            let count = Int64(clamping: group.effectiveMax)
            total = total + KueueQuotas.Amounts(units: 0, milliCPU: milli(group.resources.cpu).multipliedSaturating(by: count),
                                                memoryMiB: mebibytes(group.resources.memory).multipliedSaturating(by: count))
        }
        return total
    }

    static func milli(_ quantity: Quantity) -> Int64 { Int64(clamping: quantity.milliValue) }

    /// Whole MiB, rounded up.
    static func mebibytes(_ quantity: Quantity) -> Int64 {
        let perMiB: Int128 = 1_048_576 * 1_000_000_000
        return Int64(clamping: (quantity.nanos + perMiB - 1) / perMiB)
    }
}
