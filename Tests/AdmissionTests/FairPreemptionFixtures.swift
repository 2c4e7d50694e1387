import FairwayAdmission
import Testing

/// Kueue's TestFairPreemptions cases: admitted workloads, one incoming workload needing preemption
/// in its ClusterQueue's "default" flavor, and the set of targets with their reasons.
struct FairPreemptionFixture: Sendable, CustomTestStringConvertible {
    var source: String
    var cqs: [ClusterQueue]
    var cohorts: [Cohort] = []
    var strategies: [PreemptionStrategy] = []
    var admitted: [FixtureWorkload]
    var incoming: FixtureWorkload
    var want: [String: PreemptionReason]
    var testDescription: String { source }
}

let fairSrc = "pkg/scheduler/preemption/preemption_fair_test.go TestFairPreemptions/"

/// Queues a, b, c (3 CPUs each, LowerPriority within, Any reclaim, borrowWithinCohort below -3)
/// and "preemptible" (no quota) in cohort "all".
let fairBaseCQs = ["a", "b", "c"].map { cpuCQ($0, cohort: "all", cores: 3, preemption: basePreemption) }
    + [cpuCQ("preemptible", cohort: "all", cores: 0)]

/// `count` unit workloads named prefix1…prefixN in `cq`.
func units(_ prefix: String, _ cq: String, _ count: Int, priority: Int32 = 0) -> [FixtureWorkload] {
    (1...count).map { wl("\(prefix)\($0)", cq, priority: priority) }
}

