/// Kueue's fair-sharing preemption strategies (`fairSharing.preemptionStrategies`).
public enum PreemptionStrategy: String, Sendable, Hashable {
    /// Rule S2-a: preempt when the preemptor's new share ≤ the target's share after the preemption.
    case lessThanOrEqualToFinalShare = "LessThanOrEqualToFinalShare"
    /// Rule S2-b: preempt when the preemptor's new share < the target's share before the preemption.
    case lessThanInitialShare = "LessThanInitialShare"
}

/// The scheduler configuration that changes admission decisions.
public struct SchedulerConfig: Sendable, Hashable {
    public var fairSharing: Bool
    public var preemptionStrategies: [PreemptionStrategy]
    /// Kueue's PartialAdmission feature gate (on by default): pod sets with `minCount` may shrink.
    public var partialAdmission: Bool

    public init(fairSharing: Bool = true,
                preemptionStrategies: [PreemptionStrategy] = [.lessThanOrEqualToFinalShare, .lessThanInitialShare],
                partialAdmission: Bool = true) {
        self.fairSharing = fairSharing
        self.preemptionStrategies = preemptionStrategies.isEmpty ? [.lessThanOrEqualToFinalShare, .lessThanInitialShare] : preemptionStrategies
        self.partialAdmission = partialAdmission
    }
}

/// Why a workload was preempted (the reason on Kueue's `Preempted` condition).
public enum PreemptionReason: String, Sendable, Hashable {
    case inClusterQueue = "InClusterQueue"
    case inCohortReclamation = "InCohortReclamation"
    case inCohortFairSharing = "InCohortFairSharing"
    case inCohortReclaimWhileBorrowing = "InCohortReclaimWhileBorrowing"
}

/// One workload to evict, and why.
public struct PreemptionTarget: Sendable, Hashable {
    public var workload: String
    public var reason: PreemptionReason
}

/// An eviction that happened in a cycle: who was evicted, for whom, why.
public struct Eviction: Sendable, Hashable {
    public var workload: String
    public var preemptor: String
    public var reason: PreemptionReason
    public var cycle: Int
}

/// Where a workload stands.
public enum WorkloadStatus: Sendable, Hashable {
    case admitted([PodSetAssignment])
    case pending(reason: String)

    public var isAdmitted: Bool { if case .admitted = self { return true } else { return false } }
}

/// Queue position of a workload in the simulation.
enum QueueState: Sendable {
    case queued, inadmissible, admitted, nominated
}

/// What the simulation knows of one workload.
struct WorkloadRecord {
    var spec: Workload
    var cq: Int
    var state: QueueState
    var usage: [FRAmount] = []
    var assignment: [PodSetAssignment] = []
    var reservedAt: Int64 = 0
    /// Kueue's LastAssignment.LastTriedFlavorIdx: per pod set, per resource index.
    var lastTried: [[Int: Int]]?
    var reason: String = "Pending"
    var zobrist: UInt64
    var admittedPos: Int = -1
    /// Its `EvaluationShape`'s number, −1 when it has no ClusterQueue.
    var shape: Int = -1
    /// Its pod sets digested for its ClusterQueue (empty when it has none).
    var podSets: [CompiledPodSet] = []
}

/// Per ClusterQueue: configuration digested for flavor assignment, the pending heap, the
/// inadmissible set, the sticky preemptor and the admitted workloads.
struct QueueRecord {
    var config: ClusterQueue
    /// Resource index → resource group index, −1 when not covered.
    var groupOf: [Int]
    /// Per group: covered resource indices and flavor names in order.
    var groupResources: [[Int]]
    var groupFlavors: [[String]]
    var coversPods: Bool
    var heap: [Int] = []
    var inadmissible: [Int] = []
    var sticky: Int = -1
    var admitted: [Int] = []
}

