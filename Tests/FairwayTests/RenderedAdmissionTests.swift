import FairwayAdmission
import FairwayAgent
import FairwayCore
import FairwayFairness
import FairwayModel
import FairwayPipeline
import Testing

/// The prediction holds on the rendered objects themselves: the template's rendered ResourceFlavors,
/// Cohorts, ClusterQueues, LocalQueues, WorkloadPriorityClasses and ray.io objects, converted to Kueue
/// Workloads the way Kueue v0.19.2 converts them (`raycluster.BuildPodSets`: the head, plus the
/// autoscaler sidecar under in-tree autoscaling, and each worker group; `rayjob.addSubmitterPodSet`:
/// the submitter in K8sJobMode, the default), at their peaks, and run through Kueue's scheduler
/// with all of them pending at once, settle inside every tenant's predicted band.
@Suite struct RenderedAdmissionTests {
    static func requests(_ podSpec: JSONValue?) -> [String: Int64] {
        var total: [String: Int64] = [:]
        for container in podSpec?["containers"]?.arrayValue ?? [] {
            for (name, value) in container["resources"]?["requests"]?.objectValue?.members ?? [] {
                guard let text = value.stringValue ?? value.intValue.map(String.init), let quantity = Quantity(text) else { continue }
                total[name, default: 0] += KueueObjects.amount(resource: name, quantity)
            }
        }
        return total
    }

    static func podSet(_ name: String, count: Int32, template: JSONValue?, extra: [String: Int64] = [:]) -> PodSet {
        let spec = template?["spec"]
        var requests = requests(spec)
        for (key, value) in extra { requests[key, default: 0] += value }
        return PodSet(name: name, count: count, requests: requests, nodeSelector: selector(spec?["nodeSelector"]),
                      tolerations: tolerations(spec?["tolerations"]))
    }

    /// A node selector map (a pod spec's, or KubeSpawner's `node_selector`).
    static func selector(_ value: JSONValue?) -> [String: String] {
        (value?.objectValue?.members ?? []).reduce(into: [String: String]()) { $0[$1.key] = $1.value.stringValue }
    }

    /// A tolerations list (a pod spec's, or KubeSpawner's `tolerations`).
    static func tolerations(_ value: JSONValue?) -> [Toleration] {
        (value?.arrayValue ?? []).map { t in
            Toleration(key: t["key"]?.stringValue ?? "", op: t["operator"] == "Exists" ? .exists : .equal,
                       value: t["value"]?.stringValue ?? "", effect: t["effect"]?.stringValue ?? "")
        }
    }

    /// A rendered RayJob, RayCluster or RayService as Kueue's Workload, every worker group at maxReplicas.
    static func workload(_ object: JSONValue, clusterQueue: String, priority: Int32) -> Workload {
        let kind = object["kind"]?.stringValue
        let cluster = kind == "RayJob" ? object["spec"]?["rayClusterSpec"]
            : kind == "RayService" ? object["spec"]?["rayClusterConfig"] : object["spec"]
        let autoscaler: [String: Int64] = cluster?["enableInTreeAutoscaling"] == true ? ["cpu": 500, "memory": 512 * 1_048_576] : [:]
        var podSets = [podSet("head", count: 1, template: cluster?["headGroupSpec"]?["template"], extra: autoscaler)]
        for group in cluster?["workerGroupSpecs"]?.arrayValue ?? [] {
            let peak = group["maxReplicas"]?.intValue ?? group["replicas"]?.intValue ?? 1
            podSets.append(podSet(group["groupName"]?.stringValue ?? "", count: Int32(peak), template: group["template"]))
        }
        if kind == "RayJob", (object["spec"]?["submissionMode"]?.stringValue ?? "K8sJobMode") == "K8sJobMode" {
            podSets.append(PodSet(name: "submitter", count: 1, requests: ["cpu": 500, "memory": 200 * 1_048_576]))
        }
        let name = "\(object["metadata"]?["namespace"]?.stringValue ?? "")/\(object["metadata"]?["name"]?.stringValue ?? "")"
        return Workload(name: name, clusterQueue: clusterQueue, priority: priority, podSets: podSets)
    }

