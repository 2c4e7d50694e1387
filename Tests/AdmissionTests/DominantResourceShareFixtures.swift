import FairwayAdmission
import Testing

/// Kueue's TestDominantResourceShare cases: usage admitted to ClusterQueue "cq" (one workload per
/// flavor-resource), an optional extra request, and the rounded weighted share, dominant resource
/// and borrowing flag of every ClusterQueue and Cohort.
struct DRSFixture: Sendable, CustomTestStringConvertible {
    var source: String
    var cqs: [ClusterQueue]
    var cohorts: [Cohort] = []
    var usage: [FlavorResource: Int64]
    var request: [FlavorResource: Int64] = [:]
    /// node → (rounded share, dominant resource, borrowing)
    var want: [String: DRSWant]
    var testDescription: String { source }
}

struct DRSWant: Sendable, Equatable, CustomStringConvertible {
    var value: Int64
    var resource: String
    var borrowing: Bool
    var description: String { "\(value) \(resource) \(borrowing)" }
}

private let src = "pkg/cache/scheduler/fair_sharing_test.go TestDominantResourceShare/"
private let gpu = "example.com/gpu"
private let zero = DRSWant(value: 0, resource: "", borrowing: false)

private func cq(_ name: String, cohort: String? = "test-cohort", weight: Double = 1, _ flavors: FlavorQuotas...) -> ClusterQueue {
    makeCQ(name, cohort: cohort, weight: weight, groups: [ResourceGroup(flavors)])
}

private let cpuGpuLender = cq("lending-cq", FlavorQuotas("default", ["cpu": quota(cpu(8)), gpu: quota(5)]))

