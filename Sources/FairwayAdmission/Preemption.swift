/// Kueue's preemptor (`pkg/scheduler/preemption`): candidate search, classical preemption
/// (withinClusterQueue, reclaimWithinCohort, borrowWithinCohort, hierarchical reclaim) and fair
/// sharing preemption (target ClusterQueue ordering by DRS, strategies S2-a / S2-b, reclaim
/// within nominal). Simulated removals change the quota tree and are always undone before return.

struct Target {
    var id: Int
    var reason: PreemptionReason
}

extension Scheduler {
    /// Kueue's `CandidatesOrdering`: other queues' workloads first, then lower priority, then the
    /// most recently admitted, then name (Kueue: UID).
    func candidateLess(_ a: Int, _ b: Int, preemptorCQ: Int) -> Bool {
        let xSame = workloads[a].cq == preemptorCQ, ySame = workloads[b].cq == preemptorCQ
        if xSame != ySame { return !xSame }
        let xp = workloads[a].spec.priority, yp = workloads[b].spec.priority
        if xp != yp { return xp < yp }
        let xr = workloads[a].reservedAt, yr = workloads[b].reservedAt
        if xr != yr { return xr > yr }
        return workloads[a].spec.name < workloads[b].spec.name
    }

    func satisfiesPolicy(_ preemptor: Workload, _ candidate: Int, _ policy: PreemptionPolicy) -> Bool {
        let priority = workloads[candidate].spec.priority
        let lower = preemptor.priority > priority
        switch policy {
        case .never: return false
        case .lowerPriority: return lower
        case .lowerOrNewerEqualPriority:
            return lower || (preemptor.priority == priority && preemptor.creation < workloads[candidate].spec.creation)
        case .any: return true
        }
    }

    func usesResources(_ id: Int, _ frs: [Int]) -> Bool {
        workloads[id].usage.contains { frs.contains($0.fr) }
    }

    func fits(_ cq: Int, _ usage: [FRAmount], allowBorrowing: Bool) -> Bool {
        for u in usage {
            if !allowBorrowing && tree.cqBorrowingWith(cq, u.fr, u.amount) { return false }
            if u.amount > tree.available(cq, u.fr) { return false }
        }
        return true
    }

    func removeSim(_ id: Int) { tree.remove(workloads[id].usage, from: workloads[id].cq) }
    func addSim(_ id: Int) { tree.add(workloads[id].usage, to: workloads[id].cq) }

    func fillBack(_ targets: [Target], cq: Int, usage: [FRAmount], allowBorrowing: Bool) -> [Target] {
        var targets = targets
        var i = targets.count - 2
        while i >= 0 {
            addSim(targets[i].id)
            if fits(cq, usage, allowBorrowing: allowBorrowing) {
                targets[i] = targets[targets.count - 1]
                targets.removeLast()
            } else {
                removeSim(targets[i].id)
            }
            i -= 1
        }
        return targets
    }

    /// Kueue's `getTargets`: the workloads to preempt so that `usage` fits in `cq`, or none.
    func preemptionTargets(_ id: Int, cq: Int, frs: [Int], usage: [FRAmount]) -> [Target] {
        tree.preservingVersion {
            config.fairSharing
                ? fairPreemptions(workloads[id].spec, cq: cq, frs: frs, usage: usage)
                : classicalPreemptions(workloads[id].spec, cq: cq, frs: frs, usage: usage)
        }
    }

    // MARK: Fair sharing

    /// The candidates of a fair-sharing preemption, grouped per ClusterQueue in ascending node
    /// order, each group in Kueue's candidate order (`candidateLess`; the whole list sorted and
    /// then grouped gives the same groups).
    func fairCandidates(_ wl: Workload, cq: Int, frs: [Int]) -> [CandidateGroup] {
        fairCandidatesAndOrdering(wl, cq: cq, frs: frs).groups
    }

