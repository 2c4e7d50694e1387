/// Evaluations shared between ClusterQueues (Kueue's `getAssignments` for a head, reused for the
/// head of another ClusterQueue in the same state).
///
/// Why reuse is exact: a head's evaluation (flavor assignment, then fair-sharing preemption
/// targets) reads of its own ClusterQueue only its spec (resource groups, quotas, fair weight,
/// cohort, preemption and fungibility), its usage per flavor-resource, and its admitted workloads;
/// everything else it reads (the cohort's usage, other queues' usage, shares and admitted
/// workloads) is the same for every head of one cycle. Two ClusterQueues of one class (specs equal
/// but for their names) with equal usage differ, for the evaluation, only by their identity, and
/// the identity matters in two places: the preemptor's own admitted workloads are candidates (so
/// reuse requires that none satisfies the `withinClusterQueue` policy), and the preemptor's queue is
/// left out of the borrowing queues whose workloads are candidates (so reuse requires that it
/// borrows nothing, i.e. is no such queue). Under these conditions the candidate lists, the
/// target ordering, the strategies' share comparisons and every fit check see the same numbers,
/// so the assignment, its messages and the targets (workloads of other queues) are the same.
/// Only with fair sharing (classical preemption is not shared). Valid while the usage and the
/// admitted workloads are unchanged (the tree's version and `admissionChanges`).

/// The reuse key: the workload's shape (which names the queue class), its flavor scan state, and
/// its ClusterQueue's usage per flavor-resource.
struct SharedEvaluationKey: Hashable {
    var shape: Int
    var lastTried: [[Int: Int]]?
    var usage: [Int64]
}

/// The evaluations of the current state, by key.
struct SharedEvaluations {
    var version: UInt64 = .max
    var admissions: UInt64 = .max
    var byKey: [SharedEvaluationKey: (Assignment, [Target])] = [:]
}

extension Scheduler {
    /// The reuse key of head `id`, or nil when its evaluation may depend on its queue's identity.
    func sharedKey(_ id: Int) -> SharedEvaluationKey? {
        let w = workloads[id]
        guard shortcuts, config.fairSharing, w.shape >= 0 else { return nil }
        let cq = w.cq
        let f = tree.frCount
        var usage: [Int64] = []
        usage.reserveCapacity(f)
        for fr in 0..<f {
            let k = cq * f + fr
            if tree.usage[k] > tree.nominal[k] { return nil }  // borrows: its workloads are no candidates
            usage.append(tree.usage[k])
        }
        let policy = queues[cq].config.preemption.withinClusterQueue
        if policy != .never {
            for c in queues[cq].admitted where satisfiesPolicy(w.spec, c, policy) { return nil }
        }
        return SharedEvaluationKey(shape: w.shape, lastTried: w.lastTried, usage: usage)
    }

    func sharedEvaluation(_ key: SharedEvaluationKey) -> (Assignment, [Target])? {
        guard shared.version == tree.version, shared.admissions == admissionChanges else { return nil }
        return shared.byKey[key]
    }

    func storeShared(_ key: SharedEvaluationKey, _ evaluation: (Assignment, [Target])) {
        if shared.version != tree.version || shared.admissions != admissionChanges {
            shared = SharedEvaluations(version: tree.version, admissions: admissionChanges, byKey: [:])
        }
        shared.byKey[key] = evaluation
    }
}

