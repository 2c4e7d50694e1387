import FairwayPipeline
import Foundation
import Testing
import FairwayAgent
import FairwayCore
import FairwayTestSupport

/// Who can reach whom once the template's NetworkPolicies are in place, decided by Kubernetes
/// NetworkPolicy semantics (`NetworkPolicyEvaluator`) over the rendered objects: a tenant's
/// notebooks reach their own Ray heads on the Ray ports and nothing of other tenants; the hub and
/// proxy reach servers; servers reach the hub; nobody's servers reach the cloud metadata server.
@Suite struct NotebookReachabilityTests {
    typealias Pod = NetworkPolicyEvaluator.Pod

    static func evaluator() throws -> NetworkPolicyEvaluator {
        let desired = try #require(try Pipeline().evaluate(path: Paths.template.path).desired)
        var namespaces: [String: [String: String]] = ["jupyterhub": [:], "kuberay-system": [:], "kube-system": [:]]
        for namespace in desired.manifests where namespace.key.kind == "Namespace" {
            namespaces[namespace.key.name] = (namespace.body["metadata"]?["labels"]?.objectValue?.members ?? [])
                .reduce(into: [String: String]()) { $0[$1.key] = $1.value.stringValue }
        }
        let policies = desired.manifests.filter { $0.key.kind == "NetworkPolicy" }.map(\.body)
        return NetworkPolicyEvaluator(policies: policies, namespaces: namespaces)
    }

    /// A notebook server as KubeSpawner labels it (scripts/hub-spawn-check.py shows the real labels).
    static func notebook(_ namespace: String, _ tenant: String) -> Pod {
        Pod(namespace: namespace, labels: ["component": "singleuser-server", "app": "jupyterhub", "release": "jupyterhub",
                                           "hub.jupyter.org/network-access-hub": "true", "fairway.dev/tenant": tenant])
    }

    /// A Ray head as KubeRay labels it.
    static func head(_ namespace: String, _ cluster: String) -> Pod {
        Pod(namespace: namespace, labels: ["ray.io/node-type": "head", "ray.io/cluster": cluster])
    }

    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let from: Pod
        let to: Pod
        let port: Int
        let allowed: Bool
        var testDescription: String { "\(name) :\(port) \(allowed ? "allowed" : "refused")" }
    }

    static let researchNotebook = notebook("research", "research")
    static let studentsNotebook = notebook("students", "students")
    static let servingNotebook = notebook("prod-inference", "prod-inference")
    static let researchHead = head("research", "hpo-sweep")
    static let studentsHead = head("students", "ray-intro")
    static let servingHead = head("prod-inference", "qwen-chat")

    static let cases: [Case] = {
        var out: [Case] = []
        for port in [10001, 8265, 8000] {
            out.append(Case(name: "research notebook -> research Ray head", from: researchNotebook, to: researchHead, port: port, allowed: true))
            out.append(Case(name: "students notebook -> students Ray head", from: studentsNotebook, to: studentsHead, port: port, allowed: true))
            out.append(Case(name: "prod-inference notebook -> its RayService head", from: servingNotebook, to: servingHead, port: port, allowed: true))
            out.append(Case(name: "research notebook -> students Ray head", from: researchNotebook, to: studentsHead, port: port, allowed: false))
            out.append(Case(name: "students notebook -> research Ray head", from: studentsNotebook, to: researchHead, port: port, allowed: false))
            out.append(Case(name: "students notebook -> prod-inference head", from: studentsNotebook, to: servingHead, port: port, allowed: false))
        }
        out.append(Case(name: "research notebook -> students notebook", from: researchNotebook, to: studentsNotebook, port: 8888, allowed: false))
        for component in ["hub", "proxy"] {
            let pod = Pod(namespace: "jupyterhub", labels: ["component": component, "app": "jupyterhub"])
            out.append(Case(name: "\(component) -> research notebook", from: pod, to: researchNotebook, port: 8888, allowed: true))
            out.append(Case(name: "\(component) -> research Ray head", from: pod, to: researchHead, port: 10001, allowed: false))
        }
        let outsider = Pod(namespace: "jupyterhub", labels: ["component": "image-puller"])
        out.append(Case(name: "other jupyterhub pod -> research notebook", from: outsider, to: researchNotebook, port: 8888, allowed: false))
        let operatorPod = Pod(namespace: "kuberay-system", labels: ["app.kubernetes.io/name": "kuberay-operator"])
        out.append(Case(name: "KubeRay operator -> research head dashboard", from: operatorPod, to: researchHead, port: 8265, allowed: true))
        out.append(Case(name: "KubeRay operator -> research head client", from: operatorPod, to: researchHead, port: 10001, allowed: false))
        return out
    }()

    @Test(arguments: cases)
    func reachability(_ c: Case) throws {
        let decision = try Self.evaluator().evaluate(.init(from: c.from, to: c.to, port: c.port))
        #expect(decision.isAllowed == c.allowed, "\(c.testDescription): \(decision)")
    }

    @Test func serversCannotReachTheCloudMetadataServer() throws {
        let evaluator = try Self.evaluator()
        for server in [Self.researchNotebook, Self.studentsNotebook, Self.servingNotebook,
                       Self.notebook("platform-ci", "platform")] {
            let metadata = Pod.external("169.254.169.254")
            #expect(!evaluator.evaluate(.init(from: server, to: metadata, port: 80)).egress.isAllowed, "\(server)")
            let internet = Pod.external("203.0.113.7")
            #expect(evaluator.evaluate(.init(from: server, to: internet, port: 443)).egress.isAllowed, "\(server)")
            let hub = Pod(namespace: "jupyterhub", labels: ["component": "hub"])
            #expect(evaluator.evaluate(.init(from: server, to: hub, port: 8081)).egress.isAllowed, "\(server) -> hub")
        }
    }
}