    /// `fairCandidates`, and when the preemptor has no candidate of its own and borrows on none
    /// of `frs`, the target ordering over them (shared; see `SharedCandidates`).
    func fairCandidatesAndOrdering(_ wl: Workload, cq: Int, frs: [Int]) -> (groups: [CandidateGroup], ordering: TargetOrdering?) {
        let p = queues[cq].config.preemption
        var own: [Int] = []
        if p.withinClusterQueue != .never {
            own = queues[cq].admitted.filter { satisfiesPolicy(wl, $0, p.withinClusterQueue) && usesResources($0, frs) }
            own.sort { candidateLess($0, $1, preemptorCQ: cq) }
        }
        guard tree.parent[cq] >= 0 && p.reclaimWithinCohort != .never else {
            return (own.isEmpty ? [] : [CandidateGroup(cq: cq, members: own)], nil)
        }
        var (groups, ordering) = otherCandidates(wl, cq: cq, frs: frs, policy: p.reclaimWithinCohort)
        if let mine = groups.firstIndex(where: { $0.cq == cq }) {
            groups.remove(at: mine)
            ordering = nil
        }
        if !own.isEmpty {
            let at = groups.firstIndex { $0.cq > cq } ?? groups.count
            groups.insert(CandidateGroup(cq: cq, members: own), at: at)
            ordering = nil
        }
        ordering?.preemptorCQ = cq
        return (groups, groups.isEmpty ? nil : ordering)
    }

    /// The candidate groups of every borrowing ClusterQueue of the preemptor's tree (the
    /// preemptor's own included, should it borrow), in ascending node order, each in Kueue's
    /// candidate order, and a target ordering over them.
    func otherCandidates(_ wl: Workload, cq: Int, frs: [Int], policy: PreemptionPolicy) -> ([CandidateGroup], TargetOrdering?) {
        let key = CandidateKey(parent: tree.parent[cq], frs: frs, policy: policy,
                               priority: policy == .any ? 0 : wl.priority,
                               creation: policy == .lowerOrNewerEqualPriority ? wl.creation : nil)
        if candidateCache.version != tree.version || candidateCache.admissions != admissionChanges {
            candidateCache = SharedCandidates(version: tree.version, admissions: admissionChanges)
        }
        if shortcuts, let known = candidateCache.byKey[key] { return known }
        var groups: [CandidateGroup] = []
        // Only ClusterQueues above nominal on a needed flavor-resource can yield candidates.
        var seen: Set<Int> = []
        for fr in frs {
            for other in tree.borrowers[fr] where tree.root[other] == tree.root[cq] && !seen.contains(other) {
                seen.insert(other)
                let members = queues[other].admitted.filter { satisfiesPolicy(wl, $0, policy) && usesResources($0, frs) }
                if !members.isEmpty { groups.append(CandidateGroup(cq: other, members: members)) }
            }
        }
        groups.sort { $0.cq < $1.cq }
        // Candidates of other queues: the order does not depend on which queue preempts.
        for i in groups.indices { groups[i].members.sort { candidateLess($0, $1, preemptorCQ: -1) } }
        let ordering = groups.isEmpty || !shortcuts ? nil : TargetOrdering(self, preemptorCQ: cq, groups: groups)
        if shortcuts { candidateCache.byKey[key] = (groups, ordering) }
        return (groups, ordering)
    }

    func fairPreemptions(_ wl: Workload, cq: Int, frs: [Int], usage: [FRAmount]) -> [Target] {
        if fairSharingHopeless(wl, cq: cq, frs: frs, usage: usage) { return [] }
        let (candidates, ordering) = fairCandidatesAndOrdering(wl, cq: cq, frs: frs)
        if candidates.isEmpty { return [] }
        tree.add(usage, to: cq)
        var (ok, targets, retry) = firstStrategy(cq: cq, candidates: candidates, ordering: ordering, frs: frs, usage: usage)
        if !ok && config.preemptionStrategies.count > 1 {
            (ok, targets) = secondStrategy(cq: cq, candidates: retry, usage: usage, targets: targets)
        }
        tree.remove(usage, from: cq)
        if !ok {
            for t in targets { addSim(t.id) }
            return []
        }
        targets = fillBack(targets, cq: cq, usage: usage, allowBorrowing: true)
        for t in targets { addSim(t.id) }
        return targets
    }