let drsFixtures: [DRSFixture] = [
    DRSFixture(source: src + "\"no cohort\"",
               cqs: [cq("cq", cohort: nil, FlavorQuotas("default", ["cpu": quota(cpu(2000)), gpu: quota(5)]))],
               usage: [FlavorResource("default", "cpu"): 1000, FlavorResource("default", gpu): 2],
               want: ["cq": zero]),
    DRSFixture(source: src + "\"usage below nominal\"",
               cqs: [cq("cq", FlavorQuotas("default", ["cpu": quota(cpu(2)), gpu: quota(5)])), cpuGpuLender],
               usage: [FlavorResource("default", "cpu"): 1000, FlavorResource("default", gpu): 2],
               want: ["cq": zero, "lending-cq": zero, "test-cohort": zero]),
    DRSFixture(source: src + "\"usage above nominal\"",
               cqs: [cq("cq", FlavorQuotas("default", ["cpu": quota(cpu(2)), gpu: quota(5)])), cpuGpuLender],
               usage: [FlavorResource("default", "cpu"): 3000, FlavorResource("default", gpu): 7],
               want: ["cq": DRSWant(value: 200, resource: gpu, borrowing: true), "lending-cq": zero, "test-cohort": zero]),
    DRSFixture(source: src + "\"usage slightly above nominal in a cohort with large quotas\"",
               cqs: [cq("cq", FlavorQuotas("default", [gpu: quota(500)])),
                     cq("lending-cq", weight: 300, FlavorQuotas("default", [gpu: quota(1000)]))],
               usage: [FlavorResource("default", gpu): 501],
               want: ["cq": DRSWant(value: 1, resource: gpu, borrowing: true), "lending-cq": zero, "test-cohort": zero]),
    DRSFixture(source: src + "\"one resource above nominal\"",
               cqs: [cq("cq", FlavorQuotas("default", ["cpu": quota(cpu(2)), gpu: quota(5)])), cpuGpuLender],
               usage: [FlavorResource("default", "cpu"): 3000, FlavorResource("default", gpu): 3],
               want: ["cq": DRSWant(value: 100, resource: "cpu", borrowing: true), "lending-cq": zero, "test-cohort": zero]),
    DRSFixture(source: src + "\"usage with workload above nominal\"",
               cqs: [cq("cq", FlavorQuotas("default", ["cpu": quota(cpu(2)), gpu: quota(5)])), cpuGpuLender],
               usage: [FlavorResource("default", "cpu"): 1000, FlavorResource("default", gpu): 2],
               request: [FlavorResource("default", "cpu"): 4000, FlavorResource("default", gpu): 4],
               want: ["cq": DRSWant(value: 300, resource: "cpu", borrowing: true), "lending-cq": zero, "test-cohort": zero]),
    DRSFixture(source: src + "\"A resource with zero lendable\"",
               cqs: [cq("cq", FlavorQuotas("default", ["cpu": quota(cpu(2)), gpu: quota(2, lend: 0)])),
                     cq("lending-cq", FlavorQuotas("default", ["cpu": quota(cpu(8)), gpu: quota(64, lend: 0)]))],
               usage: [FlavorResource("default", "cpu"): 1000, FlavorResource("default", gpu): 1],
               request: [FlavorResource("default", "cpu"): 4000, FlavorResource("default", gpu): 4],
               want: ["cq": DRSWant(value: 300, resource: "cpu", borrowing: true), "lending-cq": zero, "test-cohort": zero]),
    DRSFixture(source: src + "\"multiple flavors\"",
               cqs: [cq("cq", FlavorQuotas("on-demand", ["cpu": quota(cpu(20))]), FlavorQuotas("spot", ["cpu": quota(cpu(80))])),
                     cq("lending-cq", FlavorQuotas("default", ["cpu": quota(cpu(100))]))],
               usage: [FlavorResource("on-demand", "cpu"): 15000, FlavorResource("spot", "cpu"): 5000],
               request: [FlavorResource("on-demand", "cpu"): 10000],
               want: ["cq": DRSWant(value: 25, resource: "cpu", borrowing: true), "lending-cq": zero, "test-cohort": zero]),
    DRSFixture(source: src + "\"above nominal with integer weight\"",
               cqs: [cq("cq", weight: 2, FlavorQuotas("default", [gpu: quota(5)])), cq("lending-cq", FlavorQuotas("default", [gpu: quota(5)]))],
               usage: [FlavorResource("default", gpu): 7],
               want: ["cq": DRSWant(value: 100, resource: gpu, borrowing: true), "lending-cq": zero, "test-cohort": zero]),
    DRSFixture(source: src + "\"above nominal with decimal weight\"",
               cqs: [cq("cq", weight: 0.5, FlavorQuotas("default", [gpu: quota(5)])), cq("lending-cq", FlavorQuotas("default", [gpu: quota(5)]))],
               usage: [FlavorResource("default", gpu): 7],
               want: ["cq": DRSWant(value: 400, resource: gpu, borrowing: true), "lending-cq": zero, "test-cohort": zero]),
    DRSFixture(source: src + "\"above nominal with zero weight\"",
               cqs: [cq("cq", weight: 0, FlavorQuotas("default", [gpu: quota(5)])), cq("lending-cq", FlavorQuotas("default", [gpu: quota(10)]))],
               usage: [FlavorResource("default", gpu): 7],
               want: ["cq": DRSWant(value: .max, resource: gpu, borrowing: true), "lending-cq": zero, "test-cohort": zero]),
    DRSFixture(source: src + "\"cohort has resource share\"",
               cqs: [cq("cq", cohort: "child-cohort", FlavorQuotas("default", [gpu: quota(5)]))],
               cohorts: [Cohort(name: "child-cohort", parent: "root", fairWeight: 2),
                         Cohort(name: "root", resourceGroups: [ResourceGroup([FlavorQuotas("default", [gpu: quota(45)])])])],
               usage: [FlavorResource("default", gpu): 10],
               want: ["cq": DRSWant(value: 100, resource: gpu, borrowing: true),
                      "child-cohort": DRSWant(value: 50, resource: gpu, borrowing: true), "root": zero]),
    DRSFixture(source: src + "\"resource share affected by borrowing limit\"",
               cqs: [cq("cq", cohort: "child-cohort", FlavorQuotas("default", [gpu: quota(0)]))],
               cohorts: [Cohort(name: "child-cohort", parent: "root", resourceGroups: [ResourceGroup([FlavorQuotas("default", [gpu: quota(0, borrow: 10)])])]),
                         Cohort(name: "root", resourceGroups: [ResourceGroup([FlavorQuotas("default", [gpu: quota(50)])])])],
               usage: [FlavorResource("default", gpu): 10],
               want: ["cq": DRSWant(value: 1000, resource: gpu, borrowing: true),
                      "child-cohort": DRSWant(value: 200, resource: gpu, borrowing: true), "root": zero]),
    DRSFixture(source: src + "\"borrowing against unlimited lendable capacity (exabyte-scale quota)\"",
               cqs: [cq("cq", FlavorQuotas("default", ["cpu": quota(0)])), cq("lending-cq", FlavorQuotas("default", ["cpu": quota(.max)]))],
               usage: [FlavorResource("default", "cpu"): 1000],
               want: ["cq": DRSWant(value: 1, resource: "cpu", borrowing: true), "lending-cq": zero, "test-cohort": zero]),
]

@Suite("Kueue TestDominantResourceShare")
struct DominantResourceShareTests {
    @Test(arguments: drsFixtures)
    func dominantResourceShare(_ f: DRSFixture) throws {
        let s = try Scheduler(flavors: defaultFlavors, cohorts: f.cohorts, clusterQueues: f.cqs)
        for (i, (fr, amount)) in f.usage.sorted(by: { $0.key < $1.key }).enumerated() {
            try s.admit(Workload(name: "workload-\(i)", clusterQueue: "cq", requests: [fr.resource: amount]), flavor: fr.flavor)
        }
        var got: [String: DRSWant] = [:]
        for node in f.want.keys {
            let drs = try #require(s.dominantResourceShare(of: node, adding: f.request))
            got[node] = DRSWant(value: drs.roundedWeightedShare, resource: drs.dominantResource, borrowing: drs.isBorrowing)
        }
        #expect(got == f.want, "\(f.source)")
    }
}
