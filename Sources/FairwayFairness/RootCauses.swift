import FairwayCore

/// Puts the root cause of a class's problems first. Z3 reports minimal conflicts one at a time and
/// sets aside the statements of each one it found; when the first runs through a workload's peak and
/// a tenant's guarantee (another team's RayJob "can never be admitted"), the over-commitment, which
/// needs that guarantee too, went unreported until the workload was deleted. RootCauses owns making
/// sure `guarantees-exceed-capacity` is always reported, at the policy's line, and that what follows
/// from it says so.
enum RootCauses {
    static let overCommitted = "guarantees-exceed-capacity"
    static let neverAdmitted = "workload-never-admitted"

    /// `problems` (Z3's explanation, or the arithmetic when Z3 did not decide) with the class's
    /// over-commitment among them whenever `arithmetic` found one, and every workload of the class
    /// that "can never be admitted" marked as following from it: its quotas are computed from
    /// guarantees the nodes cannot give, and the conflict Z3 found for it shares their statements.
    static func overCommitmentFirst(_ problems: [Diagnostic], arithmetic: [Diagnostic], model: ClassModel,
                                    capacity: Int) -> [Diagnostic] {
        guard let found = arithmetic.first(where: { $0.code == overCommitted }) else { return problems }
        var problems = problems
        let root: Diagnostic
        if let reported = problems.first(where: { $0.code == overCommitted }) {
            root = reported
        } else {
            root = explainCapacity(model, capacity: capacity) ?? found
            problems.insert(root, at: 0)
        }
        return problems.map { problem in
            problem.code == neverAdmitted && problem.cause == nil ? problem.following(root) : problem
        }
    }

    /// Z3's explanation of the class's capacity alone (guarantees against node pools, without any
    /// workload), with its notes and nearest fixes.
    private static func explainCapacity(_ model: ClassModel, capacity: Int) -> Diagnostic? {
        var capacityOnly = model
        capacityOnly.workloads = []
        capacityOnly.facts.removeAll { if case .peak = $0.kind { return true }; return false }
        return PolicyExplainer.explain(capacityOnly, capacity: capacity)?.first { $0.code == overCommitted }
    }
}