/// A simulation of Kueue's scheduler over one quota tree: workloads are submitted (pending) or
/// admitted up front, then `scheduleCycle()` runs one scheduling cycle as Kueue's `schedule()`
/// does and `runUntilSteady(maxCycles:)` repeats cycles until nothing changes.
///
/// Evictions issued in a cycle complete at the end of that cycle: the victims release their quota,
/// go back to their queues, and the inadmissible workloads of their cohort tree are requeued (as
/// Kueue does when quota is released). Kueue would re-evaluate the preemptor in between while the
/// evictions are in flight, finding the same, already-evicted targets, which changes nothing; so
/// the sequence of admissions and evictions is the same.
public final class Scheduler {
    public let config: SchedulerConfig
    public let tree: QuotaTree
    var flavors: [String: ResourceFlavor]
    var queues: [QueueRecord] = []  // by node index; unused for cohorts
    var workloads: [WorkloadRecord] = []
    var workloadIndex: [String: Int] = [:]
    var nonEmpty = NodeSet(capacity: 0)
    public internal(set) var cycle = 0
    public internal(set) var evictions: [Eviction] = []
    var stateHash: UInt64 = 0
    /// Counts changes to the ClusterQueues' admitted workloads (and their admission cycles).
    var admissionChanges: UInt64 = 0
    var shapes: [EvaluationShape: Int] = [:]
    /// Per node: its ClusterQueue's class (`EvaluationShape.queueClass`), −1 for Cohorts.
    var queueClass: [Int] = []
    /// Evaluations shared between ClusterQueues of one class (`SharedEvaluation.swift`).
    var shared = SharedEvaluations()
    /// Fair-sharing candidates of the current state (`SharedCandidates`).
    var candidateCache = SharedCandidates()
    /// The exact shortcuts of the replay (evaluations and candidates shared between ClusterQueues,
    /// strategies that stop at the first failing slot); off only to test them against the
    /// straightforward replay.
    var shortcuts = true
    /// Per node: the last evaluation of a head of that ClusterQueue.
    var lastEvaluation: [Evaluation?] = []
    var admittedThisCycle: [(Int, [FRAmount], [PodSetAssignment])] = []
    var reservations: [(Int, [FRAmount])] = []
    var rng: UInt64 = 0x9E37_79B9_7F4A_7C15
    /// `borrowerShares`' cache: the tree version, and per list of flavor-resources the two highest
    /// shares and all of them.
    var shareCache: (version: UInt64, byFRs: [[Int]: (top: [(Int, DominantResourceShare)], all: [(Int, DominantResourceShare)])])
        = (.max, [:])

    public init(flavors: [ResourceFlavor], cohorts: [Cohort] = [], clusterQueues: [ClusterQueue],
                config: SchedulerConfig = SchedulerConfig()) throws {
        self.config = config
        tree = try QuotaTree(clusterQueues: clusterQueues, cohorts: cohorts)
        var byName: [String: ResourceFlavor] = [:]
        for f in flavors { byName[f.name] = f }
        self.flavors = byName
        let empty = QueueRecord(config: ClusterQueue(name: ""), groupOf: [], groupResources: [], groupFlavors: [], coversPods: false)
        queues = Array(repeating: empty, count: tree.names.count)
        lastEvaluation = Array(repeating: nil, count: tree.names.count)
        nonEmpty = NodeSet(capacity: tree.names.count)
        queueClass = Array(repeating: -1, count: tree.names.count)
        var classes: [ClusterQueue: Int] = [:]
        for cq in clusterQueues {
            let node = tree.cqIndex[cq.name]!
            var unnamed = cq
            unnamed.name = ""
            if let known = classes[unnamed] { queueClass[node] = known } else {
                queueClass[node] = classes.count
                classes[unnamed] = classes.count
            }
            var groupOf = Array(repeating: -1, count: tree.resourceCount)
            var resourcesOf: [[Int]] = []
            var flavorsOf: [[String]] = []
            var pods = false
            for (g, group) in cq.resourceGroups.enumerated() {
                var rs: [Int] = []
                for name in group.coveredResources {
                    let r = tree.resourceIndex[name]!
                    if groupOf[r] < 0 { groupOf[r] = g }
                    rs.append(r)
                    if name == "pods" { pods = true }
                }
                resourcesOf.append(rs)
                flavorsOf.append(group.flavors.map(\.name))
            }
            queues[node] = QueueRecord(config: cq, groupOf: groupOf, groupResources: resourcesOf, groupFlavors: flavorsOf, coversPods: pods)
        }
    }

