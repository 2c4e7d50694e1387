import FairwayCore
import FairwayModel

/// The Kueue chart's values: the controller configuration (`config.kueue.x-k8s.io/v1beta2`, the
/// version the pinned chart 0.19.2 ships) that Fairway's queues rely on, merged over the chart's
/// own default configuration so that what Fairway does not set (controller concurrency, client
/// QPS, health and metrics addresses) stays as the chart ships it:
///
/// - fair sharing on (in v1beta2 the presence of `fairSharing` enables it) with both preemption
///   strategies, so the fairness prediction holds;
/// - the batch Job, Pod and Ray (RayJob, RayCluster, RayService) integrations; Kueue manages only
///   workloads with a queue name in tenant namespaces (labelled `fairway.dev/tenant`);
/// - `waitForPodsReady`: an admitted workload whose pods do not all run within
///   `spec.scheduling.podsReadyTimeout` (default 15m: a GPU node launch plus a multi-GB image pull)
///   gives its quota back and is requeued with backoff, so a job waiting for nodes that never come
///   does not hold a guarantee indefinitely.
struct KueueValues {
    let platform: Platform

    static let defaultPodsReadyTimeout = "15m"

    /// The configuration the chart (0.19.2) ships in `managerConfig.controllerManagerConfigYaml`.
    static let chartDefaults: JSONValue = [
        "apiVersion": "config.kueue.x-k8s.io/v1beta2",
        "kind": "Configuration",
        "health": ["healthProbeBindAddress": ":8081"],
        "metrics": ["bindAddress": ":8443"],
        "webhook": ["port": 9443],
        "leaderElection": ["leaderElect": true, "resourceName": "c1f6bfd2.kueue.x-k8s.io"],
        "controller": ["groupKindConcurrency": [
            "Job.batch": 5, "Pod": 5, "Workload.kueue.x-k8s.io": 10, "LocalQueue.kueue.x-k8s.io": 5,
            "ClusterQueue.kueue.x-k8s.io": 5, "ResourceFlavor.kueue.x-k8s.io": 1,
        ]],
        "clientConnection": ["qps": 300, "burst": 500],
        "integrations": ["frameworks": [
            "batch/job", "kubeflow.org/mpijob", "ray.io/rayjob", "ray.io/rayservice", "ray.io/raycluster",
            "jobset.x-k8s.io/jobset", "workload.codeflare.dev/appwrapper", "trainer.kubeflow.org/trainjob", "pod",
            "deployment", "statefulset", "leaderworkerset.x-k8s.io/leaderworkerset",
        ]],
    ]

    /// The integrations Fairway's workloads use.
    static let frameworks: [JSONValue] = ["batch/job", "pod", "ray.io/rayjob", "ray.io/raycluster", "ray.io/rayservice"]

    /// What Fairway sets, before merging over the chart's defaults.
    var overrides: JSONValue {
        let timeout = platform.cluster?.spec.scheduling?.podsReadyTimeout?.description ?? Self.defaultPodsReadyTimeout
        return [
            "apiVersion": "config.kueue.x-k8s.io/v1beta2",
            "kind": "Configuration",
            "manageJobsWithoutQueueName": false,
            "managedJobsNamespaceSelector": [
                "matchExpressions": [["key": .string(Ownership.tenantLabel), "operator": "Exists"]],
            ],
            "integrations": ["frameworks": .array(Self.frameworks)],
            "fairSharing": ["preemptionStrategies": ["LessThanOrEqualToFinalShare", "LessThanInitialShare"]],
            "waitForPodsReady": [
                "timeout": .string(timeout),
                "blockAdmission": false,
                "requeuingStrategy": ["timestamp": "Eviction", "backoffBaseSeconds": 60, "backoffMaxSeconds": 3600],
            ],
        ]
    }

    var configuration: JSONValue { Self.chartDefaults.merging(overrides) }

    var values: JSONValue {
        // The chart takes the configuration as one YAML string.
        ["managerConfig": ["controllerManagerConfigYaml": .string(configuration.embeddedYAML)]]
    }
}
