import FairwayAdmission

/// Small builders shared by the fixture tables: quotas, ClusterQueues, Cohorts and workloads in
/// the shapes Kueue's test wrappers use (`MakeClusterQueue(...).ResourceGroup(...)`).

/// Millicores of `cores` CPUs.
func cpu(_ cores: Double) -> Int64 { Int64((cores * 1000).rounded()) }

func quota(_ nominal: Int64, borrow: Int64? = nil, lend: Int64? = nil) -> ResourceQuota {
    ResourceQuota(nominal: nominal, borrowingLimit: borrow, lendingLimit: lend)
}

/// One resource group with the given flavors.
func group(_ flavors: FlavorQuotas...) -> ResourceGroup { ResourceGroup(flavors) }

func makeCQ(_ name: String, cohort: String? = nil, weight: Double = 1, groups: [ResourceGroup],
            preemption: PreemptionConfig = PreemptionConfig(), fungibility: FlavorFungibility = FlavorFungibility(),
            strategy: QueueingStrategy = .bestEffortFIFO) -> ClusterQueue {
    ClusterQueue(name: name, cohort: cohort, resourceGroups: groups, fairWeight: weight, preemption: preemption,
                 flavorFungibility: fungibility, queueingStrategy: strategy)
}

/// A ClusterQueue with a single flavor holding a CPU quota.
func cpuCQ(_ name: String, cohort: String?, cores: Double, weight: Double = 1,
           preemption: PreemptionConfig = PreemptionConfig(), flavor: String = "default") -> ClusterQueue {
    makeCQ(name, cohort: cohort, weight: weight, groups: [group(FlavorQuotas(flavor, ["cpu": quota(cpu(cores))]))], preemption: preemption)
}

/// An admitted or incoming workload in a fixture: one pod set of `count` pods.
struct FixtureWorkload: Sendable {
    var name: String
    var cq: String
    var requests: [String: Int64]
    var count: Int32 = 1
    var priority: Int32 = 0
    var creation: Int64 = 0
    var flavor = "default"

    var workload: Workload {
        Workload(name: name, clusterQueue: cq, priority: priority, creation: creation, count: count, requests: requests)
    }
}

/// A workload of `cores` CPUs (per pod).
func wl(_ name: String, _ cq: String, cores: Double = 1, count: Int32 = 1, priority: Int32 = 0, creation: Int64 = 0,
        flavor: String = "default") -> FixtureWorkload {
    FixtureWorkload(name: name, cq: cq, requests: ["cpu": cpu(cores)], count: count, priority: priority, creation: creation, flavor: flavor)
}

let defaultFlavors = ["default", "on-demand", "spot", "model-a", "flavor1", "flavor2", "alpha", "beta", "gpu"].map { ResourceFlavor(name: $0) }

/// Kueue's base preemption of TestFairPreemptions' queues a, b and c.
let basePreemption = PreemptionConfig(reclaimWithinCohort: .any,
                                      borrowWithinCohort: BorrowWithinCohort(policy: .lowerPriority, maxPriorityThreshold: -3),
                                      withinClusterQueue: .lowerPriority)

extension Scheduler {
    /// A scheduler with `admitted` workloads already holding quota and `pending` ones queued.
    static func fixture(cqs: [ClusterQueue], cohorts: [Cohort] = [], admitted: [FixtureWorkload] = [], pending: [FixtureWorkload] = [],
                        config: SchedulerConfig = SchedulerConfig()) throws -> Scheduler {
        let s = try Scheduler(flavors: defaultFlavors, cohorts: cohorts, clusterQueues: cqs, config: config)
        for w in admitted { try s.admit(w.workload, flavor: w.flavor) }
        for w in pending { try s.submit(w.workload) }
        return s
    }
}
