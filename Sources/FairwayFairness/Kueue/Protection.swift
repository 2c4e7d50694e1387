import FairwayCore
import FairwayModel

/// Non-preemptible priority classes (`preemptible: false`) in Kueue's terms. Kueue decides a
/// cross-queue preemption by the preemptor's `reclaimWithinCohort` and only ever takes workloads
/// from queues that borrow; within a queue, `withinClusterQueue: LowerPriority` lets only higher
/// priorities preempt. So protected work is safe in a tenant that cannot borrow in its class; in a
/// class where a tenant that may borrow runs it, every queue reclaims only lower-priority work.
enum Protection {
    static func reclaimPolicy(gpuClass: String, queues: [KueueQuotas.TenantQueue], platform: Platform) -> String {
        exposed(gpuClass: gpuClass, queues: queues, platform: platform).isEmpty ? "Any" : "LowerPriority"
    }

    /// The protected workloads of the class whose tenant may borrow there.
    static func exposed(gpuClass: String, queues: [KueueQuotas.TenantQueue], platform: Platform) -> [RayWorkload] {
        let borrowers = Set(queues.filter { $0.gpu.borrowing.map { $0.units > 0 } ?? true }.map(\.tenant))
        return platform.rayWorkloads.filter { workload in
            workload.spec.gpuClass == gpuClass && borrowers.contains(workload.tenant)
                && platform.priorityClass(named: platform.priorityClass(of: workload))?.preemptible == false
        }
    }

    /// A warning for each protected workload whose tenant may borrow in its class.
    static func diagnostics(_ quotas: KueueQuotas, platform: Platform) -> [Diagnostic] {
        quotas.classes.flatMap { queues in
            exposed(gpuClass: queues.gpuClass, queues: queues.queues, platform: platform).map { workload in
                let priority = platform.priorityClass(of: workload) ?? ""
                let at = workload.spec.priorityClass != nil
                    ? workload.document.location("spec", "priorityClass") : workload.document.keyLocation("spec")
                return Diagnostic.warning(
                    "non-preemptible-work-in-borrowing-tenant",
                    "\(workload.kind.rawValue) '\(workload.name)' runs at '\(priority)', which must not be preempted, but tenant \(workload.tenant) may borrow '\(queues.gpuClass)' GPUs: while it borrows, Kueue could reclaim it, so every '\(queues.gpuClass)' queue now reclaims only lower-priority work",
                    at: at,
                    hint: "set borrowingLimit: 0 for \(workload.tenant) in class '\(queues.gpuClass)' to keep full reclaim of guarantees, or run it at a preemptible priority")
            }
        }
    }
}
