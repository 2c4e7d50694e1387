/// Kueue's `TargetClusterQueueOrdering`: from the root, repeatedly descend into the child with the
/// highest DRS among those that still borrow and have candidates. Only nodes holding candidates
/// (and the preemptor's ancestors) are visited: every other node would be pruned on first sight
/// without yielding anything, so skipping them leaves the sequence of targets unchanged.
///
/// Owns the candidates of one preemption search grouped into slots, one per ClusterQueue that
/// holds candidates (slots in ascending node order, each slot's candidates in the order given),
/// with each slot's next candidate and whether it was pruned. Targets are named by slot.
struct TargetOrdering {
    /// The preemptor's ClusterQueue; an ordering built for one preemptor serves another of the
    /// same parent Cohort that has no slot of its own (`SharedCandidates`).
    var preemptorCQ: Int
    /// The preemptor's ancestors (Cohorts), nearest first.
    private(set) var ancestors: [Int] = []
    /// Per slot: its ClusterQueue, its candidates `grouped[start[k]..<end[k]]`, the next one at
    /// `head[k]`, and whether the slot is pruned.
    private var slotCQ: [Int] = []
    private var start: [Int] = []
    private var end: [Int] = []
    private var head: [Int] = []
    private var pruned: [Bool] = []
    private var grouped: [Int] = []
    /// The preemptor's own slot, −1 when its ClusterQueue holds no candidate.
    private var preemptorSlot = -1
    // Deeper trees: the slots and child Cohorts under each Cohort, and the pruned Cohorts.
    private var childSlots: [Int: [Int]] = [:]
    private var childCohorts: [Int: [Int]] = [:]
    private var prunedCohort: Set<Int> = []
    /// Flat cohorts (ClusterQueues only): a max-heap of (DRS, head) per candidate slot. A queue's
    /// DRS depends on its own usage alone there, and only the last target's usage changes between
    /// two steps, so re-keying that one slot keeps the heap's maximum equal to Kueue's full scan.
    private var flat = false
    /// Whether the preemptor's cohort has ClusterQueues only (slots come from a share-ordered heap).
    var isFlat: Bool { flat }
    private var heap: [FlatEntry] = []
    private var lastTarget = -1

    /// A slot in the flat heap with its DRS as a key that orders as `DominantResourceShare.compare`.
    private struct FlatEntry {
        var slot: Int
        var key: DRSKey
        var borrowing: Bool
    }

    /// An ordering over candidates grouped per ClusterQueue: groups in ascending node order, none
    /// empty, one slot each.
    init(_ s: Scheduler, preemptorCQ: Int, groups: [CandidateGroup]) {
        self.preemptorCQ = preemptorCQ
        let tree = s.tree
        var n = tree.parent[preemptorCQ]
        while n >= 0 { ancestors.append(n); n = tree.parent[n] }
        for group in groups {
            if group.cq == preemptorCQ { preemptorSlot = slotCQ.count }
            slotCQ.append(group.cq)
            start.append(grouped.count)
            grouped.append(contentsOf: group.members)
            end.append(grouped.count)
        }
        head = start
        pruned = Array(repeating: false, count: slotCQ.count)
        let root = tree.parent[preemptorCQ] >= 0 ? tree.root[preemptorCQ] : -1
        if root >= 0 && tree.childCohorts[root].isEmpty {
            flat = true
            heap.reserveCapacity(slotCQ.count)
            for k in slotCQ.indices where tree.parent[slotCQ[k]] == root { heapPush(s, k) }
            return
        }
        var linked: Set<Int> = []
        for k in slotCQ.indices {
            let p = tree.parent[slotCQ[k]]
            if p >= 0 { childSlots[p, default: []].append(k) }
            var node = p
            while node >= 0, tree.parent[node] >= 0, !linked.contains(node) {
                linked.insert(node)
                childCohorts[tree.parent[node], default: []].append(node)
                node = tree.parent[node]
            }
        }
        for a in ancestors.sorted() where tree.parent[a] >= 0 && !linked.contains(a) {
            linked.insert(a)
            childCohorts[tree.parent[a], default: []].append(a)
        }
    }

    /// The ClusterQueue of a slot.
    func cq(_ slot: Int) -> Int { slotCQ[slot] }

    func hasWorkload(_ slot: Int) -> Bool { head[slot] < end[slot] }

    mutating func pop(_ slot: Int) -> Int {
        let h = head[slot]
        head[slot] = h + 1
        return grouped[h]
    }

    mutating func drop(_ slot: Int) { pruned[slot] = true }

