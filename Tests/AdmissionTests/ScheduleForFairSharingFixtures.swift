import FairwayAdmission
import Testing

/// Kueue's TestScheduleForFairSharing cases: one scheduling cycle over the test's base queues
/// (sales, eng-alpha, eng-beta, lend-a, lend-b) plus each case's own, with admitted and pending
/// workloads; expected admissions (with flavor), preemptions (with reason) and what stays pending.
struct CycleFixture: Sendable, CustomTestStringConvertible {
    var source: String
    var extraCQs: [ClusterQueue] = []
    var cohorts: [Cohort] = []
    var admitted: [FixtureWorkload] = []
    var pending: [FixtureWorkload]
    var wantAdmitted: [String: String]
    var wantPreempted: [String: PreemptionReason] = [:]
    var wantPending: [String]
    var testDescription: String { source }
}

private let src = "pkg/scheduler/scheduler_fs_test.go TestScheduleForFairSharing/"

private func q(_ flavor: String, _ cores: Double, borrow: Double? = nil, lend: Double? = nil) -> FlavorQuotas {
    FlavorQuotas(flavor, ["cpu": quota(cpu(cores), borrow: borrow.map { cpu($0) }, lend: lend.map { cpu($0) })])
}

let fsBaseCQs: [ClusterQueue] = [
    makeCQ("sales", groups: [group(q("default", 50, borrow: 0))], strategy: .strictFIFO),
    makeCQ("eng-alpha", cohort: "eng", groups: [group(q("on-demand", 50, borrow: 50), q("spot", 100, borrow: 0))], strategy: .strictFIFO),
    makeCQ("eng-beta", cohort: "eng",
           groups: [group(q("on-demand", 50, borrow: 10), q("spot", 0, borrow: 100)),
                    group(FlavorQuotas("model-a", ["example.com/gpu": quota(20, borrow: 0)]))],
           preemption: PreemptionConfig(reclaimWithinCohort: .any, withinClusterQueue: .lowerPriority), strategy: .strictFIFO),
    makeCQ("lend-a", cohort: "lend", groups: [group(q("default", 3, lend: 2))]),
    makeCQ("lend-b", cohort: "lend", groups: [group(q("default", 2, lend: 2))]),
]

private let abCohort = [Cohort(name: "A", resourceGroups: [group(q("on-demand", 10))]), Cohort(name: "B")]
private let abCQs = [makeCQ("b", cohort: "A", groups: [group(q("on-demand", 0))]), makeCQ("c", cohort: "A", groups: [group(q("on-demand", 0))])]

let cycleFixtures: [CycleFixture] = [
    CycleFixture(source: src + "\"with fair sharing: schedule workload with lowest share first\"",
                 extraCQs: [makeCQ("eng-shared", cohort: "eng", groups: [group(q("on-demand", 10, borrow: 0))])],
                 admitted: [wl("all_nominal", "eng-alpha", count: 50, flavor: "on-demand"), wl("borrowing", "eng-beta", count: 55, flavor: "on-demand")],
                 pending: [wl("older_new", "eng-beta", creation: -60), wl("new", "eng-alpha", count: 5)],
                 wantAdmitted: ["new": "on-demand"], wantPending: ["older_new"]),
    CycleFixture(source: src + "\"with fair sharing: nominal-first ordering admits workload fitting within nominal despite higher CQ DRS\"",
                 extraCQs: [makeCQ("fs-nom-a", cohort: "fs-nom", groups: [group(q("on-demand", 50, borrow: 0)), group(q("spot", 50, borrow: 50))]),
                            makeCQ("fs-nom-b", cohort: "fs-nom", groups: [group(q("on-demand", 10, borrow: 50)), group(q("spot", 50, borrow: 0))])],
                 admitted: [wl("spot-heavy", "fs-nom-a", count: 80, flavor: "spot"), wl("light-usage", "fs-nom-b", count: 5, flavor: "on-demand")],
                 pending: [wl("borrow-wl", "fs-nom-b", count: 15, creation: -60), wl("nom-wl", "fs-nom-a", count: 45)],
                 wantAdmitted: ["nom-wl": "on-demand"], wantPending: ["borrow-wl"]),
    CycleFixture(source: src + "\"fair sharing schedule workload with lowest drf after admission\"",
                 extraCQs: [makeCQ("b", cohort: "A", groups: [group(q("on-demand", 0))]), makeCQ("c", cohort: "A", groups: [group(q("on-demand", 0))])],
                 cohorts: [Cohort(name: "A", resourceGroups: [group(q("on-demand", 100))])],
                 admitted: [wl("b0", "b", cores: 10, flavor: "on-demand")],
                 pending: [wl("b1", "b", cores: 50), wl("c1", "c", cores: 75)],
                 wantAdmitted: ["b1": "on-demand"], wantPending: ["c1"]),
    CycleFixture(source: src + "\"fair sharing schedule highest priority first\"", extraCQs: abCQs, cohorts: abCohort,
                 pending: [wl("b1", "b", cores: 10, priority: 99), wl("c1", "c", cores: 10, priority: 101)],
                 wantAdmitted: ["c1": "on-demand"], wantPending: ["b1"]),
    CycleFixture(source: src + "\"fair sharing schedule earliest timestamp first\"", extraCQs: abCQs, cohorts: abCohort,
                 pending: [wl("b1", "b", cores: 10, priority: 101, creation: 1), wl("c1", "c", cores: 10, priority: 101, creation: 0)],
                 wantAdmitted: ["c1": "on-demand"], wantPending: ["b1"]),
    CycleFixture(source: src + "\"with fair sharing: preempt workload from CQ with the highest share\"",
                 extraCQs: [makeCQ("eng-gamma", cohort: "eng", groups: [group(q("on-demand", 50, borrow: 0))])],
                 admitted: [wl("all_spot", "eng-alpha", cores: 100, flavor: "spot")]
                     + (1...4).map { wl("alpha\($0)", "eng-alpha", cores: 20, flavor: "on-demand") }
                     + [wl("gamma1", "eng-gamma", cores: 10, flavor: "on-demand")]
                     + (2...4).map { wl("gamma\($0)", "eng-gamma", cores: 20, flavor: "on-demand") },
                 pending: [wl("preemptor", "eng-beta", cores: 30)],
                 wantAdmitted: [:], wantPreempted: ["alpha1": .inCohortReclamation, "gamma1": .inCohortReclamation], wantPending: ["preemptor"]),
]

@Suite("Kueue TestScheduleForFairSharing")
struct ScheduleForFairSharingTests {
    @Test(arguments: cycleFixtures)
    func oneCycle(_ f: CycleFixture) throws {
        let s = try Scheduler.fixture(cqs: fsBaseCQs + f.extraCQs, cohorts: f.cohorts, admitted: f.admitted, pending: f.pending,
                                      config: SchedulerConfig(fairSharing: true))
        let report = s.scheduleCycle()
        var admitted: [String: String] = [:]
        for name in report.admitted {
            if case let .admitted(assignment)? = s.status(of: name) { admitted[name] = assignment.first?.flavors["cpu"] ?? "?" }
        }
        #expect(admitted == f.wantAdmitted, "\(f.source)")
        var preempted: [String: PreemptionReason] = [:]
        for e in report.evicted { preempted[e.workload] = e.reason }
        #expect(preempted == f.wantPreempted, "\(f.source)")
        let pendingNow = Set(s.pendingWorkloads)
        let wantPending = Set(f.wantPending).union(f.wantPreempted.keys)
        #expect(pendingNow == wantPending, "\(f.source)")
    }
}
