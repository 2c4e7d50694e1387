import FairwayAdmission
import FairwayCore

/// Whether a workload fits its tenant's guarantee, fits only by borrowing, or can never fit, in
/// every resource its ClusterQueue covers (accelerator units, CPU and memory on the class flavor;
/// CPU and memory of its CPU-only pods on `fairway-cpu`), whole, as Kueue admits workloads.
struct AdmissionJudge {
    let queues: KueueQuotas.ClassQueues
    private let byTenant: [String: Int]
    /// What the whole cohort can lend: unguaranteed capacity plus every queue's lendable quota.
    private let lendable: KueueQuotas.Amounts

    init(_ queues: KueueQuotas.ClassQueues) {
        self.queues = queues
        byTenant = Dictionary(queues.queues.enumerated().map { ($1.tenant, $0) }, uniquingKeysWith: { first, _ in first })
        lendable = queues.queues.reduce(queues.cohortQuota) { $0 + ($1.gpu.lending ?? $1.gpu.nominal) }
    }

    func judge(_ w: ClassWorkload) -> WorkloadAdmission {
        var result = WorkloadAdmission(tenant: w.tenant, kind: w.kind, name: w.name, gpus: w.units, admission: .never,
                                       path: w.location?.path, line: w.location?.line)
        guard let position = byTenant[w.tenant] else {
            result.condition = "tenant \(w.tenant) has no queue in '\(queues.gpuClass)'"
            return result
        }
        let queue = queues.queues[position]
        let (onClass, onCPU) = Self.needs(w, resource: queues.resource)
        let reach = reachable(queue)
        let resources: [(String, KeyPath<KueueQuotas.Amounts, Int64>, String)] = [
            (queues.resource, \.units, "\(queues.resource)"), ("cpu", \.milliCPU, "millicores"), ("memory", \.memoryMiB, "MiB"),
        ]
        for (name, path, unit) in resources {
            if onClass[keyPath: path] > reach[keyPath: path] {
                result.condition = "needs \(onClass[keyPath: path]) \(unit) of \(name) on '\(queues.gpuClass)'; its queue can reach at most \(reach[keyPath: path])"
                return result
            }
            if onCPU[keyPath: path] > queue.cpuFlavor[keyPath: path] {
                result.condition = "its pods without GPUs need \(onCPU[keyPath: path]) \(unit) of \(name) on \(KueueQuotas.cpuFlavor); the queue has \(queue.cpuFlavor[keyPath: path])"
                return result
            }
        }
        let nominal = queue.gpu.nominal
        if onClass.units <= nominal.units && onClass.milliCPU <= nominal.milliCPU && onClass.memoryMiB <= nominal.memoryMiB {
            result.admission = .guaranteed
        } else {
            result.admission = .borrowing
            let extra = max(0, onClass.units - nominal.units)
            result.condition = extra > 0
                ? "needs \(extra) beyond \(w.tenant)'s guarantee of \(nominal.units): admitted only while the cohort has \(extra) unused to lend"
                : "needs CPU or memory beyond \(w.tenant)'s guarantee on '\(queues.gpuClass)': admitted only while the cohort lends it"
        }
        return result
    }

    /// What the workload's pods request in total on the class flavor (pods that tolerate GPU
    /// nodes) and on `fairway-cpu` (the others), in units, millicores and MiB.
    static func needs(_ w: ClassWorkload, resource: String) -> (onClass: KueueQuotas.Amounts, onCPU: KueueQuotas.Amounts) {
        var onClass = KueueQuotas.Amounts.zero, onCPU = KueueQuotas.Amounts.zero
        for podSet in w.workload.podSets {
            let count = Int64(podSet.count)
            let amounts = KueueQuotas.Amounts(
                units: (podSet.requests[resource] ?? 0).multipliedSaturating(by: count),
                milliCPU: (podSet.requests["cpu"] ?? 0).multipliedSaturating(by: count),
                memoryMiB: ((podSet.requests["memory"] ?? 0) + 1_048_575) / 1_048_576 * count)
            if podSet.tolerations.isEmpty { onCPU = onCPU + amounts } else { onClass = onClass + amounts }
        }
        return (onClass, onCPU)
    }

    /// The most a queue can hold on the class flavor: its nominal quota plus what it may borrow,
    /// bounded by what the cohort can lend (unguaranteed capacity plus the others' lendable quota).
    func reachable(_ queue: KueueQuotas.TenantQueue) -> KueueQuotas.Amounts {
        let own = queue.gpu.lending ?? queue.gpu.nominal
        let lendable = KueueQuotas.Amounts(units: self.lendable.units - own.units, milliCPU: self.lendable.milliCPU - own.milliCPU,
                                           memoryMiB: self.lendable.memoryMiB - own.memoryMiB)
        let borrowable = queue.gpu.borrowing.map { limit in
            KueueQuotas.Amounts(units: min(limit.units, lendable.units), milliCPU: min(limit.milliCPU, lendable.milliCPU),
                                memoryMiB: min(limit.memoryMiB, lendable.memoryMiB))
        } ?? lendable
        return queue.gpu.nominal + borrowable
    }
}