    /// Shortcut, exact: in a flat cohort, whether fair-sharing preemption surely finds no targets,
    /// decided without collecting and sorting every borrowing queue's workloads.
    ///
    /// Why it is equivalent: a target is taken only (1) from the preemptor's own ClusterQueue,
    /// (2) when the preemptor is within nominal with its workload (FairSharingPreemptWithinNominal),
    /// or (3) when a strategy passes for a target queue t: S2-a needs preemptorNew ≤ DRS(t) after
    /// the removal, S2-b (and the second pass) preemptorNew < DRS(t) now. In a flat cohort DRS(t)
    /// depends on t's own usage only, the preemptor's share does not change while only other queues
    /// lose workloads, and removing usage never raises a DRS; so with no own-queue candidate, not
    /// within nominal, and every other borrowing queue's DRS below preemptorNew, no strategy can
    /// pass and Kueue returns no targets. Candidate queues are among the borrowers on `frs`.
    /// Second bound (below): not even removing everything removable makes room.
    func fairSharingHopeless(_ wl: Workload, cq: Int, frs: [Int], usage: [FRAmount]) -> Bool {
        let root = tree.root[cq]
        guard root != cq, tree.parent[cq] == root, tree.childCohorts[root].isEmpty else { return false }
        let p = queues[cq].config.preemption
        if p.withinClusterQueue != .never {
            for c in queues[cq].admitted where satisfiesPolicy(wl, c, p.withinClusterQueue) && usesResources(c, frs) { return false }
        }
        let f = tree.frCount
        var within = true
        for fr in frs {
            var v: Int64 = 0
            for u in usage where u.fr == fr { v = amountAdd(v, u.amount) }
            if tree.nominal[cq * f + fr] < amountAdd(tree.usage[cq * f + fr], v) { within = false; break }
        }
        let preemptorNew = tree.drs(cq, adding: usage)
        let shares = borrowerShares(frs)
        if !within {
            var hope = false
            for (other, share) in shares.top where other != cq {
                hope = DominantResourceShare.compare(share, preemptorNew) >= 0
                break
            }
            if !hope { return true }  // no other borrower reaches the preemptor's share
        }
        // Even removing every workload of every queue a target can come from (all borrowers when
        // within nominal, else those whose DRS reaches preemptorNew) leaves too little room: the
        // room only grows as targets go, so no target set fits and Kueue returns none. Removing
        // all of a queue's workloads on fr frees exactly its usage above its local quota in the
        // (flat) cohort; the preemptor's own usage stays.
        let root0 = root * f
        for u in usage {
            let fr = u.fr
            var freed: Int64 = 0
            for (other, share) in shares.all where other != cq && (within || DominantResourceShare.compare(share, preemptorNew) >= 0) {
                freed = amountAdd(freed, max(0, amountSub(tree.usage[other * f + fr], tree.localQuota[other * f + fr])))
            }
            let k = cq * f + fr
            var parentAvailable = amountSub(tree.subtreeQuota[root0 + fr], amountSub(tree.usage[root0 + fr], freed))
            if tree.borrowLimit[k] != .min {
                let lq = tree.localQuota[k]
                let storedInParent = amountSub(tree.subtreeQuota[k], lq)
                let usedInParent = max(0, amountSub(tree.usage[k], lq))
                parentAvailable = min(amountAdd(amountSub(storedInParent, usedInParent), tree.borrowLimit[k]), parentAvailable)
            }
            let best = max(0, amountAdd(tree.localAvailable(cq, fr), parentAvailable))
            if u.amount > best { return true }
        }
        return false
    }

