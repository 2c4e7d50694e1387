/// Reuse of a head's evaluation (Kueue's `getAssignments`: flavor assignment and preemption
/// targets). The evaluation is a function of the quota tree's usage, the ClusterQueues' admitted
/// workloads, and what it reads of the workload itself: its ClusterQueue, pod sets, priority, its
/// creation where a preemption policy compares creations, and its flavor scan state. Two heads of
/// one ClusterQueue that agree on all of these get the same assignment and targets, so the second
/// takes the first's: parked workloads of one shape requeued after an eviction are the heads of
/// consecutive cycles in which often nothing was admitted or evicted.

/// What an evaluation reads of the workload, besides its flavor scan state.
struct EvaluationShape: Hashable {
    /// The ClusterQueue's class: ClusterQueues whose specs are equal but for their names share one.
    var queueClass: Int
    var priority: Int32
    /// Only where a policy of the ClusterQueue is `LowerOrNewerEqualPriority`.
    var creation: Int64?
    var podSets: [PodSet]
}

/// One ClusterQueue's last evaluation, with what it depended on.
struct Evaluation {
    var version: UInt64
    var admissions: UInt64
    var shape: Int
    var lastTried: [[Int: Int]]?
    var assignment: Assignment
    var targets: [Target]
}

extension Scheduler {
    /// The shape number of a workload of ClusterQueue `cq`: equal numbers, equal shapes.
    func shapeNumber(of workload: Workload, cq: Int) -> Int {
        let p = queues[cq].config.preemption
        let comparesCreation = p.withinClusterQueue == .lowerOrNewerEqualPriority || p.reclaimWithinCohort == .lowerOrNewerEqualPriority
        let shape = EvaluationShape(queueClass: queueClass[cq], priority: workload.priority, creation: comparesCreation ? workload.creation : nil,
                                    podSets: workload.podSets)
        if let known = shapes[shape] { return known }
        let number = shapes.count
        shapes[shape] = number
        return number
    }

    /// `assignments(_:)`, or the last evaluation of the head's ClusterQueue when nothing it
    /// depends on changed since.
    func evaluate(_ id: Int) -> (Assignment, [Target]) {
        let cq = workloads[id].cq
        let shape = workloads[id].shape
        if shape >= 0, let last = lastEvaluation[cq], last.version == tree.version, last.admissions == admissionChanges,
           last.shape == shape, last.lastTried == workloads[id].lastTried {
            return (last.assignment, last.targets)
        }
        let key = sharedKey(id)
        if let key, let shared = sharedEvaluation(key) {
            lastEvaluation[cq] = Evaluation(version: tree.version, admissions: admissionChanges, shape: shape,
                                            lastTried: workloads[id].lastTried, assignment: shared.0, targets: shared.1)
            return shared
        }
        let (assignment, targets) = assignments(id)
        if let key { storeShared(key, (assignment, targets)) }
        if shape >= 0 {
            lastEvaluation[cq] = Evaluation(version: tree.version, admissions: admissionChanges, shape: shape,
                                            lastTried: workloads[id].lastTried, assignment: assignment, targets: targets)
        }
        return (assignment, targets)
    }
}
