import FairwayCore
import FairwayTestSupport
import Foundation
import Testing

/// The agent's NetworkPolicy (deploy/chart/fairway), as the real helm renders it and as Kubernetes
/// NetworkPolicy semantics decide (`NetworkPolicyEvaluator`): only the namespaces the values name
/// reach port http (/metrics, /webhook); tenant pods do not.
@Suite(.enabled(if: Tools.installed("helm"), "needs helm (bash scripts/setup)"))
struct AgentNetworkPolicyTests {
    typealias Pod = NetworkPolicyEvaluator.Pod

    static let agent = Pod(namespace: AgentChartTests.namespace,
                           labels: ["app.kubernetes.io/name": "fairway", "app.kubernetes.io/instance": "fairway"],
                           namedPorts: ["http": 8080])

    static func evaluator(_ settings: [String] = []) async throws -> NetworkPolicyEvaluator {
        let objects = try await AgentChartTests.render(settings)
        let tenants = ["research": ["fairway.dev/tenant": "research"], "students": ["fairway.dev/tenant": "students"]]
        return NetworkPolicyEvaluator(policies: objects.filter { $0["kind"] == "NetworkPolicy" },
                                      namespaces: tenants.merging(["monitoring": [:], "ingress-nginx": [:]]) { $1 })
    }

    @Test func onlyTheNamedNamespacesReachMetricsAndWebhooks() async throws {
        let evaluator = try await Self.evaluator()
        #expect(evaluator.policies.count == 1)
        let prometheus = Pod(namespace: "monitoring", labels: ["app": "prometheus"])
        let ingress = Pod(namespace: "ingress-nginx", labels: ["app": "controller"])
        let tenantPod = Pod(namespace: "research", labels: ["ray.io/node-type": "head"])
        let sameNamespace = Pod(namespace: AgentChartTests.namespace, labels: ["app": "debug"])
        #expect(evaluator.allows(.init(from: prometheus, to: Self.agent, port: 8080)))
        #expect(evaluator.allows(.init(from: ingress, to: Self.agent, port: 8080)))
        #expect(!evaluator.allows(.init(from: tenantPod, to: Self.agent, port: 8080)), "tenants cannot read every tenant's GPU numbers")
        #expect(!evaluator.allows(.init(from: sameNamespace, to: Self.agent, port: 8080)))
        #expect(!evaluator.allows(.init(from: prometheus, to: Self.agent, port: 9090)))
    }

    @Test func emptyListsShutThePortAndDisablingRemovesThePolicy() async throws {
        let shut = try await Self.evaluator(["networkPolicy.metricsFrom=null", "networkPolicy.webhookFrom=null"])
        let prometheus = Pod(namespace: "monitoring")
        #expect(!shut.allows(.init(from: prometheus, to: Self.agent, port: 8080)))
        let objects = try await AgentChartTests.render(["networkPolicy.enabled=false"])
        #expect(!objects.contains { $0["kind"] == "NetworkPolicy" })
    }
}

/// The agent's image can be pinned by digest, so what runs is exactly what was pushed.
@Suite(.enabled(if: Tools.installed("helm"), "needs helm (bash scripts/setup)"))
struct AgentImageDigestTests {
    @Test func aDigestPinsTheImageAndAMalformedOneIsRefused() async throws {
        let digest = "sha256:" + String(repeating: "ab", count: 32)
        let objects = try await AgentChartTests.render(["image.repository=registry.example.com/fairway", "image.digest=\(digest)"])
        let deployment = try AgentChartTests.one("Deployment", in: objects)
        let image = deployment.value(at: ["spec", "template", "spec", "containers"])?.arrayValue?.first?["image"]
        #expect(image == .string("registry.example.com/fairway@\(digest)"))
        await #expect(throws: (any Error).self) { try await AgentChartTests.render(["image.digest=latest"]) }
    }
}
