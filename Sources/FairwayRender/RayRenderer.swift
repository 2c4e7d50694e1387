import FairwayCore
import FairwayModel

/// Renders one Ray workload document as a `ray.io/v1` RayJob, RayCluster or RayService (KubeRay
/// v1.7) that Kueue (v0.19) queues: metadata with the tenant, queue-name and priority labels; the
/// cluster spec (head and worker groups, autoscaler); and the job or serve fields of its kind.
///
/// Kueue. A workload with a GPU class is Kueue-managed: `kueue.x-k8s.io/queue-name` names the
/// tenant's LocalQueue for the class (TenantRenderer names it after the class) and
/// `kueue.x-k8s.io/priority-class` the WorkloadPriorityClass (PriorityRenderer renders one per
/// priority class). `spec.suspend` is left to Kueue: its webhook creates a queued workload suspended
/// and admission unsuspends it, so Fairway owning the field would fight Kueue on every sync. Kueue
/// rejects in-tree autoscaling unless the workload is elastic (workload slices), so an autoscaling
/// workload carries `kueue.x-k8s.io/elastic-job: "true"`, and a RayCluster or RayService also the
/// `kueue.x-k8s.io/elastic-job` scheduling gate on its pod templates (Kueue's webhook requires it
/// on RayClusters and adds it to both, so rendering it keeps the desired object equal to the live
/// one). This needs Kueue's `ElasticJobsViaWorkloadSlices` feature gate (beta, on by default since
/// v0.18). A workload without a GPU class has no LocalQueue and is not queued.
///
/// Priority: the workload's class, else the tenant's default, else the cluster's default.
struct RayRenderer: Sendable {
    let workload: RayWorkload
    let tenant: Document<TenantSpec>
    /// The priority class in effect, already resolved (see `RayRenderer.priorityClass`).
    let priorityClass: String?
    /// Where the workload's GPU class runs; nil when the workload names no GPU class.
    let placement: RayPlacement?

    static let queueNameLabel = "kueue.x-k8s.io/queue-name"
    static let priorityClassLabel = "kueue.x-k8s.io/priority-class"
    static let elasticJobAnnotation = "kueue.x-k8s.io/elastic-job"
    static let elasticJobGate = "kueue.x-k8s.io/elastic-job"

    var spec: RayWorkloadSpec { workload.spec }
    var queued: Bool { spec.gpuClass != nil }
    var autoscales: Bool { spec.autoscaling?.enabled ?? false }
    /// Kueue treats the workload as elastic: it may grow and shrink while admitted.
    var elastic: Bool { queued && autoscales }
    var namespace: String { spec.namespace ?? tenant.spec.primaryNamespace }

    /// What the rendering depends on, when every document has a blob id: the workload document, its
    /// tenant (namespaces, service account, default priority), the priority class and the placement.
    var cacheKey: RenderCache.Key? {
        guard let blob = workload.document.blobID, let tenantBlob = tenant.blobID else { return nil }
        return .workload(path: workload.document.path, blobID: blob, tenantBlobID: tenantBlob, priorityClass: priorityClass,
                         placement: placement?.fingerprint)
    }

    func render() -> Manifest {
        var object: JSONObject = [
            ("apiVersion", "ray.io/v1"), ("kind", .string(workload.kind.rawValue)), ("metadata", metadata()),
        ]
        switch workload.kind {
        case .rayJob: object["spec"] = .object(jobSpec())
        case .rayService: object["spec"] = .object(serviceSpec())
        default:
            object["spec"] = .object(clusterSpec())
        }
        return .rendered(.object(object))
    }

    private func metadata() -> JSONValue {
        var labels: [(String, JSONValue)] = [(Ownership.tenantLabel, .string(workload.tenant))]
        if let gpuClass = spec.gpuClass {
            labels.append((Self.queueNameLabel, .string(gpuClass)))
            if let priorityClass { labels.append((Self.priorityClassLabel, .string(priorityClass))) }
        }
        var annotations: [(String, JSONValue)] = []
        if elastic { annotations.append((Self.elasticJobAnnotation, .string("true"))) }
        return MetadataBuilder(sourcePath: workload.document.path)
            .metadata(name: workload.name, namespace: namespace, labels: labels, annotations: annotations)
    }

    /// RayJob: KubeRay starts the cluster, submits the entrypoint and deletes the cluster when the job
    /// ends (Kueue requires `shutdownAfterJobFinishes`, or the finished cluster would hold quota).
    private func jobSpec() -> JSONObject {
        var out = JSONObject()
        if let job = spec.job {
            out["entrypoint"] = .string(job.entrypoint)
            if let env = job.runtimeEnv { out["runtimeEnvYAML"] = .string(JSONWriter.string(env, pretty: true)) }
        }
        out["shutdownAfterJobFinishes"] = true
        if let ttl = spec.job?.ttlSecondsAfterFinished { out["ttlSecondsAfterFinished"] = .int(Int64(ttl)) }
        if let deadline = spec.job?.activeDeadlineSeconds { out["activeDeadlineSeconds"] = .int(Int64(deadline)) }
        out["submitterPodTemplate"] = submitterPodTemplate
        out["rayClusterSpec"] = .object(clusterSpec())
        return out
    }

    /// RayService: the Serve config as the YAML string KubeRay expects (JSON is YAML), and the cluster.
    private func serviceSpec() -> JSONObject {
        var out = JSONObject()
        if let serve = spec.serve { out["serveConfigV2"] = .string(JSONWriter.string(serve.config, pretty: true)) }
        out["rayClusterConfig"] = .object(clusterSpec())
        return out
    }
}
