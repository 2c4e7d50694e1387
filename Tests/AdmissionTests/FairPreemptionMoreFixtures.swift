import FairwayAdmission
import Testing

/// More of Kueue's TestFairPreemptions cases: strategies, weights and hierarchical cohorts.
private let plain = PreemptionConfig(reclaimWithinCohort: .any, withinClusterQueue: .lowerPriority)

let fairPreemptionMoreFixtures: [FairPreemptionFixture] = [
    FairPreemptionFixture(source: fairSrc + "\"preempt lower priority first, even if big\"", cqs: fairBaseCQs,
                          strategies: [.lessThanInitialShare],
                          admitted: [wl("a1", "a", cores: 3), wl("b_low", "b", cores: 5, priority: 0), wl("b_high", "b", cores: 1, priority: 1)],
                          incoming: wl("a_incoming", "a", cores: 1), want: ["b_low": .inCohortFairSharing]),
    FairPreemptionFixture(source: fairSrc + "\"preempt workload that doesn't transfer the imbalance, even if high priority\"", cqs: fairBaseCQs,
                          strategies: [.lessThanOrEqualToFinalShare],
                          admitted: [wl("a1", "a", cores: 3), wl("b_low", "b", cores: 5, priority: 0), wl("b_high", "b", cores: 1, priority: 1)],
                          incoming: wl("a_incoming", "a", cores: 1), want: ["b_high": .inCohortFairSharing]),
    FairPreemptionFixture(source: fairSrc + "\"CQ with higher weight can preempt more\"",
                          cqs: [cpuCQ("a", cohort: "all", cores: 3, weight: 2, preemption: plain),
                                cpuCQ("b", cohort: "all", cores: 3, preemption: plain), cpuCQ("c", cohort: "all", cores: 3, preemption: plain)],
                          admitted: units("a", "a", 3) + units("b", "b", 6),
                          incoming: wl("a_incoming", "a", cores: 2), want: ["b1": .inCohortFairSharing, "b2": .inCohortFairSharing]),
    FairPreemptionFixture(source: fairSrc + "\"can preempt anything borrowing from CQ with 0 weight\"",
                          cqs: [cpuCQ("a", cohort: "all", cores: 3, preemption: plain),
                                cpuCQ("b", cohort: "all", cores: 3, weight: 0, preemption: plain), cpuCQ("c", cohort: "all", cores: 3, preemption: plain)],
                          admitted: units("a", "a", 3) + units("b", "b", 6),
                          incoming: wl("a_incoming", "a", cores: 3),
                          want: ["b1": .inCohortFairSharing, "b2": .inCohortFairSharing, "b3": .inCohortFairSharing]),
    FairPreemptionFixture(source: fairSrc + "\"can't preempt nominal from CQ with 0 weight\"",
                          cqs: [cpuCQ("a", cohort: "all", cores: 3, preemption: plain), cpuCQ("b", cohort: "all", cores: 3, weight: 0, preemption: plain)],
                          admitted: units("a", "a", 3) + units("b", "b", 3),
                          incoming: wl("a_incoming", "a"), want: [:]),
    FairPreemptionFixture(source: fairSrc + "\"can't preempt nominal from Cohort with 0 weight\"",
                          cqs: [cpuCQ("left-cq", cohort: "root", cores: 0, preemption: PreemptionConfig(reclaimWithinCohort: .any)),
                                cpuCQ("right-cq", cohort: "right-cohort", cores: 0, weight: 0, preemption: PreemptionConfig(reclaimWithinCohort: .any))],
                          cohorts: [Cohort(name: "right-cohort", parent: "root", resourceGroups: [group(FlavorQuotas("default", ["cpu": quota(cpu(1))]))], fairWeight: 0)],
                          admitted: [wl("right-1", "right-cq")], incoming: wl("left-1", "left-cq"), want: [:]),
    FairPreemptionFixture(source: fairSrc + "\"can preempt within cluster queue when no cohort\"",
                          cqs: [cpuCQ("a", cohort: nil, cores: 1, preemption: PreemptionConfig(withinClusterQueue: .lowerPriority))],
                          admitted: [wl("a1", "a")], incoming: wl("a_incoming", "a", priority: 1000), want: ["a1": .inClusterQueue]),
    FairPreemptionFixture(source: fairSrc + "\"hierarchical preemption\"",
                          cqs: [cpuCQ("a", cohort: "LEFT", cores: 1, weight: 2, preemption: PreemptionConfig(reclaimWithinCohort: .any)),
                                cpuCQ("b", cohort: "LEFT", cores: 1), cpuCQ("c", cohort: "ROOT", cores: 1),
                                cpuCQ("d", cohort: "RIGHT", cores: 1), cpuCQ("e", cohort: "RIGHT", cores: 1, weight: 0.99)],
                          cohorts: [Cohort(name: "ROOT", resourceGroups: [group(FlavorQuotas("default", ["cpu": quota(cpu(5))]))]),
                                    Cohort(name: "LEFT", parent: "ROOT", resourceGroups: [group(FlavorQuotas("default", ["cpu": quota(cpu(5))]))], fairWeight: 2),
                                    Cohort(name: "RIGHT", parent: "ROOT", resourceGroups: [group(FlavorQuotas("default", ["cpu": quota(cpu(5))]))])],
                          admitted: ["b", "c", "d", "e"].flatMap { q in (1...5).map { wl("\(q)\($0)", q, priority: Int32($0)) } },
                          incoming: wl("unit", "a", cores: 5),
                          want: ["b1": .inCohortFairSharing, "b2": .inCohortFairSharing, "c1": .inCohortFairSharing,
                                 "c2": .inCohortFairSharing, "e1": .inCohortFairSharing]),
]

@Suite("Kueue TestFairPreemptions")
struct FairPreemptionTests {
    @Test(arguments: fairPreemptionFixtures + fairPreemptionMoreFixtures)
    func targets(_ f: FairPreemptionFixture) throws {
        let s = try Scheduler.fixture(cqs: f.cqs, cohorts: f.cohorts, admitted: f.admitted,
                                      config: SchedulerConfig(fairSharing: true, preemptionStrategies: f.strategies))
        let before = f.cqs.map { s.usage(of: $0.name) }
        let got = try s.preemptionTargets(for: f.incoming.workload, flavor: "default")
        var map: [String: PreemptionReason] = [:]
        for t in got { map[t.workload] = t.reason }
        #expect(map == f.want, "\(f.source)")
        #expect(f.cqs.map { s.usage(of: $0.name) } == before, "the snapshot is restored")
    }
}
