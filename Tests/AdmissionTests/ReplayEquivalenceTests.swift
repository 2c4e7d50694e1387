import FairwayAdmission
import Testing

/// Guards the simulator's speed-ups: seeded replays shaped like Fairway's prediction (one cohort,
/// one ClusterQueue per tenant with a GPU flavor and a CPU flavor in one resource group,
/// `reclaimWithinCohort: Any`, `withinClusterQueue: LowerPriority`, fair sharing on), run as one
/// burst and one arrival at a time, must give exactly the digests the straightforward simulator
/// gave (every eviction with its preemptor, reason and cycle; the admitted set; the cycle count).
@Suite("Replay equivalence")
struct ReplayEquivalenceTests {
    static let gpu = "nvidia.com/gpu"

    struct Random {
        var state: UInt64
        mutating func next(_ n: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(n))
        }
    }

    static func digest(queues: Int, seed: UInt64, burst: Bool, priorities: Int, strategies: [PreemptionStrategy]) throws -> (UInt64, String) {
        var r = Random(state: seed)
        let p = PreemptionConfig(reclaimWithinCohort: .any, withinClusterQueue: .lowerPriority)
        var cqs: [ClusterQueue] = []
        var workloads: [Workload] = []
        for i in 0..<queues {
            let nominal = Int64(1 + r.next(3))
            let borrow: Int64? = r.next(2) == 0 ? Int64(r.next(8)) : nil
            let lend: Int64? = r.next(3) == 0 ? Int64(r.next(3)) : nil
            let gpuFlavor = FlavorQuotas("gpu", ["cpu": quota(nominal * 8000, borrow: borrow.map { $0 * 8000 }, lend: lend.map { $0 * 8000 }),
                                                 gpu: quota(nominal, borrow: borrow, lend: lend)])
            let cpuFlavor = FlavorQuotas("default", ["cpu": quota(4000, lend: 0), gpu: quota(0)])
            cqs.append(makeCQ("cq-\(i)", cohort: "all", weight: Double(1 + r.next(4)),
                              groups: [ResourceGroup(coveredResources: ["cpu", gpu], flavors: [gpuFlavor, cpuFlavor])], preemption: p))
            let size = 1 + r.next(4)
            for j in 0..<(1 + r.next(4)) {
                workloads.append(Workload(name: "cq-\(i)/w-\(j)", clusterQueue: "cq-\(i)", priority: Int32(r.next(priorities)),
                                          count: 1, requests: ["cpu": Int64(size * 8000), gpu: Int64(size)]))
            }
        }
        for i in stride(from: workloads.count - 1, to: 0, by: -1) { workloads.swapAt(i, r.next(i + 1)) }
        let s = try Scheduler(flavors: [ResourceFlavor(name: "gpu"), ResourceFlavor(name: "default")], cohorts: [Cohort(name: "all")],
                              clusterQueues: cqs, config: SchedulerConfig(preemptionStrategies: strategies))
        var cycles = 0
        for (c, var w) in workloads.enumerated() {
            w.creation = Int64(c)
            try s.submit(w)
            if !burst { cycles += s.runUntilSteady().cycles }
        }
        if burst { cycles += s.runUntilSteady().cycles }
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        func mix(_ text: String) { for b in text.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 } }
        for e in s.evictions { mix("\(e.workload)<\(e.preemptor):\(e.reason.rawValue)@\(e.cycle);") }
        for a in s.admittedWorkloads { mix(a + ",") }
        mix("cycles=\(cycles)")
        return (h, "\(s.evictions.count) evictions, \(s.admittedWorkloads.count) admitted, \(cycles) cycles")
    }

    static let cases: [(queues: Int, seed: UInt64, burst: Bool, priorities: Int, strategies: [PreemptionStrategy], expected: UInt64)] = [
        (12, 1, false, 1, [.lessThanOrEqualToFinalShare, .lessThanInitialShare], 3160474512962798940),
        (12, 1, true, 1, [.lessThanOrEqualToFinalShare, .lessThanInitialShare], 10886701826581696643),
        (30, 2, false, 2, [.lessThanOrEqualToFinalShare, .lessThanInitialShare], 8639423465977098594),
        (30, 3, true, 2, [.lessThanOrEqualToFinalShare, .lessThanInitialShare], 14389809433299588617),
        (60, 4, false, 1, [.lessThanOrEqualToFinalShare, .lessThanInitialShare], 10253831917669834645),
        (60, 5, false, 3, [.lessThanInitialShare], 13555512379029847851),
        (60, 6, false, 1, [.lessThanOrEqualToFinalShare], 6767198834749544709),
        (100, 7, false, 1, [.lessThanOrEqualToFinalShare, .lessThanInitialShare], 7326181792870723271),
        (100, 8, true, 2, [.lessThanOrEqualToFinalShare, .lessThanInitialShare], 1425589556547617139),
    ]

    @Test("seeded replays give the recorded digests", arguments: cases.indices)
    func replay(_ i: Int) throws {
        let c = Self.cases[i]
        let (h, summary) = try Self.digest(queues: c.queues, seed: c.seed, burst: c.burst, priorities: c.priorities, strategies: c.strategies)
        print("replay case \(i): digest \(h) (\(summary))")
        #expect(h == c.expected, "case \(i): \(summary)")
    }
}