    /// The DRS of every ClusterQueue borrowing on any of `frs`, and the two highest (cached per
    /// `frs` until the usage changes: every head of a cycle sees the same usage, and asks for each
    /// flavor-resource it cannot fit and for all of them).
    func borrowerShares(_ frs: [Int]) -> (top: [(Int, DominantResourceShare)], all: [(Int, DominantResourceShare)]) {
        if shareCache.version != tree.version { shareCache = (tree.version, [:]) }
        if let c = shareCache.byFRs[frs] { return c }
        var top: [(Int, DominantResourceShare)] = []
        var all: [(Int, DominantResourceShare)] = []
        func offer(_ cq: Int) {
            let d = tree.drs(cq)
            all.append((cq, d))
            if top.count < 2 {
                top.append((cq, d))
                if top.count == 2, DominantResourceShare.compare(top[1].1, top[0].1) > 0 { top.swapAt(0, 1) }
            } else if DominantResourceShare.compare(d, top[0].1) > 0 {
                top[1] = top[0]
                top[0] = (cq, d)
            } else if DominantResourceShare.compare(d, top[1].1) > 0 {
                top[1] = (cq, d)
            }
        }
        if frs.count == 1 {
            for cq in tree.borrowers[frs[0]] { offer(cq) }
        } else {
            var seen: Set<Int> = []
            for fr in frs { for cq in tree.borrowers[fr] where seen.insert(cq).inserted { offer(cq) } }
        }
        shareCache.byFRs[frs] = (top, all)
        return (top, all)
    }

    private func fitsForFairSharing(_ cq: Int, _ usage: [FRAmount]) -> Bool {
        tree.remove(usage, from: cq)
        defer { tree.add(usage, to: cq) }
        return fits(cq, usage, allowBorrowing: true)
    }

    /// The node just below the lowest common ancestor of the preemptor's and target's queues.
    private func almostLCAs(_ ordering: TargetOrdering, target: Int) -> (Int, Int) {
        var lca = tree.parent[target]
        while lca >= 0 && !ordering.ancestors.contains(lca) { lca = tree.parent[lca] }
        func below(_ node: Int) -> Int {
            var n = node
            while tree.parent[n] != lca { n = tree.parent[n] }
            return n
        }
        return (below(ordering.preemptorCQ), below(target))
    }

    private func strategyPasses(_ s: PreemptionStrategy, preemptorNew: DominantResourceShare, targetOld: DominantResourceShare,
                                targetNew: DominantResourceShare) -> Bool {
        switch s {
        case .lessThanOrEqualToFinalShare: DominantResourceShare.compare(preemptorNew, targetNew) <= 0
        case .lessThanInitialShare: DominantResourceShare.compare(preemptorNew, targetOld) < 0
        }
    }