    func nextRandom() -> UInt64 {
        rng &+= 0x9E37_79B9_7F4A_7C15
        var z = rng
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    private func register(_ workload: Workload) throws -> Int {
        guard workloadIndex[workload.name] == nil else { throw AdmissionError.duplicate(kind: "Workload", name: workload.name) }
        let id = workloads.count
        let cq = tree.cqIndex[workload.clusterQueue] ?? -1
        workloads.append(WorkloadRecord(spec: workload, cq: cq, state: .queued, zobrist: nextRandom(),
                                        shape: cq >= 0 ? shapeNumber(of: workload, cq: cq) : -1,
                                        podSets: cq >= 0 ? compilePodSets(workload, cq: cq) : []))
        workloadIndex[workload.name] = id
        return id
    }

    /// Adds a pending workload to its ClusterQueue's queue.
    public func submit(_ workload: Workload) throws {
        let id = try register(workload)
        if workloads[id].cq < 0 {
            workloads[id].state = .inadmissible
            workloads[id].reason = "ClusterQueue \(workload.clusterQueue) not found"
            return
        }
        push(id)
    }

    /// Records a workload as already admitted with the given flavors (pod counts default to the
    /// pod set's count).
    public func admit(_ workload: Workload, flavors assignment: [PodSetAssignment]) throws {
        let id = try register(workload)
        guard workloads[id].cq >= 0 else { throw AdmissionError.unknownClusterQueue(workload.clusterQueue) }
        var usage: [FRAmount] = []
        for ps in workload.podSets {
            let psa = assignment.first { $0.name == ps.name } ?? assignment.first
            guard let psa else { continue }
            let count = Int64(psa.count)
            var requests = ps.requests
            if queues[workloads[id].cq].coversPods { requests["pods"] = 1 }
            for (resource, perPod) in requests.sorted(by: { $0.key < $1.key }) {
                guard let flavor = psa.flavors[resource], let fr = tree.frIndex[FlavorResource(flavor, resource)] else { continue }
                addAmount(&usage, fr, perPod * count)
            }
        }
        markAdmitted(id, usage: usage, assignment: assignment)
    }

    /// Admits a workload using a single flavor for all its resources.
    public func admit(_ workload: Workload, flavor: String) throws {
        let assignment = workload.podSets.map { ps in
            var map: [String: String] = ["pods": flavor]
            for resource in ps.requests.keys { map[resource] = flavor }
            return PodSetAssignment(name: ps.name, flavors: map, count: ps.count)
        }
        try admit(workload, flavors: assignment)
    }

    /// Removes an admitted or pending workload (it finished or was deleted): its quota is released
    /// and the inadmissible workloads of its cohort tree are requeued.
    public func finish(_ name: String) throws {
        guard let id = workloadIndex[name] else { throw AdmissionError.unknownWorkload(name) }
        let cq = workloads[id].cq
        if workloads[id].state == .admitted {
            releaseQuota(id)
            if cq >= 0 { requeueInadmissible(root: tree.root[cq]) }
        }
        if cq >= 0, queues[cq].sticky == id { queues[cq].sticky = -1 }
        if cq >= 0, workloads[id].state == .inadmissible { queues[cq].inadmissible.removeAll { $0 == id } }
        workloads[id].state = .nominated  // out of every queue; lazily dropped from the heap
        workloads[id].reason = "Finished"
        workloadIndex[name] = nil
    }

    func markAdmitted(_ id: Int, usage: [FRAmount], assignment: [PodSetAssignment], addUsage: Bool = true) {
        let cq = workloads[id].cq
        if addUsage { tree.add(usage, to: cq) }
        workloads[id].usage = usage
        workloads[id].assignment = assignment
        workloads[id].state = .admitted
        workloads[id].reservedAt = Int64(cycle)
        workloads[id].lastTried = nil
        workloads[id].reason = "Admitted"
        workloads[id].admittedPos = queues[cq].admitted.count
        queues[cq].admitted.append(id)
        if queues[cq].sticky == id { queues[cq].sticky = -1 }
        stateHash ^= workloads[id].zobrist
        admissionChanges &+= 1
    }

    func releaseQuota(_ id: Int) {
        let cq = workloads[id].cq
        tree.remove(workloads[id].usage, from: cq)
        let pos = workloads[id].admittedPos
        let last = queues[cq].admitted.removeLast()
        if last != id {
            queues[cq].admitted[pos] = last
            workloads[last].admittedPos = pos
        }
        workloads[id].admittedPos = -1
        admissionChanges &+= 1
        workloads[id].usage = []
        workloads[id].assignment = []
        stateHash ^= workloads[id].zobrist
    }

    // MARK: Queues

    /// Heap order within a ClusterQueue (BestEffortFIFO and StrictFIFO alike): higher priority,
    /// then earlier creation, then name (Kueue: UID).
    @inline(__always) func queueLess(_ a: Int, _ b: Int) -> Bool {
        let xp = workloads[a].spec.priority, yp = workloads[b].spec.priority
        if xp != yp { return xp > yp }
        let xc = workloads[a].spec.creation, yc = workloads[b].spec.creation
        if xc != yc { return xc < yc }
        return workloads[a].spec.name < workloads[b].spec.name
    }

    func push(_ id: Int) {
        let cq = workloads[id].cq
        workloads[id].state = .queued
        var heap = queues[cq].heap
        queues[cq].heap = []
        heap.append(id)
        var i = heap.count - 1
        while i > 0 {
            let p = (i - 1) / 2
            if queueLess(heap[i], heap[p]) { heap.swapAt(i, p); i = p } else { break }
        }
        queues[cq].heap = heap
        nonEmpty.insert(cq)
    }

    /// Takes the head of a ClusterQueue: its sticky preemptor when queued, else the heap's top.
    func popHead(_ cq: Int) -> Int? {
        let sticky = queues[cq].sticky
        if sticky >= 0, workloads[sticky].state == .queued {
            workloads[sticky].state = .nominated
            return sticky
        }
        var heap = queues[cq].heap
        queues[cq].heap = []
        defer {
            queues[cq].heap = heap
            if heap.isEmpty { nonEmpty.remove(cq) }
        }
        while let top = BinaryHeap.popFirst(&heap, first: queueLess) {
            if workloads[top].state == .queued {
                workloads[top].state = .nominated
                return top
            }
        }
        return nil
    }

    /// Moves every inadmissible workload of the cohort tree under `root` back to its heap.
    func requeueInadmissible(root: Int) {
        var stack = [root]
        while let node = stack.popLast() {
            if tree.isCQ[node] {
                let ids = queues[node].inadmissible
                queues[node].inadmissible = []
                for id in ids where workloads[id].state == .inadmissible { push(id) }
            } else {
                stack.append(contentsOf: tree.childCohorts[node])
                stack.append(contentsOf: tree.childCQs[node])
            }
        }
    }

    // MARK: Results

    /// Where the workload stands, or nil when unknown.
    public func status(of name: String) -> WorkloadStatus? {
        guard let id = workloadIndex[name] else { return nil }
        let w = workloads[id]
        if w.state == .admitted { return .admitted(w.assignment) }
        return .pending(reason: w.reason)
    }

    public func isAdmitted(_ name: String) -> Bool { status(of: name)?.isAdmitted ?? false }

    /// Names of admitted workloads, sorted.
    public var admittedWorkloads: [String] {
        workloadIndex.compactMap { workloads[$0.value].state == .admitted ? $0.key : nil }.sorted()
    }

    /// Names of pending workloads, sorted.
    public var pendingWorkloads: [String] {
        workloadIndex.compactMap { workloads[$0.value].state == .admitted ? nil : $0.key }.sorted()
    }

    /// Usage of a ClusterQueue or Cohort per flavor-resource (only non-zero entries).
    public func usage(of node: String) -> [FlavorResource: Int64] {
        guard let n = tree.cqIndex[node] ?? tree.cohortIndex[node] else { return [:] }
        var out: [FlavorResource: Int64] = [:]
        for (f, fr) in tree.flavorResources.enumerated() where tree.usage[n * tree.frCount + f] != 0 {
            out[fr] = tree.usage[n * tree.frCount + f]
        }
        return out
    }

    /// Total usage of a resource name across flavors in a ClusterQueue or Cohort.
    public func usage(of node: String, resource: String) -> Int64 {
        usage(of: node).filter { $0.key.resource == resource }.values.reduce(0, +)
    }

    /// The dominant resource share of a ClusterQueue or Cohort, optionally with a workload's usage
    /// (flavor-resource → amount) added.
    public func dominantResourceShare(of node: String, adding request: [FlavorResource: Int64] = [:]) -> DominantResourceShare? {
        guard let n = tree.cqIndex[node] ?? tree.cohortIndex[node] else { return nil }
        let req = request.compactMap { kv in tree.frIndex[kv.key].map { FRAmount(fr: $0, amount: kv.value) } }
        return tree.drs(n, adding: req)
    }
}

@inline(__always) func addAmount(_ list: inout [FRAmount], _ fr: Int, _ amount: Int64) {
    for i in list.indices where list[i].fr == fr {
        list[i].amount = amountAdd(list[i].amount, amount)
        return
    }
    list.append(FRAmount(fr: fr, amount: amount))
}
