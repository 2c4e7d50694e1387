@testable import FairwayApply
import FairwayCore
import FairwayDiff
import Testing

/// The one table of kinds: what it says about order, phases and waits is what the apply does.
@Suite struct KindFactsTests {
    @Test func kindsAreListedOnceAndWaitedOnOnlyWhereReadinessIsDefined() {
        #expect(Set(KindFacts.table.map(\.kind)).count == KindFacts.table.count)
        for fact in KindFacts.table {
            // An apply that waits on a kind must be able to judge it, and a kind it can judge is waited on.
            #expect((Health.of(["status": [:]], kind: fact.kind) != nil) == (fact.wait != .never), "\(fact.kind)")
        }
        #expect(KindFacts.rendered.allSatisfy { !$0.resource.isEmpty && $0.resource == $0.resource.lowercased() })
    }

    @Test func phasesComeFromTheTable() {
        func phase(_ apiVersion: String, _ kind: String, namespace: String?) -> ApplyOrder.Phase {
            ApplySchedule.order(of: Change(action: .create, key: ObjectKey(apiVersion: apiVersion, kind: kind, namespace: namespace, name: "x"),
                                           tenant: nil)).phase
        }
        #expect(phase("apiextensions.k8s.io/v1", "CustomResourceDefinition", namespace: nil) == .definitions)
        #expect(phase("v1", "Namespace", namespace: nil) == .definitions)
        #expect(phase("kueue.x-k8s.io/v1beta2", "ClusterQueue", namespace: nil) == .clusterPolicy)
        #expect(phase("v1", "ResourceQuota", namespace: "research") == .namespaced)
        #expect(phase("apps/v1", "StatefulSet", namespace: "research") == .workloads)
        #expect(phase("ray.io/v1", "RayJob", namespace: "research") == .workloads)
        // Unknown kinds by scope, just before Services.
        #expect(phase("example.com/v1", "Widget", namespace: "research") == .namespaced)
        #expect(phase("example.com/v1", "ClusterWidget", namespace: nil) == .clusterPolicy)
        #expect(KindFacts.rank(of: "Widget") == KindFacts.rank(of: "Service") - 1)
    }
}