    /// The first strategy; when it fails, also the candidates to retry with the second, grouped
    /// as `fairCandidates` groups them.
    private func firstStrategy(cq: Int, candidates: [CandidateGroup], ordering shared: TargetOrdering?, frs: [Int], usage: [FRAmount])
        -> (Bool, [Target], [CandidateGroup]) {
        var ordering = shared ?? TargetOrdering(self, preemptorCQ: cq, groups: candidates)
        var targets: [Target] = []
        var retry = candidates.map { CandidateGroup(cq: $0.cq, members: []) }
        let strategy = config.preemptionStrategies[0]
        // FairSharingPreemptWithinNominal: with its workload, the preemptor is within nominal.
        let withinNominal = frs.allSatisfy { !tree.cqBorrowingWith(cq, $0, 0) }
        // In a flat cohort, with no candidate of its own and not within nominal, every slot is
        // judged by the strategy against one preemptor share, and slots come in descending share:
        // once a slot fails before any removal, every later one fails too, and each would fail
        // the second strategy as well (it needs preemptorNew < share, and these shares stay as
        // they are). Their candidates are not collected for a retry that cannot take them.
        let stopAtFirstFailure = shortcuts && ordering.isFlat && !withinNominal && !candidates.contains { $0.cq == cq }
        while let slot = ordering.next(self) {
            let target = ordering.cq(slot)
            if target == cq {
                let c = ordering.pop(slot)
                removeSim(c)
                targets.append(Target(id: c, reason: .inClusterQueue))
                if fitsForFairSharing(cq, usage) { return (true, targets, []) }
                continue
            }
            if withinNominal {
                let c = ordering.pop(slot)
                removeSim(c)
                targets.append(Target(id: c, reason: .inCohortReclamation))
                if fitsForFairSharing(cq, usage) { return (true, targets, []) }
                continue
            }
            let (pl, tl) = almostLCAs(ordering, target: target)
            let preemptorNew = tree.drs(pl), targetOld = tree.drs(tl)
            // Removing a workload never raises a share: when the strategy fails against the
            // target's share before any removal, it fails after removing each of its candidates,
            // which the loop below would each put back and add to the retry list.
            if (preemptorNew.preciseWeightedShare == .infinity && targetOld.preciseWeightedShare != .infinity)
                || !strategyPasses(strategy, preemptorNew: preemptorNew, targetOld: targetOld, targetNew: targetOld) {
                if stopAtFirstFailure { break }
                while ordering.hasWorkload(slot) { retry[slot].members.append(ordering.pop(slot)) }
                continue
            }
            while ordering.hasWorkload(slot) {
                let c = ordering.pop(slot)
                removeSim(c)
                let targetNew = tree.drs(tl)
                if strategyPasses(strategy, preemptorNew: preemptorNew, targetOld: targetOld, targetNew: targetNew) {
                    targets.append(Target(id: c, reason: .inCohortFairSharing))
                    if fitsForFairSharing(cq, usage) { return (true, targets, []) }
                    break
                }
                addSim(c)
                retry[slot].members.append(c)
            }
        }
        return (false, targets, retry.filter { !$0.members.isEmpty })
    }

    private func secondStrategy(cq: Int, candidates: [CandidateGroup], usage: [FRAmount], targets: [Target]) -> (Bool, [Target]) {
        var targets = targets
        var ordering = TargetOrdering(self, preemptorCQ: cq, groups: candidates)
        while let slot = ordering.next(self) {
            let (pl, tl) = almostLCAs(ordering, target: ordering.cq(slot))
            let passed = DominantResourceShare.compare(tree.drs(pl), tree.drs(tl)) < 0
            // Flat cohort: the preemptor's share is fixed and slots come in descending share, so
            // after a slot fails every later one fails too.
            if !passed && shortcuts && ordering.isFlat { return (false, targets) }
            let c = ordering.pop(slot)
            if passed {
                removeSim(c)
                targets.append(Target(id: c, reason: .inCohortFairSharing))
                if fitsForFairSharing(cq, usage) { return (true, targets) }
            }
            ordering.drop(slot)
        }
        return (false, targets)
    }
}

extension Scheduler {
    /// The workloads Kueue would preempt so that `workload` fits in its ClusterQueue with every
    /// resource in `flavor` (Kueue's `GetTargets` for an assignment in Preempt mode), without
    /// changing anything.
    public func preemptionTargets(for workload: Workload, flavor: String) throws -> [PreemptionTarget] {
        guard let cq = tree.cqIndex[workload.clusterQueue] else { throw AdmissionError.unknownClusterQueue(workload.clusterQueue) }
        var usage: [FRAmount] = []
        for ps in workload.podSets {
            for (resource, perPod) in ps.requests.sorted(by: { $0.key < $1.key }) {
                if let fr = tree.frIndex[FlavorResource(flavor, resource)] { addAmount(&usage, fr, perPod * Int64(ps.count)) }
            }
        }
        let id = workloads.count
        workloads.append(WorkloadRecord(spec: workload, cq: cq, state: .nominated, zobrist: 0))
        defer { workloads.removeLast() }
        return preemptionTargets(id, cq: cq, frs: usage.map(\.fr), usage: usage)
            .map { PreemptionTarget(workload: workloads[$0.id].spec.name, reason: $0.reason) }
    }
}
