import FairwayAgent
import FairwayCore
import FairwayPipeline
import Foundation
import Testing

/// The chart's ValidatingAdmissionPolicy, decided by `scripts/check-admission-policy.py` (its CEL
/// evaluated as the API server would): the agent's own requests are held to objects Fairway owns, in
/// namespaces Fairway manages, which RBAC's cluster-wide rules cannot say; anyone else is not matched.
/// The policy covers exactly the resources the agent may write.
@Suite struct AgentScopePolicyTests {
    static let agent = "system:serviceaccount:fairway-system:fairway"
    static let owned: JSONValue = ["app.kubernetes.io/managed-by": "fairway"]

    static func metadata(_ name: String, owned: Bool) -> JSONValue {
        owned ? ["name": .string(name), "labels": Self.owned] : ["name": .string(name)]
    }

    /// One request: `object`/`oldObject` owned or not (nil: absent), in `namespace` (managed or not).
    static func request(_ name: String, _ operation: String, group: String = "", resource: String, object: String,
                        namespace: String = "", user: String = agent, new: Bool? = true, old: Bool? = nil,
                        managedNamespace: Bool = true) -> JSONValue {
        var namespaceObject: JSONValue = .null
        if !namespace.isEmpty { namespaceObject = ["metadata": metadata(namespace, owned: managedNamespace)] }
        return ["name": .string(name),
                "request": ["operation": .string(operation), "userInfo": ["username": .string(user)],
                            "namespace": .string(resource == "namespaces" ? object : namespace), "name": .string(object),
                            "resource": ["group": .string(group), "resource": .string(resource)]],
                "object": new.map { ["metadata": metadata(object, owned: $0)] } ?? .null,
                "oldObject": old.map { ["metadata": metadata(object, owned: $0)] } ?? .null,
                "namespaceObject": resource == "namespaces" ? .null : namespaceObject]
    }

    static let cases: [(request: JSONValue, decision: String, says: String)] = [
        // What Fairway does.
        (request("create a tenant namespace", "CREATE", resource: "namespaces", object: "research"), "allowed", ""),
        (request("bind admin in a tenant namespace", "CREATE", group: "rbac.authorization.k8s.io", resource: "rolebindings",
                 object: "tenant-owners", namespace: "research"), "allowed", ""),
        (request("update its quota", "UPDATE", resource: "resourcequotas", object: "tenant-quota", namespace: "research", old: true),
         "allowed", ""),
        (request("prune its RayCluster", "DELETE", group: "ray.io", resource: "rayclusters", object: "ray-intro", namespace: "students",
                 new: nil, old: true), "allowed", ""),
        (request("write a ClusterQueue", "UPDATE", group: "kueue.x-k8s.io", resource: "clusterqueues", object: "research-a100", old: true),
         "allowed", ""),
        // What a compromised agent might try.
        (request("bind admin in kube-system", "CREATE", group: "rbac.authorization.k8s.io", resource: "rolebindings", object: "mine",
                 namespace: "kube-system", managedNamespace: false), "denied", "only in namespaces Fairway manages, not in kube-system"),
        (request("delete kube-system", "DELETE", resource: "namespaces", object: "kube-system", new: nil, old: false),
         "denied", "only objects Fairway created; namespaces kube-system is not one"),
        (request("label kube-system as Fairway's", "UPDATE", resource: "namespaces", object: "kube-system", old: false),
         "denied", "only objects Fairway created"),
        (request("write an unlabelled object", "CREATE", group: "networking.k8s.io", resource: "networkpolicies", object: "open",
                 namespace: "research", new: false), "denied", "writes only objects labelled app.kubernetes.io/managed-by=fairway"),
        (request("take over a PriorityClass", "UPDATE", group: "scheduling.k8s.io", resource: "priorityclasses",
                 object: "system-cluster-critical", old: false), "denied", "only objects Fairway created"),
        // Everyone else, and what the agent writes in its own namespace, are not the policy's business.
        (request("a person deletes kube-system", "DELETE", resource: "namespaces", object: "kube-system", user: "alice", new: nil, old: false),
         "unmatched", ""),
        (request("the agent's lease", "UPDATE", group: "coordination.k8s.io", resource: "leases", object: "fairway-sync",
                 namespace: "fairway-system", old: false, managedNamespace: false), "unmatched", ""),
    ]

    @Test(.enabled(if: Tools.installed("helm"), "needs helm (bash scripts/setup)")) func holdsTheAgentToWhatFairwayOwns() async throws {
        let sandbox = try ClientSandbox()
        defer { sandbox.remove() }
        let rendered = try await sandbox.helm(["template", "fairway", AgentChartTests.chart, "--namespace", AgentChartTests.namespace,
                                               "--show-only", "templates/agent-scope-policy.yaml"])
        try #require(rendered.status == 0, "\(rendered)")
        let policy = try sandbox.write("policy.yaml", rendered.stdout)
        let cases = try sandbox.write("cases.json", JSONWriter.string(.array(Self.cases.map(\.request))))
        let run = try await ChildProcess.run("python3", [Paths.root.appendingPathComponent("scripts/check-admission-policy.py").path, policy, cases])
        try #require(run.status == 0, "\(run.stdoutText)\(run.stderrText)")
        let decisions = try run.stdoutText.split(separator: "\n").map { try JSONReader.parse(Array($0.utf8)) }
        try #require(decisions.count == Self.cases.count)
        for (decision, expected) in zip(decisions, Self.cases) {
            let name = decision["name"]?.stringValue ?? "?"
            #expect(decision["decision"]?.stringValue == expected.decision, "\(name): \(decision)")
            let message = decision["message"]?.stringValue ?? ""
            #expect(expected.says.isEmpty ? message.isEmpty : message.contains(expected.says), "\(name): \(decision)")
        }
    }

    @Test(.enabled(if: Tools.installed("helm"), "needs helm (bash scripts/setup)")) func coversEveryResourceTheAgentWrites() async throws {
        let objects = try await AgentChartTests.render()
        let policy = try AgentChartTests.one("ValidatingAdmissionPolicy", in: objects)
        var covered: Set<String> = []
        for rule in policy.value(at: ["spec", "matchConstraints", "resourceRules"])?.arrayValue ?? [] {
            #expect(rule["operations"] == ["CREATE", "UPDATE", "DELETE"], "\(rule)")
            for group in rule["apiGroups"]?.arrayValue ?? [] {
                for resource in rule["resources"]?.arrayValue ?? [] {
                    covered.insert("\(group.stringValue ?? "?")/\(resource.stringValue ?? "?")")
                }
            }
        }
        let written = Set(AgentPermissions.cluster.filter { $0.verbs.contains("create") }.flatMap { rule in
            rule.resources.map { "\(rule.group)/\($0)" }
        })
        #expect(covered == written, "beyond: \(covered.subtracting(written).sorted()), missing: \(written.subtracting(covered).sorted())")
        let binding = try AgentChartTests.one("ValidatingAdmissionPolicyBinding", in: objects)
        #expect(binding.value(at: ["spec", "policyName"]) == policy.value(at: ["metadata", "name"]))
        #expect(binding.value(at: ["spec", "validationActions"]) == ["Deny"])
        #expect(policy.value(at: ["spec", "failurePolicy"]) == "Fail")
        let disabled = try await AgentChartTests.render(["rbac.scopePolicy.enabled=false"])
        #expect(!disabled.contains { $0["kind"] == "ValidatingAdmissionPolicy" })
    }
}