let fairPreemptionFixtures: [FairPreemptionFixture] = [
    FairPreemptionFixture(source: fairSrc + "\"reclaim nominal from user using the most\"", cqs: fairBaseCQs,
                          admitted: units("a", "a", 3) + units("b", "b", 5) + units("c", "c", 1),
                          incoming: wl("c_incoming", "c"), want: ["b1": .inCohortReclamation]),
    FairPreemptionFixture(source: fairSrc + "\"can reclaim from queue using less, if taking the latest workload from user using the most isn't enough\"",
                          cqs: fairBaseCQs,
                          admitted: [wl("a1", "a", cores: 3), wl("a2", "a", cores: 1), wl("b1", "b", cores: 2), wl("b2", "b", cores: 3)],
                          incoming: wl("c_incoming", "c", cores: 3), want: ["a1": .inCohortReclamation]),
    FairPreemptionFixture(source: fairSrc + "\"reclaim borrowable quota from user using the most\"", cqs: fairBaseCQs,
                          admitted: units("a", "a", 3) + units("b", "b", 5) + units("c", "c", 1),
                          incoming: wl("a_incoming", "a"), want: ["b1": .inCohortFairSharing]),
    FairPreemptionFixture(source: fairSrc + "\"preempt one from each CQ borrowing\"", cqs: fairBaseCQs,
                          admitted: [wl("a1", "a", cores: 0.5), wl("a2", "a", cores: 0.5), wl("a3", "a", cores: 3),
                                     wl("b1", "b", cores: 0.5), wl("b2", "b", cores: 0.5), wl("b3", "b", cores: 3)],
                          incoming: wl("c_incoming", "c", cores: 2), want: ["a1": .inCohortReclamation, "b1": .inCohortReclamation]),
    FairPreemptionFixture(source: fairSrc + "\"can't preempt when everyone under nominal\"", cqs: fairBaseCQs,
                          admitted: units("a", "a", 3) + units("b", "b", 3) + units("c", "c", 3),
                          incoming: wl("c_incoming", "c"), want: [:]),
    FairPreemptionFixture(source: fairSrc + "\"can't preempt when it would switch the imbalance\"", cqs: fairBaseCQs,
                          admitted: units("a", "a", 3) + units("b", "b", 5),
                          incoming: wl("a_incoming", "a", cores: 2), want: [:]),
    FairPreemptionFixture(source: fairSrc + "\"can preempt lower priority workloads from same CQ\"", cqs: fairBaseCQs,
                          admitted: [wl("a1_low", "a", priority: -1), wl("a2_low", "a", priority: -1), wl("a3", "a"), wl("a4", "a")]
                              + units("b", "b", 5),
                          incoming: wl("a_incoming", "a", cores: 2), want: ["a1_low": .inClusterQueue, "a2_low": .inClusterQueue]),
    FairPreemptionFixture(source: fairSrc + "\"can preempt a combination of same CQ and highest user\"", cqs: fairBaseCQs,
                          admitted: [wl("a_low", "a", priority: -1), wl("a2", "a"), wl("a3", "a")] + units("b", "b", 6),
                          incoming: wl("a_incoming", "a", cores: 2), want: ["a_low": .inClusterQueue, "b1": .inCohortFairSharing]),
    FairPreemptionFixture(source: fairSrc + "\"preempt huge workload if there is no other option, as long as the target CQ gets a lower share\"",
                          cqs: fairBaseCQs, admitted: [wl("b1", "b", cores: 9)],
                          incoming: wl("a_incoming", "a", cores: 2), want: ["b1": .inCohortReclamation]),
    FairPreemptionFixture(source: fairSrc + "\"can't preempt huge workload if the incoming is also huge\"", cqs: fairBaseCQs,
                          admitted: [wl("a1", "a", cores: 2), wl("b1", "b", cores: 7)],
                          incoming: wl("a_incoming", "a", cores: 5), want: [:]),
    FairPreemptionFixture(source: fairSrc + "\"can't preempt 2 smaller workloads if the incoming is huge\"", cqs: fairBaseCQs,
                          admitted: [wl("b1", "b", cores: 2), wl("b2", "b", cores: 2), wl("b3", "b", cores: 3)],
                          incoming: wl("a_incoming", "a", cores: 6), want: [:]),
    FairPreemptionFixture(source: fairSrc + "\"preempt from target and others even if over nominal\"", cqs: fairBaseCQs,
                          admitted: [wl("a1_low", "a", cores: 2, priority: -1), wl("a2_low", "a", cores: 1, priority: -1),
                                     wl("b1", "b", cores: 3), wl("b2", "b", cores: 3)],
                          incoming: wl("a_incoming", "a", cores: 4), want: ["a1_low": .inClusterQueue, "b1": .inCohortFairSharing]),
    FairPreemptionFixture(source: fairSrc + "\"prefer to preempt workloads that don't make the target CQ have the biggest share\"",
                          cqs: fairBaseCQs,
                          admitted: [wl("b1", "b", cores: 2), wl("b2", "b", cores: 1), wl("b3", "b", cores: 2), wl("c1", "c", cores: 1)],
                          incoming: wl("a_incoming", "a", cores: 3.5), want: ["b2": .inCohortFairSharing]),
    FairPreemptionFixture(source: fairSrc + "\"preempt from different cluster queues if the end result has a smaller max share\"",
                          cqs: fairBaseCQs,
                          admitted: [wl("b1", "b", cores: 2), wl("b2", "b", cores: 2.5), wl("c1", "c", cores: 2), wl("c2", "c", cores: 2.5)],
                          incoming: wl("a_incoming", "a", cores: 3.5), want: ["b1": .inCohortFairSharing, "c1": .inCohortFairSharing]),
    FairPreemptionFixture(source: fairSrc + "\"scenario above does not flap\"", cqs: fairBaseCQs,
                          admitted: [wl("a1", "a", cores: 3.5), wl("b2", "b", cores: 2.5), wl("c2", "c", cores: 2.5)],
                          incoming: wl("b_incoming", "b", cores: 2), want: [:]),
    FairPreemptionFixture(source: fairSrc + "\"cannot preempt if it would make the candidate CQ go under nominal after preempting one element\"",
                          cqs: fairBaseCQs,
                          admitted: [wl("b1", "b", cores: 3), wl("b2", "b", cores: 3), wl("c1", "c", cores: 3)],
                          incoming: wl("a_incoming", "a", cores: 4), want: [:]),
    FairPreemptionFixture(source: fairSrc + "\"workloads under priority threshold not capriciously preempted\"", cqs: fairBaseCQs,
                          admitted: units("a", "a", 3) + units("b", "b", 3) + units("preemptible", "preemptible", 3, priority: -3),
                          incoming: wl("a_incoming", "a", cores: 2), want: [:]),
]
