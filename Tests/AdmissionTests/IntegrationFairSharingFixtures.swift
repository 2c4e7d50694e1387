import FairwayAdmission
import Testing

/// Kueue's integration test test/integration/singlecluster/scheduler/fairsharing/fair_sharing_test.go,
/// replayed step by step: workloads arrive, finish or are evicted, and after each step the
/// scheduler runs to a steady state; each step's admitted counts and weighted shares are checked.

private func admittedCount(_ s: Scheduler, _ cq: String) -> Int {
    s.admittedWorkloads.filter { s.isAdmitted($0) && $0.hasPrefix(cq + "-") }.count
}

private func share(_ s: Scheduler, _ cq: String) -> Double {
    s.dominantResourceShare(of: cq)?.preciseWeightedShare ?? -1
}

private func finish(_ s: Scheduler, _ cq: String, _ n: Int) throws {
    for name in s.admittedWorkloads.filter({ $0.hasPrefix(cq + "-") }).prefix(n) { try s.finish(name) }
}

@Suite("Kueue integration: fair sharing")
struct IntegrationFairSharingTests {
    @Test("source: test/integration/singlecluster/scheduler/fairsharing/fair_sharing_test.go Scheduler/\"Preemption is disabled\"/\"Admits workloads respecting fair share\"")
    func preemptionDisabled() throws {
        let s = try Scheduler.fixture(cqs: [cpuCQ("a", cohort: "all", cores: 3), cpuCQ("b", cohort: "all", cores: 1),
                                            cpuCQ("shared", cohort: "all", cores: 4)])
        for i in 0..<10 { try s.submit(wl("a-\(i)", "a", creation: Int64(i)).workload) }
        s.runUntilSteady()
        #expect(admittedCount(s, "a") == 8)
        #expect(share(s, "a") == 625)
        for i in 0..<5 { try s.submit(wl("b-\(i)", "b", creation: 100 + Int64(i)).workload) }
        s.runUntilSteady()
        #expect(admittedCount(s, "b") == 0)
        for (a, b) in [(7, 1), (6, 2), (5, 3), (5, 3)] {
            try finish(s, "a", 1)
            s.runUntilSteady()
            #expect(admittedCount(s, "a") == a)
            #expect(admittedCount(s, "b") == b)
        }
        #expect(share(s, "a") == 250 && share(s, "b") == 250 && share(s, "shared") == 0)
        try finish(s, "a", 2)
        s.runUntilSteady()
        #expect(admittedCount(s, "a") == 4 && admittedCount(s, "b") == 4)
        #expect(s.pendingWorkloads.filter { $0.hasPrefix("b-") }.count == 1)
        #expect(share(s, "a") == 125 && share(s, "b") == 375)
        #expect(s.dominantResourceShare(of: "a")?.roundedWeightedShare == 125)
    }

    @Test("source: test/integration/singlecluster/scheduler/fairsharing/fair_sharing_test.go Scheduler/\"Preemption is enabled\"/\"Admits workloads respecting fair share\"")
    func preemptionEnabled() throws {
        let p = PreemptionConfig(reclaimWithinCohort: .any, withinClusterQueue: .lowerPriority)
        let s = try Scheduler.fixture(cqs: ["a", "b", "c"].map { cpuCQ($0, cohort: "all", cores: 3, preemption: p) })
        for i in 0..<10 { try s.submit(wl("a-\(i)", "a", creation: Int64(i)).workload) }
        s.runUntilSteady()
        #expect(admittedCount(s, "a") == 9)
        #expect(abs(share(s, "a") - 6000.0 / 9) < 1e-9)
        for i in 0..<5 { try s.submit(wl("b-\(i)", "b", creation: 100 + Int64(i)).workload) }
        s.runUntilSteady()
        #expect(admittedCount(s, "b") == 4 && admittedCount(s, "a") == 5)
        #expect(abs(share(s, "a") - 2000.0 / 9) < 1e-9 && abs(share(s, "b") - 1000.0 / 9) < 1e-9)
        try s.submit(wl("c-0", "c", creation: 200).workload)
        s.runUntilSteady()
        #expect(admittedCount(s, "c") == 1 && admittedCount(s, "a") == 4)
        #expect(s.evictions.last?.reason == .inCohortReclamation && s.evictions.last?.workload.hasPrefix("a-") == true)
        #expect(s.dominantResourceShare(of: "a")?.roundedWeightedShare == 112)
    }

    @Test("source: test/integration/singlecluster/scheduler/fairsharing/fair_sharing_test.go Scheduler/\"Preemption is enabled and CQs have 0 weight\"/\"should not cause an infinite preemption cycle\"")
    func zeroWeightNoPreemptionLoop() throws {
        let p = PreemptionConfig(reclaimWithinCohort: .any)
        let s = try Scheduler.fixture(cqs: [cpuCQ("cqa", cohort: "top-cohort", cores: 0, weight: 0, preemption: p),
                                            cpuCQ("cqb", cohort: "top-cohort", cores: 0, weight: 0, preemption: p)],
                                      cohorts: [Cohort(name: "top-cohort", resourceGroups: [group(FlavorQuotas("default", ["cpu": quota(cpu(8))]))])])
        try s.submit(wl("cqa-1", "cqa", cores: 4, priority: 9001, creation: 0).workload)
        try s.submit(wl("cqa-2", "cqa", cores: 4, priority: 100, creation: 1).workload)
        s.runUntilSteady()
        #expect(s.isAdmitted("cqa-1") && s.isAdmitted("cqa-2"))
        try s.submit(wl("cqb-1", "cqb", cores: 4, priority: 100, creation: 2).workload)
        let result = s.runUntilSteady(maxCycles: 100)
        #expect(result.settled && !result.oscillating)
        #expect(s.evictions.map { "\($0.workload) \($0.reason.rawValue)" } == ["cqa-2 InCohortFairSharing"])
        #expect(s.isAdmitted("cqa-1") && s.isAdmitted("cqb-1") && !s.isAdmitted("cqa-2"))
    }
}
