import FairwayPipeline
import Foundation
import Testing
import FairwayAgent
import FairwayCore

/// Every Ray pod Fairway renders (heads, workers, the autoscaler sidecar, RayJob submitters) meets
/// the `restricted` Pod Security Standard, so a tenant may enforce it (`podSecurity: restricted`;
/// the template's students do) and the usual hardening checks pass.
@Suite struct RayPodSecurityTests {
    /// The `restricted` profile's checks on a pod spec (Kubernetes "Pod Security Standards"):
    /// non-root, no privilege escalation, capabilities dropped to none (NET_BIND_SERVICE may be
    /// added back), a RuntimeDefault or Localhost seccomp profile, nothing privileged, no host
    /// namespaces or host paths.
    static func violations(_ pod: JSONValue, extraContainers: [JSONValue] = []) -> [String] {
        var out: [String] = []
        let podContext = pod["securityContext"]
        let containers = (pod["containers"]?.arrayValue ?? []) + (pod["initContainers"]?.arrayValue ?? []) + extraContainers
        for flag in ["hostNetwork", "hostPID", "hostIPC"] where pod[flag] == true { out.append(flag) }
        if (pod["volumes"]?.arrayValue ?? []).contains(where: { $0["hostPath"] != nil }) { out.append("hostPath volume") }
        for container in containers {
            let name = container["name"]?.stringValue ?? "?"
            let context = container["securityContext"]
            if context?["privileged"] == true { out.append("\(name): privileged") }
            if context?["allowPrivilegeEscalation"] != false { out.append("\(name): allowPrivilegeEscalation not false") }
            let drops = context?["capabilities"]?["drop"]?.arrayValue ?? []
            if !drops.contains("ALL") { out.append("\(name): capabilities not dropped") }
            let adds = (context?["capabilities"]?["add"]?.arrayValue ?? []).filter { $0 != "NET_BIND_SERVICE" }
            if !adds.isEmpty { out.append("\(name): capabilities added") }
            if context?["runAsNonRoot"] != true && podContext?["runAsNonRoot"] != true { out.append("\(name): runAsNonRoot not true") }
            if context?["runAsUser"] == 0 || podContext?["runAsUser"] == 0 { out.append("\(name): runs as root") }
            let seccomp = context?["seccompProfile"]?["type"] ?? podContext?["seccompProfile"]?["type"]
            if seccomp != "RuntimeDefault" && seccomp != "Localhost" { out.append("\(name): no seccomp profile") }
        }
        return out
    }

    @Test func everyRayPodMeetsTheRestrictedStandard() throws {
        let desired = try #require(try Pipeline().evaluate(path: RepoPaths.template.path).desired)
        var checked = 0
        for object in desired.manifests.map(\.body) where ["RayJob", "RayCluster", "RayService"].contains(object["kind"]?.stringValue ?? "") {
            let kind = object["kind"]?.stringValue
            let cluster = kind == "RayJob" ? object["spec"]?["rayClusterSpec"] : kind == "RayService" ? object["spec"]?["rayClusterConfig"] : object["spec"]
            // KubeRay adds the autoscaler as a container of the head with autoscalerOptions' security context.
            var sidecar: [JSONValue] = []
            if cluster?["enableInTreeAutoscaling"] == true {
                sidecar = [["name": "autoscaler", "securityContext": cluster?["autoscalerOptions"]?["securityContext"] ?? .null]]
            }
            var pods = [cluster?["headGroupSpec"]?["template"]?["spec"]]
            pods += (cluster?["workerGroupSpecs"]?.arrayValue ?? []).map { $0["template"]?["spec"] }
            if kind == "RayJob" { pods.append(object["spec"]?["submitterPodTemplate"]?["spec"]) }
            for (index, pod) in pods.enumerated() {
                let spec = try #require(pod, "\(kind ?? "") pod \(index)")
                let problems = Self.violations(spec, extraContainers: index == 0 ? sidecar : [])
                #expect(problems.isEmpty, "\(object["metadata"]?["name"] ?? nil) pod \(index): \(problems)")
                checked += 1
            }
        }
        #expect(checked >= 9)
        let students = try #require(desired.manifests.first { $0.key.kind == "Namespace" && $0.key.name == "students" })
        #expect(students.body["metadata"]?["labels"]?["pod-security.kubernetes.io/enforce"] == "restricted")
        let research = try #require(desired.manifests.first { $0.key.kind == "Namespace" && $0.key.name == "research" })
        #expect(research.body["metadata"]?["labels"]?["pod-security.kubernetes.io/enforce"] == "baseline")
    }

    @Test func theCheckRefusesWhatRestrictedRefuses() {
        let bare: JSONValue = ["containers": [["name": "ray-head"]]]
        #expect(Self.violations(bare).count == 4)
        let root: JSONValue = ["securityContext": ["runAsNonRoot": true, "runAsUser": 0, "seccompProfile": ["type": "RuntimeDefault"]],
                               "containers": [["name": "c", "securityContext": ["allowPrivilegeEscalation": false,
                                                                                "capabilities": ["drop": ["ALL"], "add": ["SYS_ADMIN"]]]]]]
        #expect(Set(Self.violations(root)) == ["c: capabilities added", "c: runs as root"])
    }

    @Test func aWorkloadMayNameItsImagesUser() throws {
        var repo = try TestRepo.template()
        try repo.replace("ray/students/ray-intro.yaml", "  rayVersion: \"2.52.0\"", with: "  rayVersion: \"2.52.0\"\n  securityContext:\n    runAsUser: 1500\n    runAsGroup: 1500\n    fsGroup: 1500")
        let dir = try repo.write()
        defer { try? FileManager.default.removeItem(at: dir) }
        let desired = try #require(try Pipeline().evaluate(path: dir.path).desired)
        let intro = try #require(desired.manifests.first { $0.key.kind == "RayCluster" && $0.key.name == "ray-intro" })
        let context = intro.body["spec"]?["headGroupSpec"]?["template"]?["spec"]?["securityContext"]
        #expect(context?["runAsUser"] == 1500 && context?["runAsGroup"] == 1500 && context?["fsGroup"] == 1500)
        try repo.replace("ray/students/ray-intro.yaml", "runAsUser: 1500", with: "runAsUser: 0")
        #expect(repo.load().diagnostics.contains { $0.severity == .error && $0.location?.path == "ray/students/ray-intro.yaml" })
    }
}
