import FairwayAdmission
import Testing

/// A large class, to see the simulator finish with sane results (no timing assertion): 1,000
/// ClusterQueues in one cohort and 2,000 workloads, under fair sharing with priority preemption
/// within each ClusterQueue (cohort-wide reclaim at this size is still too slow in a debug build).
@Suite("Scale")
struct ScaleTests {
    @Test("scale: 1,000 ClusterQueues, 2,000 workloads, one cohort")
    func thousandQueues() throws {
        let gpu = "nvidia.com/gpu"
        let p = PreemptionConfig(reclaimWithinCohort: .never, withinClusterQueue: .lowerPriority)
        var cqs: [ClusterQueue] = []
        for i in 0..<1000 {
            let limit: Int64? = i % 4 == 0 ? 4 : nil
            let flavor = FlavorQuotas("gpu", [gpu: quota(Int64(2 + i % 5), borrow: limit)])
            cqs.append(makeCQ("cq-\(i)", cohort: "all", weight: Double(1 + i % 3), groups: [group(flavor)], preemption: p))
        }
        let s = try Scheduler(flavors: [ResourceFlavor(name: "gpu")], clusterQueues: cqs)
        var seed: UInt64 = 42
        func next(_ n: UInt64) -> Int {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            return Int((seed >> 33) % n)
        }
        for w in 0..<2000 {
            let cq = next(1000)
            try s.submit(Workload(name: "wl-\(w)", clusterQueue: "cq-\(cq)", priority: Int32(next(3)), creation: Int64(w),
                                  count: Int32(1 + next(2)), requests: [gpu: Int64(1 + next(4))]))
        }
        let start = ContinuousClock.now
        let result = s.runUntilSteady(maxCycles: 2000)
        let elapsed = ContinuousClock.now - start
        print("scale: 1,000 CQs / 2,000 workloads: \(result.cycles) cycles, \(result.admissions) admissions, \(result.evictions) evictions in \(elapsed)")
        #expect(result.settled)
        let total = cqs.reduce(Int64(0)) { $0 + $1.resourceGroups[0].flavors[0].resources[gpu]!.nominal }
        #expect(s.usage(of: "all", resource: gpu) <= total)
        #expect(s.admittedWorkloads.count > 0)
        for cq in cqs {
            let q = cq.resourceGroups[0].flavors[0].resources[gpu]!
            if let b = q.borrowingLimit { #expect(s.usage(of: cq.name, resource: gpu) <= q.nominal + b) }
        }
    }
}
