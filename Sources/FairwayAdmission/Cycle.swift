/// One Kueue scheduling cycle (`Scheduler.schedule`): take the head of every ClusterQueue, assign
/// flavors and find preemption targets for each, order the entries (fair-sharing tournament or
/// the classical order), then admit, preempt or skip each in turn against a snapshot that
/// accumulates this cycle's admissions, and requeue what was not admitted.

/// What one cycle did.
public struct CycleReport: Sendable {
    public var cycle: Int
    public var admitted: [String] = []
    public var evicted: [Eviction] = []
    /// Heads processed in this cycle.
    public var considered = 0
    /// Anything that makes the next cycle differ: admissions, evictions, a head moving to the
    /// inadmissible list, or a flavor scan advancing.
    public var progress = 0
}

/// How `runUntilSteady` ended.
public struct SteadyState: Sendable {
    public var cycles: Int
    public var settled: Bool
    /// Set when the admitted set came back to an earlier state after evictions: a preemption loop.
    public var oscillating: Bool
    public var admissions = 0
    public var evictions = 0
}

enum RequeueReason { case generic, noFit, noCandidates, pendingPreemption, failedAfterNomination }
enum EntryStatus { case notNominated, skipped, nominated, assumed }

struct Entry {
    var id: Int
    var cq: Int
    var assignment: Assignment
    var targets: [Target]
    var status: EntryStatus = .notNominated
    var requeue: RequeueReason = .generic
    var message = ""
    var clearScan = false
}

extension Scheduler {
    /// Kueue's `getAssignments`: full assignment, its preemption targets, or a partial admission.
    func assignments(_ id: Int) -> (Assignment, [Target]) {
        let cq = workloads[id].cq
        let full = assignFlavors(id)
        let mode = full.mode
        if mode == .fit { return (full, []) }
        if mode == .preempt {
            let targets = preemptionTargets(id, cq: cq, frs: preemptionFRs(full), usage: full.usage)
            if !targets.isEmpty { return (full, targets) }
        }
        let podSets = workloads[id].spec.podSets
        if config.partialAdmission, podSets.contains(where: { ($0.minCount ?? $0.count) < $0.count }) {
            let deltas = podSets.map { Int64($0.count - ($0.minCount ?? $0.count)) }
            let total = deltas.reduce(0, +)
            var best: (Assignment, [Target])?
            var lastGood = -1
            var lo: Int64 = 0, hi = total + 1
            while lo < hi {
                let mid = (lo + hi) / 2
                let counts = podSets.indices.map { podSets[$0].count - Int32(deltas[$0] * mid / total) }
                let a = assignFlavors(id, counts: counts)
                var ok = false
                if a.mode == .fit {
                    best = (a, []); ok = true
                } else if a.mode == .preempt {
                    let t = preemptionTargets(id, cq: cq, frs: preemptionFRs(a), usage: a.usage)
                    if !t.isEmpty { best = (a, t); ok = true }
                }
                if ok { lastGood = Int(mid); hi = mid } else { lo = mid + 1 }
            }
            if let best, Int(lo) == lastGood { return best }
        }
        return (full, [])
    }

    /// Kueue's fair-sharing `entryComparer.less` at one tournament level.
    private func fairLess(_ a: Entry, _ da: DominantResourceShare, _ b: Entry, _ db: DominantResourceShare) -> Bool {
        let ab = da.isBorrowing(on: a.assignment.usage), bb = db.isBorrowing(on: b.assignment.usage)
        if ab != bb { return !ab }
        let c = DominantResourceShare.compare(da, db)
        if c != 0 { return c == -1 }
        let x = workloads[a.id].spec, y = workloads[b.id].spec
        if x.priority != y.priority { return x.priority > y.priority }
        return x.creation < y.creation
    }

    /// The order entries are processed in. Within a flat cohort each entry's DRS depends only on
    /// its own ClusterQueue's usage, which changes only when that entry is processed (and the
    /// entry then leaves the tournament), so sorting once gives exactly the tournament's pops.
    /// Deeper trees rerun the tournament after every pop, as Kueue does.
    private func order(_ entries: [Entry]) -> [Int] {
        if !config.fairSharing {
            let keys = entries.indices.sorted { i, j in
                let a = entries[i], b = entries[j]
                if a.assignment.borrowing != b.assignment.borrowing { return a.assignment.borrowing < b.assignment.borrowing }
                let x = workloads[a.id].spec, y = workloads[b.id].spec
                if x.priority != y.priority { return x.priority > y.priority }
                if x.creation != y.creation { return x.creation < y.creation }
                return a.cq < b.cq
            }
            return keys
        }
        var byRoot: [Int: [Int]] = [:]
        for i in entries.indices { byRoot[tree.root[entries[i].cq], default: []].append(i) }
        var out: [Int] = []
        for root in byRoot.keys.sorted() {
            let members = byRoot[root]!
            if tree.isCQ[root] || tree.childCohorts[root].isEmpty {
                let drs = members.map { tree.drs(entries[$0].cq, adding: entries[$0].assignment.usage, collectBorrowed: true) }
                let sorted = members.indices.sorted { i, j in
                    if fairLess(entries[members[i]], drs[i], entries[members[j]], drs[j]) { return true }
                    if fairLess(entries[members[j]], drs[j], entries[members[i]], drs[i]) { return false }
                    return entries[members[i]].cq < entries[members[j]].cq
                }
                out.append(contentsOf: sorted.map { members[$0] })
            } else {
                out.append(-root - 1)  // resolved lazily by the tournament while processing
            }
        }
        return out
    }

