import FairwayAdmission
import Testing

/// Fairway's own platform cases: a GPU cohort shared by research, prod and platform queues, in
/// every arrival order, and the case a reviewer reported as pending forever.
private let gpu = "nvidia.com/gpu"
private let reclaim = PreemptionConfig(reclaimWithinCohort: .any, withinClusterQueue: .lowerPriority)

/// research: nominal 10, borrowingLimit 4, weight 2; prod: nominal 4, lendingLimit 2;
/// platform: nominal 2, borrowingLimit 2; the cohort itself has no quota (16 GPUs in all).
private let gpuQueues: [ClusterQueue] = [
    makeCQ("research", cohort: "gpus", weight: 2, groups: [group(FlavorQuotas("gpu", [gpu: quota(10, borrow: 4)]))], preemption: reclaim),
    makeCQ("prod", cohort: "gpus", groups: [group(FlavorQuotas("gpu", [gpu: quota(4, lend: 2)]))], preemption: reclaim),
    makeCQ("platform", cohort: "gpus", groups: [group(FlavorQuotas("gpu", [gpu: quota(2, borrow: 2)]))], preemption: reclaim),
]
private let gpuCohort = [Cohort(name: "gpus", resourceGroups: [group(FlavorQuotas("gpu", [gpu: quota(0)]))])]

private let arrivals: [Workload] = [
    Workload(name: "research-train", clusterQueue: "research", count: 3, requests: [gpu: 4]),
    Workload(name: "prod-serve", clusterQueue: "prod", count: 1, requests: [gpu: 1]),
    Workload(name: "platform-job", clusterQueue: "platform", count: 1, requests: [gpu: 4]),
]

/// Every permutation of the three arrivals.
let arrivalOrders: [[Int]] = [[0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]]

@Suite("Fairway platform cases")
struct PlatformCaseTests {
    @Test("GPU cohort: research 12, prod 1, platform 0 in every arrival order", arguments: arrivalOrders)
    func gpuCohortSteadyState(order: [Int]) throws {
        let s = try Scheduler(flavors: [ResourceFlavor(name: "gpu")], cohorts: gpuCohort, clusterQueues: gpuQueues)
        for (t, i) in order.enumerated() {
            var w = arrivals[i]
            w.creation = Int64(t)
            try s.submit(w)
            // Each arrival is scheduled before the next one comes.
            #expect(s.runUntilSteady(maxCycles: 50).settled)
        }
        #expect(s.usage(of: "research", resource: gpu) == 12)
        #expect(s.usage(of: "prod", resource: gpu) == 1)
        #expect(s.usage(of: "platform", resource: gpu) == 0)
        if order.firstIndex(of: 2)! < order.firstIndex(of: 0)! {
            #expect(s.evictions.map { "\($0.workload) \($0.reason.rawValue) \($0.preemptor)" } == ["platform-job InCohortFairSharing research-train"])
        } else {
            #expect(s.evictions.isEmpty)
        }
    }

    @Test("GPU cohort: research's 12 GPUs stay pending behind platform's four 1-GPU workloads")
    func researchStaysPending() throws {
        let s = try Scheduler(flavors: [ResourceFlavor(name: "gpu")], cohorts: gpuCohort, clusterQueues: gpuQueues)
        for i in 0..<4 { try s.admit(Workload(name: "platform-\(i)", clusterQueue: "platform", requests: [gpu: 1]), flavor: "gpu") }
        try s.submit(Workload(name: "research-train", clusterQueue: "research", creation: 10, count: 3, requests: [gpu: 4]))
        let result = s.runUntilSteady(maxCycles: 50)
        #expect(result.settled)
        #expect(!s.isAdmitted("research-train"))
        #expect(s.evictions.isEmpty)
        #expect(s.usage(of: "platform", resource: gpu) == 4)
        // Only one of the two preemptions passes a strategy, and one is not enough.
        let targets = try s.preemptionTargets(for: Workload(name: "probe", clusterQueue: "research", count: 3, requests: [gpu: 4]), flavor: "gpu")
        #expect(targets.isEmpty)
        if case let .pending(reason)? = s.status(of: "research-train") {
            #expect(reason.contains("insufficient unused quota for \(gpu) in flavor gpu, 2 more needed"))
        } else {
            Issue.record("research-train should be pending")
        }
    }
}
