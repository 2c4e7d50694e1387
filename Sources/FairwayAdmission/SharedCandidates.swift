/// The fair-sharing candidates of the borrowing ClusterQueues, and the target ordering over them,
/// shared by the preemption searches of one state.
///
/// Why sharing is exact: which admitted workloads of another queue are candidates depends on the
/// preemptor only through the `reclaimWithinCohort` policy (its priority and creation where the
/// policy reads them) and the needed flavor-resources, and their order (`candidateLess`) only
/// through whether a candidate is in the preemptor's own queue. The ordering's initial state
/// depends on the preemptor only through its ancestors (the same for one parent Cohort) and its
/// own slot; so an ordering is reused only when the preemptor has no slot (no candidate of its
/// own, no candidates as a borrower), and is a value: each search mutates its own copy.
struct CandidateKey: Hashable {
    var parent: Int
    var frs: [Int]
    var policy: PreemptionPolicy
    var priority: Int32
    var creation: Int64?
}

struct SharedCandidates {
    var version: UInt64 = .max
    var admissions: UInt64 = .max
    var byKey: [CandidateKey: ([CandidateGroup], TargetOrdering?)] = [:]
}
