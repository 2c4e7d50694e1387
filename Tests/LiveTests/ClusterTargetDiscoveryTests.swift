import FairwayAgent
import FairwayCore
import FairwayLive
import FairwayPipeline
import FairwayTestCluster
import FairwayTestSupport
import FairwayYAML
import Foundation
import Testing

/// A long-lived cluster target (the sync agent's) reads discovery afresh for every plan: a CRD
/// installed after the first read (a chart's, or one applied by hand) has its objects listed, so
/// Fairway's objects of that kind are compared and pruned like any other.
@Suite struct ClusterTargetDiscoveryTests {
    @Test func aKindInstalledAfterTheFirstReadIsListed() async throws {
        let evaluation = try Pipeline().evaluate(path: Paths.template.path)
        try #require(evaluation.isValid)
        try await Kube.withClient { _, client in
            let target = ClusterTarget(name: "test", kubernetes: client, eks: nil, helm: nil)
            // 1. Without Kueue's CRDs the first read lists no ClusterQueue (the kind is not served).
            let first = try await target.read(for: evaluation)
            #expect(!first.objects.contains { $0.key.kind == "ClusterQueue" })

            // 2. The CRD is installed and an owned ClusterQueue appears (one left behind by an earlier apply).
            let crd = Paths.reference.appendingPathComponent("kueue/kueue.x-k8s.io_clusterqueues.yaml").path
            let stream = try YAMLParser.parse(Array(try Data(contentsOf: URL(fileURLWithPath: crd))))
            for document in stream.documents {
                _ = try await client.create(try #require(Manifest(body: document.jsonValue())))
            }
            let queue: JSONValue = [
                "apiVersion": "kueue.x-k8s.io/v1beta2", "kind": "ClusterQueue",
                "metadata": ["name": "left-behind", "labels": [.init(Ownership.managedByLabel): .string(Ownership.managedByValue)]],
                "spec": ["namespaceSelector": [:]],
            ]
            _ = try await client.create(try #require(Manifest(body: queue)))

            // 3. The next read, through the same client, lists it.
            let second = try await target.read(for: evaluation)
            #expect(second.objects.contains { $0.key.kind == "ClusterQueue" && $0.key.name == "left-behind" },
                    "\(second.objects.map(\.key.description).filter { $0.contains("ClusterQueue") })")
        }
    }
}