    /// A tenant's GPU notebook servers at their peak (`maxGpuServers` of its largest profile in the
    /// class), each the pod KubeSpawner makes from the rendered profile's `kubespawner_override`
    /// (scripts/hub-spawn-check.py shows the real KubeSpawner doing so): one Kueue pod workload.
    static func notebooks(_ evaluation: Evaluation, profiles: [JSONValue], gpuClass: String,
                          localQueues: [String: String], priorities: [String: Int32]) -> [Workload] {
        var out: [Workload] = []
        for tenant in evaluation.platform.tenants {
            let servers = tenant.spec.notebooks?.maxGpuServers ?? 0
            let listed = Set(tenant.spec.notebooks?.profiles ?? [])
            let candidates = profiles.filter { listed.contains($0["slug"]?.stringValue ?? "")
                && $0["kubespawner_override"]?["extra_labels"]?["kueue.x-k8s.io/queue-name"] == .string(gpuClass) }
            func units(_ profile: JSONValue) -> Int64 {
                (profile["kubespawner_override"]?["extra_resource_limits"]?.objectValue?.members ?? [])
                    .compactMap { $0.value.stringValue.flatMap { Int64($0) } }.first ?? 0
            }
            guard servers > 0, let profile = candidates.max(by: { units($0) < units($1) }),
                  let clusterQueue = localQueues["\(tenant.spec.notebookNamespace)/\(gpuClass)"] else { continue }
            let override = profile["kubespawner_override"]
            var requests: [String: Int64] = [:]
            for (resource, value) in override?["extra_resource_limits"]?.objectValue?.members ?? [] {
                requests[resource] = Int64(value.stringValue ?? "") ?? 0
            }
            if let cpu = override?["cpu_guarantee"]?.doubleValue { requests["cpu"] = Int64((cpu * 1000).rounded()) }
            if let memory = override?["mem_guarantee"]?.intValue { requests["memory"] = Int64(memory) }
            let selector = Self.selector(override?["node_selector"]), tolerations = Self.tolerations(override?["tolerations"])
            let priority = priorities[tenant.spec.notebookPriorityClass ?? ""] ?? 0
            for index in 1...servers {
                out.append(Workload(name: "\(tenant.name)/notebook-\(index)", clusterQueue: clusterQueue, priority: priority,
                                    podSets: [PodSet(name: "main", count: 1, requests: requests, nodeSelector: selector,
                                                     tolerations: tolerations)]))
            }
        }
        return out
    }

    @Test func renderedObjectsSettleInsideThePredictedBands() throws {
        let evaluation = try Pipeline().evaluate(path: RepoPaths.template.path)
        let desired = try #require(evaluation.desired)
        let bodies = desired.manifests.map(\.body)
        func ofKind(_ kind: String) -> [JSONValue] { bodies.filter { $0["kind"]?.stringValue == kind } }
        let flavors = try ofKind("ResourceFlavor").map(KueueObjects.resourceFlavor)
        let localQueues = Dictionary(uniqueKeysWithValues: ofKind("LocalQueue").map {
            ("\($0["metadata"]?["namespace"]?.stringValue ?? "")/\($0["metadata"]?["name"]?.stringValue ?? "")",
             $0["spec"]?["clusterQueue"]?.stringValue ?? "")
        })
        let priorities = Dictionary(uniqueKeysWithValues: ofKind("WorkloadPriorityClass").map {
            ($0["metadata"]?["name"]?.stringValue ?? "", Int32($0["value"]?.intValue ?? 0))
        })
        let report = evaluation.fairness
        var checked = 0
        for cohortObject in ofKind("Cohort") {
            let cohort = try KueueObjects.cohort(cohortObject)
            let queueObjects = ofKind("ClusterQueue").filter { $0["spec"]?["cohortName"]?.stringValue == cohort.name }
            let queues = try queueObjects.map(KueueObjects.clusterQueue)
            let scheduler = try Scheduler(flavors: flavors, cohorts: [cohort], clusterQueues: queues)
            var creation: Int64 = 0
            for object in bodies where ["RayJob", "RayCluster", "RayService"].contains(object["kind"]?.stringValue ?? "") {
                let labels = object["metadata"]?["labels"]
                let local = "\(object["metadata"]?["namespace"]?.stringValue ?? "")/\(labels?["kueue.x-k8s.io/queue-name"]?.stringValue ?? "")"
                guard let clusterQueue = localQueues[local], queues.contains(where: { $0.name == clusterQueue }) else { continue }
                var workload = Self.workload(object, clusterQueue: clusterQueue,
                                             priority: priorities[labels?["kueue.x-k8s.io/priority-class"]?.stringValue ?? ""] ?? 0)
                workload.creation = creation
                creation += 1
                try scheduler.submit(workload)
            }
            let profiles = desired.helmReleases.first { $0.name == "jupyterhub" }?.values["singleuser"]?["profileList"]?.arrayValue ?? []
            for var notebook in Self.notebooks(evaluation, profiles: profiles, gpuClass: cohort.name,
                                               localQueues: localQueues, priorities: priorities) {
                notebook.creation = creation
                creation += 1
                try scheduler.submit(notebook)
            }
            #expect(scheduler.runUntilSteady().settled)
            let allocation = try #require(report.classes.first { $0.gpuClass == cohort.name })
            let resource = cohort.resourceGroups.first?.coveredResources.last ?? "nvidia.com/gpu"
            for tenant in allocation.tenants {
                guard let band = tenant.predicted else { continue }
                let held = Int(scheduler.usage(of: "\(tenant.tenant)-\(cohort.name)", resource: resource))
                // The policy's undeclared demand is not a rendered object, so only the declared workloads
                // replay here: a tenant holds at most its band's top.
                #expect(held <= band.max, "\(cohort.name) \(tenant.tenant): \(held) outside \(band)")
                if allocation.workloads.allSatisfy({ $0.kind != "demand" }) {
                    #expect(band.min <= held, "\(cohort.name) \(tenant.tenant): \(held) outside \(band)")
                }
                checked += 1
            }
        }
        #expect(checked >= 10)
    }
}