    /// The next target slot, nil when none is left.
    mutating func next(_ s: Scheduler) -> Int? {
        if s.tree.parent[preemptorCQ] < 0 {
            guard preemptorSlot >= 0 else { return nil }
            return !pruned[preemptorSlot] && hasWorkload(preemptorSlot) ? preemptorSlot : nil
        }
        if flat { return nextFlat(s) }
        let root = s.tree.root[preemptorCQ]
        while !prunedCohort.contains(root) {
            if let t = nextTarget(s, root) { return t }
        }
        return nil
    }

    /// Kueue's choice between two queues: higher DRS, then the better head candidate.
    private func above(_ s: Scheduler, _ a: FlatEntry, _ b: FlatEntry) -> Bool {
        if a.key != b.key { return b.key < a.key }
        return s.candidateLess(grouped[head[a.slot]], grouped[head[b.slot]], preemptorCQ: preemptorCQ)
    }

    private mutating func heapPush(_ s: Scheduler, _ slot: Int) {
        guard hasWorkload(slot) else { pruned[slot] = true; return }
        let d = s.tree.drs(slotCQ[slot])
        heap.append(FlatEntry(slot: slot, key: DRSKey(d), borrowing: d.isBorrowing))
        var i = heap.count - 1
        while i > 0 {
            let p = (i - 1) / 2
            if above(s, heap[i], heap[p]) { heap.swapAt(i, p); i = p } else { break }
        }
    }

    private mutating func heapPop(_ s: Scheduler) -> FlatEntry? {
        var entries = heap
        heap = []
        defer { heap = entries }
        return BinaryHeap.popFirst(&entries) { above(s, $0, $1) }
    }

    private mutating func nextFlat(_ s: Scheduler) -> Int? {
        if lastTarget >= 0, !pruned[lastTarget] { heapPush(s, lastTarget) }
        lastTarget = -1
        while let top = heapPop(s) {
            if pruned[top.slot] { continue }
            if (!top.borrowing && slotCQ[top.slot] != preemptorCQ) || !hasWorkload(top.slot) {
                pruned[top.slot] = true
                continue
            }
            lastTarget = top.slot
            return top.slot
        }
        return nil
    }

    private mutating func nextTarget(_ s: Scheduler, _ cohort: Int) -> Int? {
        var highest = -1
        var highestDrs = DominantResourceShare.negative
        for k in childSlots[cohort] ?? [] where !pruned[k] {
            let cq = slotCQ[k]
            let drs = s.tree.drs(cq)
            let c = DominantResourceShare.compare(drs, highestDrs)
            if (!drs.isBorrowing && cq != preemptorCQ) || !hasWorkload(k) {
                pruned[k] = true
            } else if c == 0 && highest >= 0 {
                if s.candidateLess(grouped[head[k]], grouped[head[highest]], preemptorCQ: preemptorCQ) { highest = k }
            } else if c == 1 {
                highest = k
                highestDrs = drs
            }
        }
        var highestCohort = -1
        var highestCohortDrs = DominantResourceShare.negative
        for child in childCohorts[cohort] ?? [] where !prunedCohort.contains(child) {
            let drs = s.tree.drs(child)
            if !drs.isBorrowing && !ancestors.contains(child) {
                prunedCohort.insert(child)
            } else if DominantResourceShare.compare(drs, highestCohortDrs) >= 0 {
                highestCohort = child
                highestCohortDrs = drs
            }
        }
        if highestCohort < 0 && highest < 0 {
            prunedCohort.insert(cohort)
            return nil
        }
        if highestCohort >= 0 && DominantResourceShare.compare(highestCohortDrs, highestDrs) >= 0 {
            return nextTarget(s, highestCohort)
        }
        return highest
    }
}

/// The candidates of one ClusterQueue in a preemption search, in Kueue's candidate order.
struct CandidateGroup {
    var cq: Int
    var members: [Int]
}

/// A dominant resource share reduced to what `DominantResourceShare.compare` looks at: borrowing
/// nodes of weight 0 after every other, ordered by unweighted ratio; the others by weighted share.
struct DRSKey: Equatable, Comparable {
    var zeroWeight: Bool
    var value: Double

    init(_ d: DominantResourceShare) {
        zeroWeight = d.zeroWeightBorrows
        value = zeroWeight ? d.unweightedRatio : d.preciseWeightedShare
    }

    static func < (a: DRSKey, b: DRSKey) -> Bool {
        a.zeroWeight != b.zeroWeight ? !a.zeroWeight : a.value < b.value
    }
}
