import FairwayPipeline
import Foundation
import Testing
import FairwayAgent
import FairwayCore
import FairwayModel
import FairwayRender
import FairwaySource

/// The template's four Ray workloads rendered as KubeRay objects that Kueue queues: labels, GPU and
/// MIG resources with `num-gpus` where KubeRay does not derive it, node selection and tolerations
/// for the class, autoscaler v2 with Kueue's elastic-job marking, and the job and serve fields.
@Suite struct RayRenderTests {
    static func rendered() throws -> DesiredState {
        try #require(try Pipeline().evaluate(path: RepoPaths.template.path).desired)
    }

    static func object(_ desired: DesiredState, _ kind: String, _ namespace: String, _ name: String) throws -> JSONValue {
        try #require(desired.manifests.first {
            $0.key.kind == kind && $0.key.namespace == namespace && $0.key.name == name
        }?.body, "\(kind) \(namespace)/\(name) not rendered")
    }

    /// The Ray cluster part of a rendered object, whatever its kind.
    static func cluster(_ body: JSONValue) throws -> JSONValue {
        let spec = try #require(body["spec"])
        return spec["rayClusterSpec"] ?? spec["rayClusterConfig"] ?? spec
    }

    static func worker(_ body: JSONValue, _ index: Int = 0) throws -> JSONValue {
        let groups = try #require(try cluster(body)["workerGroupSpecs"]?.arrayValue)
        return groups[index]
    }

    static func podSpec(_ group: JSONValue?) throws -> JSONValue {
        try #require(group?["template"]?["spec"])
    }

    struct Expected: Sendable, CustomTestStringConvertible {
        let kind, namespace, name, tenant, queue, priority: String
        let accelerator: (resource: String, count: Int64)
        let numGPUs: String?
        let nodeSelector: JSONValue
        let autoscaling: Int64?
        var testDescription: String { "\(kind) \(namespace)/\(name)" }
    }

    static let gpuToleration: JSONValue = ["key": "nvidia.com/gpu", "operator": "Exists", "effect": "NoSchedule"]

    static let expected: [Expected] = [
        Expected(kind: "RayJob", namespace: "research", name: "qwen-finetune", tenant: "research", queue: "a100",
                 priority: "batch-high", accelerator: ("nvidia.com/gpu", 4), numGPUs: nil,
                 nodeSelector: ["fairway.dev/gpu-class": "a100"], autoscaling: nil),
        Expected(kind: "RayCluster", namespace: "research", name: "hpo-sweep", tenant: "research", queue: "h100-mig",
                 priority: "batch", accelerator: ("nvidia.com/mig-1g.10gb", 1), numGPUs: "1",
                 nodeSelector: ["fairway.dev/gpu-class": "h100-mig"], autoscaling: 300),
        Expected(kind: "RayCluster", namespace: "students", name: "ray-intro", tenant: "students", queue: "a10g-shared",
                 priority: "interactive", accelerator: ("nvidia.com/gpu", 1), numGPUs: nil,
                 nodeSelector: ["fairway.dev/gpu-class": "a10g-shared"], autoscaling: 600),
        Expected(kind: "RayService", namespace: "prod-inference", name: "qwen-chat", tenant: "prod-inference",
                 queue: "l4", priority: "serving-critical", accelerator: ("nvidia.com/gpu", 1), numGPUs: nil,
                 nodeSelector: ["fairway.dev/gpu-class": "l4"], autoscaling: 600),
    ]

    @Test(arguments: expected)
    func templateWorkload(_ e: Expected) throws {
        let desired = try Self.rendered()
        let body = try Self.object(desired, e.kind, e.namespace, e.name)
        #expect(body["apiVersion"] == "ray.io/v1")
        #expect(desired.tenantOf[try #require(Manifest(body: body)).key] == e.tenant)

        let labels = body["metadata"]?["labels"]
        #expect(labels?["kueue.x-k8s.io/queue-name"] == .string(e.queue))
        #expect(labels?["kueue.x-k8s.io/priority-class"] == .string(e.priority))
        #expect(labels?["fairway.dev/tenant"] == .string(e.tenant))
        #expect(labels?["app.kubernetes.io/managed-by"] == "fairway")
        // The queue and priority class the labels name are rendered too.
        #expect(desired.manifests.contains { $0.key.kind == "LocalQueue" && $0.key.namespace == e.namespace && $0.key.name == e.queue })
        #expect(desired.manifests.contains { $0.key.kind == "WorkloadPriorityClass" && $0.key.name == e.priority })
        // Kueue's webhook suspends queued workloads and admission resumes them: not Fairway's field.
        #expect(body["spec"]?["suspend"] == nil)

        let worker = try Self.worker(body)
        let container = try #require(try Self.podSpec(worker)["containers"]?.arrayValue?.first)
        #expect(container["name"] == "ray-worker")
        #expect(container["resources"]?["limits"]?[e.accelerator.resource] == .string(String(e.accelerator.count)))
        #expect(container["resources"]?["requests"] == container["resources"]?["limits"])
        #expect(worker["rayStartParams"]?["num-gpus"] == e.numGPUs.map(JSONValue.string))

        let pod = try Self.podSpec(worker)
        #expect(pod["nodeSelector"] == e.nodeSelector)
        #expect(pod["tolerations"]?.arrayValue?.contains(Self.gpuToleration) == true)
        #expect(pod["priorityClassName"] == .string(e.priority))

        let head = try #require(try Self.cluster(body)["headGroupSpec"])
        let headPod = try Self.podSpec(head)
        let headContainer = try #require(headPod["containers"]?.arrayValue?.first)
        #expect(headContainer["name"] == "ray-head")
        #expect(headContainer["resources"]?["limits"]?.objectValue?.keys.sorted() == ["cpu", "memory"])
        #expect(headPod["tolerations"] == nil)
        #expect(head["rayStartParams"]?["num-cpus"] == "0")

        let cluster = try Self.cluster(body)
        let elastic = body["metadata"]?["annotations"]?["kueue.x-k8s.io/elastic-job"]
        if let idle = e.autoscaling {
            #expect(cluster["enableInTreeAutoscaling"] == true)
            #expect(cluster["autoscalerOptions"] == ["version": "v2", "idleTimeoutSeconds": .int(idle),
                                                     "securityContext": ["allowPrivilegeEscalation": false,
                                                                         "capabilities": ["drop": ["ALL"]], "runAsNonRoot": true]])
            #expect(elastic == "true")
            let gate: JSONValue = [["name": "kueue.x-k8s.io/elastic-job"]]
            #expect(headPod["schedulingGates"] == gate && pod["schedulingGates"] == gate)
        } else {
            #expect(cluster["enableInTreeAutoscaling"] == nil && cluster["autoscalerOptions"] == nil)
            #expect(elastic == nil)
        }
    }

    @Test func rayJobFields() throws {
        let body = try Self.object(Self.rendered(), "RayJob", "research", "qwen-finetune")
        let job = try #require(body["spec"])
        #expect(job["entrypoint"]?.stringValue?.hasPrefix("python finetune.py --model Qwen/Qwen2.5-7B") == true)
        #expect(job["shutdownAfterJobFinishes"] == true)
        #expect(job["activeDeadlineSeconds"] == 43200)
        #expect(job["ttlSecondsAfterFinished"] == 600)
        let runtimeEnv = try JSONReader.parse(Array(try #require(job["runtimeEnvYAML"]?.stringValue).utf8))
        #expect(runtimeEnv["working_dir"] == "s3://example-ml-research-code/finetune/2025-06-20.zip")
        #expect(runtimeEnv["env_vars"]?["NCCL_DEBUG"] == "WARN")
        let worker = try Self.worker(body)
        #expect(worker["replicas"] == 3 && worker["minReplicas"] == 3 && worker["maxReplicas"] == 3)
        #expect(try Self.podSpec(worker)["serviceAccountName"] == "research-workloads")
    }

    @Test func rayServiceFields() throws {
        let body = try Self.object(Self.rendered(), "RayService", "prod-inference", "qwen-chat")
        let config = try JSONReader.parse(Array(try #require(body["spec"]?["serveConfigV2"]?.stringValue).utf8))
        let app = try #require(config["applications"]?.arrayValue?.first)
        #expect(app["import_path"] == "ray.serve.llm:build_openai_app")
        let ports = try Self.podSpec(try Self.cluster(body)["headGroupSpec"])["containers"]?.arrayValue?.first?["ports"]
        #expect(ports?.arrayValue?.contains(["name": "serve", "containerPort": 8000, "protocol": "TCP"]) == true)
        #expect(ports?.arrayValue?.contains(["name": "gcs-server", "containerPort": 6379, "protocol": "TCP"]) == true)
    }

    @Test func headRayStartParamsAreStrings() throws {
        var repo = try TestRepo.template()
        try repo.replace("ray/students/ray-intro.yaml", "num-cpus: \"0\"", with: "num-cpus: 0\n      block: true")
        let desired = try #require(Pipeline().evaluate(repo.snapshot).desired)
        let body = try Self.object(desired, "RayCluster", "students", "ray-intro")
        #expect(try Self.cluster(body)["headGroupSpec"]?["rayStartParams"] == ["block": "true", "num-cpus": "0"])
    }

    @Test func priorityFallsBackToTenantThenClusterDefault() throws {
        var repo = try TestRepo.template()
        try repo.replace("ray/research/hpo-sweep.yaml", "  priorityClass: batch\n", with: "")
        try repo.replace("tenants/research.yaml", "priorityClass: batch        #", with: "priorityClass: scavenger    #")
        try repo.replace("ray/students/ray-intro.yaml", "  priorityClass: interactive\n", with: "")
        try repo.replace("tenants/students.yaml", "    priorityClass: interactive\n", with: "")
        try repo.replace("tenants/students.yaml", "    - scavenger\n", with: "    - scavenger\n    - batch\n")
        let desired = try #require(Pipeline().evaluate(repo.snapshot).desired)
        let sweep = try Self.object(desired, "RayCluster", "research", "hpo-sweep")
        #expect(sweep["metadata"]?["labels"]?["kueue.x-k8s.io/priority-class"] == "scavenger")
        let intro = try Self.object(desired, "RayCluster", "students", "ray-intro")
        #expect(intro["metadata"]?["labels"]?["kueue.x-k8s.io/priority-class"] == "batch")
        #expect(try Self.podSpec(try Self.worker(intro))["priorityClassName"] == "batch")
    }

    @Test func severalPoolsShareTheClassLabel() throws {
        var repo = try TestRepo.template()
        let pool = try #require(repo.files["nodepools/gpu-l4-inference.yaml"])
        repo.files["nodepools/gpu-l4-spare.yaml"] = pool.replacingOccurrences(of: "name: gpu-l4-inference", with: "name: gpu-l4-spare")
        let desired = try #require(Pipeline().evaluate(repo.snapshot).desired)
        let body = try Self.object(desired, "RayService", "prod-inference", "qwen-chat")
        #expect(try Self.podSpec(try Self.worker(body))["nodeSelector"] == ["fairway.dev/gpu-class": "l4"])
    }

    /// The template with a blob id per file (derived from its content), as a Git source gives.
    static func snapshotWithBlobs(_ repo: TestRepo) -> SourceSnapshot {
        SourceSnapshot(origin: "test", revision: "test", files: repo.files.keys.sorted().map { path in
            let text = repo.files[path]!
            return SourceFile(path: path, bytes: Array(text.utf8), blobID: "\(text.count)-\(text.hashValue)")
        }, diagnostics: [])
    }

    @Test func cachedRenderingFollowsTheDocumentsItReads() throws {
        var repo = try TestRepo.template()
        let pipeline = Pipeline()
        let ray = { (d: DesiredState?) throws -> [String: JSONValue] in
            let manifests = try #require(d).manifests.filter { $0.key.group == "ray.io" }
            return Dictionary(uniqueKeysWithValues: manifests.map { ($0.key.name, $0.body) })
        }
        let first = try ray(pipeline.evaluate(Self.snapshotWithBlobs(repo)).desired)
        #expect(first.count == 4)
        #expect(try ray(pipeline.evaluate(Self.snapshotWithBlobs(repo)).desired) == first)
        // A tenant change (service account) and a pool change (taint) reach the cached workloads.
        try repo.replace("tenants/research.yaml", "name: research-workloads", with: "name: research-jobs")
        try repo.replace("nodepools/gpu-l4-inference.yaml", "  disruption:", with: """
              taints:
                - {key: dedicated, value: inference, effect: NoSchedule}
              disruption:
            """)
        let changed = try ray(pipeline.evaluate(Self.snapshotWithBlobs(repo)).desired)
        #expect(try Self.podSpec(try Self.worker(try #require(changed["hpo-sweep"])))["serviceAccountName"] == "research-jobs")
        let tolerations = try Self.podSpec(try Self.worker(try #require(changed["qwen-chat"])))["tolerations"]
        #expect(tolerations?.arrayValue?.contains(["key": "dedicated", "operator": "Equal", "value": "inference",
                                                    "effect": "NoSchedule"]) == true)
        #expect(changed["ray-intro"] == first["ray-intro"])
    }
}
