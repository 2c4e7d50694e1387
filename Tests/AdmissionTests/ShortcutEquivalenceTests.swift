@testable import FairwayAdmission
import FairwayCore
import Testing

/// The replay's shortcuts (evaluations and fair-sharing candidates shared between ClusterQueues,
/// strategies that stop at the first failing slot) against the straightforward replay
/// (`Scheduler.shortcuts` off) on seeded random platforms: flat and nested cohorts, ClusterQueues
/// with equal specs, several priorities and preemption policies, both strategies and each alone,
/// one burst or one arrival at a time, and workloads that finish. Both must give the same
/// evictions (with preemptor, reason and cycle), the same status of every workload (flavors of
/// the admitted, the message of the pending) and the same cycle count.
@Suite("Replay shortcuts")
struct ShortcutEquivalenceTests {
    static let gpu = "nvidia.com/gpu"
    static let strategies: [[PreemptionStrategy]] = [
        [.lessThanOrEqualToFinalShare, .lessThanInitialShare], [.lessThanInitialShare], [.lessThanOrEqualToFinalShare],
    ]
    static let policies: [PreemptionPolicy] = [.any, .any, .lowerPriority, .lowerOrNewerEqualPriority]

    static func trace(seed: UInt64, shortcuts: Bool) throws -> [String] {
        var r = ReplayEquivalenceTests.Random(state: seed)
        let nested = r.next(3) == 0
        let reclaim = policies[r.next(policies.count)]
        let within: PreemptionPolicy = r.next(3) == 0 ? .never : .lowerPriority
        let p = PreemptionConfig(reclaimWithinCohort: reclaim, withinClusterQueue: within)
        var cqs: [ClusterQueue] = []
        var workloads: [Workload] = []
        let queueCount = 8 + r.next(30)
        for i in 0..<queueCount {
            // Few distinct quotas and weights, so that many ClusterQueues share a class.
            let nominal = Int64(1 + r.next(2))
            let borrow: Int64? = r.next(3) == 0 ? 2 : nil
            let lend: Int64? = r.next(4) == 0 ? 1 : nil
            let gpuFlavor = FlavorQuotas("gpu", ["cpu": quota(nominal * 8000, borrow: borrow.map { $0 * 8000 }, lend: lend.map { $0 * 8000 }),
                                                 gpu: quota(nominal, borrow: borrow, lend: lend)])
            let cpuFlavor = FlavorQuotas("default", ["cpu": quota(4000, lend: 0), gpu: quota(0)])
            let cohort = nested ? "team-\(i % 3)" : "all"
            cqs.append(makeCQ("cq-\(i)", cohort: cohort, weight: Double([0, 1, 1, 2, 2, 2][r.next(6)]),
                              groups: [ResourceGroup(coveredResources: ["cpu", gpu], flavors: [gpuFlavor, cpuFlavor])], preemption: p))
            let size = 1 + r.next(3)
            for j in 0..<(1 + r.next(4)) {
                workloads.append(Workload(name: "cq-\(i)/w-\(j)", clusterQueue: "cq-\(i)", priority: Int32(r.next(3)),
                                          count: 1, requests: ["cpu": Int64(size * 8000), gpu: Int64(size)]))
            }
        }
        for i in stride(from: workloads.count - 1, to: 0, by: -1) { workloads.swapAt(i, r.next(i + 1)) }
        let cohorts = nested ? [Cohort(name: "all")] + (0..<3).map { Cohort(name: "team-\($0)", parent: "all") } : [Cohort(name: "all")]
        let s = try Scheduler(flavors: [ResourceFlavor(name: "gpu"), ResourceFlavor(name: "default")], cohorts: cohorts,
                              clusterQueues: cqs, config: SchedulerConfig(preemptionStrategies: strategies[r.next(strategies.count)]))
        s.shortcuts = shortcuts
        let burst = r.next(3) == 0
        var lines: [String] = []
        for (c, var w) in workloads.enumerated() {
            w.creation = Int64(c)
            try s.submit(w)
            if !burst { lines.append("steady \(s.runUntilSteady().cycles)") }
            if c % 7 == 6, let done = s.admittedWorkloads.first { try s.finish(done) }
        }
        if burst { lines.append("steady \(s.runUntilSteady().cycles)") }
        lines += s.evictions.map { "\($0.workload) < \($0.preemptor): \($0.reason.rawValue) @\($0.cycle)" }
        for w in workloads {
            switch s.status(of: w.name) {
            case let .admitted(podSets)?:
                let flavors = podSets.map { ps in "\(ps.name)x\(ps.count) " + ps.flavors.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",") }
                lines.append("\(w.name): admitted \(flavors)")
            case let .pending(reason)?: lines.append("\(w.name): pending \(reason)")
            case nil: lines.append("\(w.name): finished")
            }
        }
        return lines
    }

    /// Seeds 0..<30, one after another on a thread of its own: the replays are CPU work that would
    /// otherwise hold the cooperative pool other suites' timed tests need.
    @Test("shortcuts change nothing on seeded random platforms")
    func seeded() async throws {
        let differences = await Blocking.run { (0..<30).compactMap { seed -> String? in
            do {
                let fast = try Self.trace(seed: UInt64(seed) &* 0x9E37_79B9 &+ 11, shortcuts: true)
                let plain = try Self.trace(seed: UInt64(seed) &* 0x9E37_79B9 &+ 11, shortcuts: false)
                if let i = (0..<min(fast.count, plain.count)).first(where: { fast[$0] != plain[$0] }) {
                    return "seed \(seed): first difference at line \(i): \(fast[i]) | without shortcuts: \(plain[i])"
                }
                return fast.count == plain.count ? nil : "seed \(seed): \(fast.count) lines with shortcuts, \(plain.count) without"
            } catch {
                return "seed \(seed): \(error)"
            }
        } }
        #expect(differences.isEmpty, "\(differences.joined(separator: "\n"))")
    }
}