    /// One pop of Kueue's hierarchical tournament over the remaining entries of a root.
    private func tournamentPop(_ root: Int, _ remaining: inout [Int], _ entries: [Entry]) -> Int {
        var drsAt: [Int: [Int: DominantResourceShare]] = [:]
        for i in remaining {
            let e = entries[i]
            tree.add(e.assignment.usage, to: e.cq)
            var values: [Int: DominantResourceShare] = [:]
            var node = e.cq
            var share = tree.drs(node, collectBorrowed: true)
            while tree.parent[node] >= 0 {
                values[tree.parent[node]] = share
                node = tree.parent[node]
                share = tree.drs(node, collectBorrowed: true)
            }
            tree.remove(e.assignment.usage, from: e.cq)
            drsAt[i] = values
        }
        let present = Set(remaining.map { entries[$0].cq })
        func run(_ cohort: Int) -> Int? {
            var candidates: [Int] = []
            for child in tree.childCohorts[cohort] { if let c = run(child) { candidates.append(c) } }
            for i in remaining where tree.parent[entries[i].cq] == cohort && present.contains(entries[i].cq) { candidates.append(i) }
            guard var best = candidates.first else { return nil }
            for c in candidates.dropFirst() where fairLess(entries[c], drsAt[c]![cohort]!, entries[best], drsAt[best]![cohort]!) { best = c }
            return best
        }
        let winner = run(root)!
        remaining.removeAll { $0 == winner }
        return winner
    }

    /// Runs one scheduling cycle.
    @discardableResult
    public func scheduleCycle() -> CycleReport {
        cycle += 1
        var report = CycleReport(cycle: cycle)
        var heads: [Int] = []
        for cq in nonEmpty.sorted() { if let id = popHead(cq) { heads.append(id) } }
        report.considered = heads.count
        var entries: [Entry] = heads.map { id in
            let (a, t) = evaluate(id)
            return Entry(id: id, cq: workloads[id].cq, assignment: a, targets: t, message: a.message)
        }
        var preempted: Set<Int> = []
        var issued: [(Target, Int)] = []
        admittedThisCycle = []
        for slot in order(entries) {
            if slot >= 0 {
                process(slot, &entries, &preempted, &issued, &report)
            } else {
                let root = -slot - 1
                var remaining = entries.indices.filter { tree.root[entries[$0].cq] == root }
                while !remaining.isEmpty {
                    let i = tournamentPop(root, &remaining, entries)
                    process(i, &entries, &preempted, &issued, &report)
                }
            }
        }
        // The cycle's snapshot is dropped: capacity reserved for unreclaimable preemptions goes.
        for (cq, r) in reservations { tree.remove(r, from: cq) }
        reservations = []
        for (id, usage, assignment) in admittedThisCycle { markAdmitted(id, usage: usage, assignment: assignment, addUsage: false) }
        // Requeue what was not admitted.
        for e in entries where e.status != .assumed {
            let before = workloads[e.id].lastTried
            workloads[e.id].lastTried = e.clearScan ? nil : e.assignment.lastTried
            if !(before.map { $0 == (workloads[e.id].lastTried ?? []) } ?? (workloads[e.id].lastTried == nil)) { report.progress += 1 }
            workloads[e.id].reason = e.message
            var reason = e.requeue
            if e.status != .notNominated && reason == .generic { reason = .failedAfterNomination }
            let strict = queues[e.cq].config.queueingStrategy == .strictFIFO
            let immediate = strict || reason == .failedAfterNomination || reason == .pendingPreemption
            if reason == .pendingPreemption && !strict { queues[e.cq].sticky = e.id }
            let pendingFlavors = workloads[e.id].lastTried?.contains { $0.values.contains { $0 != -1 } } ?? false
            if immediate || pendingFlavors {
                push(e.id)
            } else {
                workloads[e.id].state = .inadmissible
                queues[e.cq].inadmissible.append(e.id)
                report.progress += 1
            }
        }
        // Evictions complete: quota is released, victims requeue, the tree's inadmissible requeue.
        var roots: Set<Int> = []
        for (t, preemptor) in issued where workloads[t.id].state == .admitted {
            let ev = Eviction(workload: workloads[t.id].spec.name, preemptor: workloads[preemptor].spec.name, reason: t.reason, cycle: cycle)
            evictions.append(ev)
            report.evicted.append(ev)
            releaseQuota(t.id)
            workloads[t.id].lastTried = nil
            workloads[t.id].reason = "Preempted (\(t.reason.rawValue)) by \(ev.preemptor)"
            push(t.id)
            roots.insert(tree.root[workloads[t.id].cq])
        }
        for root in roots.sorted() { requeueInadmissible(root: root) }
        report.progress += report.admitted.count + report.evicted.count
        return report
    }

