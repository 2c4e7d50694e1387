/// Kueue's classical preemption (fair sharing off): candidates within the ClusterQueue by
/// priority, and in the cohort by reclaim (hierarchical advantage), reclaim without borrowing and
/// reclaim while borrowing (borrowWithinCohort with its priority threshold).

enum PreemptionVariant {
    case never, withinCQ, hierarchicalReclaim, reclaimWithoutBorrowing, reclaimWhileBorrowing

    var reason: PreemptionReason {
        switch self {
        case .withinCQ: .inClusterQueue
        case .reclaimWhileBorrowing: .inCohortReclaimWhileBorrowing
        default: .inCohortReclamation
        }
    }
}

struct ClassicalCandidate {
    var id: Int
    var lca: Int
    var variant: PreemptionVariant
}

extension Scheduler {
    private func borrowWithinCohortForbidden(_ cq: Int) -> (Bool, Int32?) {
        guard let b = queues[cq].config.preemption.borrowWithinCohort, b.policy != .never else { return (true, nil) }
        return (false, b.maxPriorityThreshold)
    }

    private func classify(_ wl: Workload, cq: Int, frs: [Int], candidate: Int, advantage: Bool) -> PreemptionVariant {
        if !usesResources(candidate, frs) { return .never }
        let p = queues[cq].config.preemption
        let same = workloads[candidate].cq == cq
        if !satisfiesPolicy(wl, candidate, same ? p.withinClusterQueue : p.reclaimWithinCohort) { return .never }
        if same { return .withinCQ }
        if advantage { return .hierarchicalReclaim }
        let (forbidden, threshold) = borrowWithinCohortForbidden(cq)
        if forbidden { return .reclaimWithoutBorrowing }
        let candidatePriority = workloads[candidate].spec.priority
        if candidatePriority >= wl.priority { return .reclaimWithoutBorrowing }
        if let threshold, candidatePriority > threshold { return .reclaimWithoutBorrowing }
        return .reclaimWhileBorrowing
    }

    private func candidatesFrom(_ wl: Workload, cq: Int, frs: [Int], source: Int, lca: Int, advantage: Bool) -> [ClassicalCandidate] {
        queues[source].admitted.compactMap { c in
            let v = classify(wl, cq: cq, frs: frs, candidate: c, advantage: advantage)
            return v == .never ? nil : ClassicalCandidate(id: c, lca: lca, variant: v)
        }
    }

    /// Kueue's `QuantitiesFitInQuota`.
    private func fitInQuota(_ node: Int, _ requests: [FRAmount]) -> (Bool, [FRAmount]) {
        var ok = true
        var remaining: [FRAmount] = []
        let f = tree.frCount
        for r in requests {
            if tree.subtreeQuota[node * f + r.fr] < amountAdd(tree.usage[node * f + r.fr], r.amount) { ok = false }
            remaining.append(FRAmount(fr: r.fr, amount: max(0, amountSub(r.amount, tree.localAvailable(node, r.fr)))))
        }
        return (ok, remaining)
    }

    private func collectInSubtree(_ wl: Workload, cq: Int, frs: [Int], current: Int, subtreeRoot: Int, skip: Int,
                                  advantage: Bool, into result: inout [ClassicalCandidate]) {
        for child in tree.childCohorts[current] where child != skip {
            if tree.withinNominal(child, frs) { continue }
            collectInSubtree(wl, cq: cq, frs: frs, current: child, subtreeRoot: subtreeRoot, skip: skip, advantage: advantage, into: &result)
        }
        // A child ClusterQueue is outside its nominal quota exactly when it borrows on one of `frs`.
        var seen: Set<Int> = []
        for fr in frs {
            for child in tree.borrowers[fr] where child != cq && tree.parent[child] == current && !seen.contains(child) {
                seen.insert(child)
                result.append(contentsOf: candidatesFrom(wl, cq: cq, frs: frs, source: child, lca: subtreeRoot, advantage: advantage))
            }
        }
    }

    private func candidateIsValid(_ c: ClassicalCandidate, cq: Int, frs: [Int], borrow: Bool) -> Bool {
        let source = workloads[c.id].cq
        if source == cq { return true }
        if borrow && c.variant == .reclaimWithoutBorrowing { return false }
        if tree.withinNominal(source, frs) { return false }
        var node = tree.parent[source]
        while node >= 0 && node != c.lca {
            if tree.withinNominal(node, frs) { return false }
            node = tree.parent[node]
        }
        return true
    }

    func classicalPreemptions(_ wl: Workload, cq: Int, frs: [Int], usage: [FRAmount]) -> [Target] {
        let p = queues[cq].config.preemption
        var same = p.withinClusterQueue == .never ? [] : candidatesFrom(wl, cq: cq, frs: frs, source: cq, lca: -1, advantage: false)
        var hierarchy: [ClassicalCandidate] = []
        var priority: [ClassicalCandidate] = []
        if tree.parent[cq] >= 0 && p.reclaimWithinCohort != .never {
            var previous = -1
            var (advantage, remaining) = fitInQuota(cq, usage)
            var node = tree.parent[cq]
            while node >= 0 {
                if advantage {
                    collectInSubtree(wl, cq: cq, frs: frs, current: node, subtreeRoot: node, skip: previous, advantage: true, into: &hierarchy)
                } else {
                    collectInSubtree(wl, cq: cq, frs: frs, current: node, subtreeRoot: node, skip: previous, advantage: false, into: &priority)
                }
                let (ok, rest) = fitInQuota(node, remaining)
                remaining = rest
                advantage = advantage || ok
                previous = node
                node = tree.parent[node]
            }
        }
        let less = { (a: ClassicalCandidate, b: ClassicalCandidate) in self.candidateLess(a.id, b.id, preemptorCQ: cq) }
        same.sort(by: less)
        hierarchy.sort(by: less)
        priority.sort(by: less)
        let all = hierarchy + priority + same
        let (forbidden, _) = borrowWithinCohortForbidden(cq)
        let underNominal = frs.allSatisfy { tree.nominal[cq * tree.frCount + $0] > tree.usage[cq * tree.frCount + $0] }
        let attempts: [Bool]
        if (hierarchy.isEmpty && priority.isEmpty) || (forbidden && !underNominal) {
            attempts = [true]
        } else if forbidden && hierarchy.isEmpty {
            attempts = [false, true]
        } else {
            attempts = [true, false]
        }
        for borrowing in attempts {
            var targets: [Target] = []
            for c in all where candidateIsValid(c, cq: cq, frs: frs, borrow: borrowing) {
                removeSim(c.id)
                targets.append(Target(id: c.id, reason: c.variant.reason))
                if fits(cq, usage, allowBorrowing: borrowing) {
                    targets = fillBack(targets, cq: cq, usage: usage, allowBorrowing: borrowing)
                    for t in targets { addSim(t.id) }
                    return targets
                }
            }
            for t in targets { addSim(t.id) }
        }
        return []
    }
}
