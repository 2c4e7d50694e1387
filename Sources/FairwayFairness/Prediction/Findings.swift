import FairwayCore
import FairwayModel

/// Findings read off the quota tree itself, before any replay.
enum Findings {
    /// Capacity that no tenant can ever hold: beyond every tenant's guarantee plus borrowing limit.
    static func capacity(_ queues: KueueQuotas.ClassQueues, policy: FairnessPolicy, className: String) -> [Diagnostic] {
        guard queues.capacity > 0 else { return [] }
        var reach: Int64 = 0
        for queue in queues.queues {
            let most = queue.gpu.borrowing.map { queue.gpu.nominal.units.addingSaturating($0.units) } ?? queues.capacity
            reach = reach.addingSaturating(min(most, queues.capacity))
        }
        guard reach < queues.capacity else { return [] }
        let idle = queues.capacity - reach
        return [.warning("capacity-unreachable",
                         "\(idle) of the \(queues.capacity) units of '\(className)' can never be used: the tenants' guarantees plus borrowing limits (and the max share) reach only \(reach)",
                         at: policy.keyLocation("spec", "classes", .key(className)),
                         hint: "raise a borrowing limit or a guarantee in '\(className)', or lower the class's capacity")]
    }

    /// Workloads that cannot be admitted for CPU or memory (their GPU need is checked by the
    /// fairness checks, which name the policy lines involved).
    static func neverByCPUOrMemory(_ workloads: [ClassWorkload], admissions: [WorkloadAdmission], gpuClass: String) -> [Diagnostic] {
        zip(workloads, admissions).compactMap { workload, admission in
            guard admission.admission == .never, let condition = admission.condition,
                  !condition.contains("nvidia.com/"), workload.kind != "demand" else { return nil }
            return .error("workload-never-admitted",
                          "\(workload.kind) '\(workload.name)' can never be admitted in '\(gpuClass)': it \(condition)",
                          at: workload.location,
                          hint: "request less CPU or memory per GPU, closer to the class's node shape")
        }
    }
}