    private func process(_ i: Int, _ entries: inout [Entry], _ preempted: inout Set<Int>, _ issued: inout [(Target, Int)],
                         _ report: inout CycleReport) {
        var e = entries[i]
        defer { entries[i] = e }
        let cq = e.cq
        let usage = e.assignment.usage
        let mode = e.assignment.mode
        if mode == .noFit {
            e.requeue = .noFit
            return
        }
        if mode == .preempt && e.targets.isEmpty {
            e.requeue = .noCandidates
            if queues[cq].config.preemption.reclaimWithinCohort != .any {
                let r = reserved(e)
                tree.add(r, to: cq)
                reservations.append((cq, r))
            }
            return
        }
        if e.targets.contains(where: { preempted.contains($0.id) }) {
            e.status = .skipped
            e.message = "Workload has overlapping preemption targets with another workload"
            return
        }
        // Fits once this cycle's and this entry's victims are gone. (Computed only here, where it
        // is used: the simulated removals are undone exactly, so skipping them for entries that
        // returned above changes nothing.)
        let victims = preempted.union(e.targets.map(\.id))
        let fitsNow = tree.preservingVersion {
            for v in victims { removeSim(v) }
            defer { for v in victims { addSim(v) } }
            return usage.allSatisfy { tree.available(cq, $0.fr) >= $0.amount }
        }
        if !fitsNow {
            e.status = .skipped
            e.message = "Workload no longer fits after processing another workload"
            return
        }
        for t in e.targets { preempted.insert(t.id) }
        tree.add(usage, to: cq)
        if mode == .preempt {
            reservations.append((cq, usage))  // snapshot only, dropped with it
            for t in e.targets { issued.append((t, e.id)) }
            e.clearScan = true
            e.requeue = .pendingPreemption
            e.message += ". Pending the preemption of \(e.targets.count) workload(s)"
            return
        }
        // Admitted: the snapshot holds its usage now; it joins its queue's admitted workloads
        // (preemption candidates) only after the cycle, as Kueue's snapshot does.
        e.status = .assumed
        admittedThisCycle.append((e.id, usage, e.assignment.api(tree)))
        report.admitted.append(workloads[e.id].spec.name)
    }

    /// Kueue's `quotaResourcesToReserve` for a preempting entry that found no targets.
    private func reserved(_ e: Entry) -> [FRAmount] {
        let f = tree.frCount
        return e.assignment.usage.map { u in
            let k = e.cq * f + u.fr
            if e.assignment.borrowing > 0 {
                if tree.borrowLimit[k] == .min { return u }
                return FRAmount(fr: u.fr, amount: min(u.amount, amountSub(amountAdd(tree.nominal[k], tree.borrowLimit[k]), tree.usage[k])))
            }
            return FRAmount(fr: u.fr, amount: max(0, min(u.amount, amountSub(tree.nominal[k], tree.usage[k]))))
        }
    }

    /// Repeats cycles until one changes nothing, or `maxCycles` pass.
    @discardableResult
    public func runUntilSteady(maxCycles: Int = 10_000) -> SteadyState {
        var result = SteadyState(cycles: 0, settled: false, oscillating: false)
        var seen: Set<UInt64> = [stateHash]
        for _ in 0..<maxCycles {
            let r = scheduleCycle()
            result.cycles += 1
            result.admissions += r.admitted.count
            result.evictions += r.evicted.count
            if r.progress == 0 {
                result.settled = true
                return result
            }
            if !r.evicted.isEmpty {
                // No workload arrives while running, so coming back to an admitted set seen after
                // an earlier eviction means the evictions repeat forever.
                if seen.contains(stateHash) {
                    result.oscillating = true
                    return result
                }
                seen.insert(stateHash)
            }
        }
        return result
    }
}
