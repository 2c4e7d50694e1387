import FairwayCore
import FairwayModel

/// The Kueue chart's values: the controller configuration Fairway's queues rely on. Fair sharing
/// is on (ClusterQueues carry fair-sharing weights), the Ray and batch integrations are enabled, and
/// Kueue manages only jobs in tenant namespaces (labelled `fairway.dev/tenant`), so system
/// namespaces are never queued.
struct KueueValues {
    let platform: Platform

    var configuration: JSONValue {
        [
            "apiVersion": "config.kueue.x-k8s.io/v1beta1",
            "kind": "Configuration",
            "health": ["healthProbeBindAddress": ":8081"],
            "metrics": ["bindAddress": ":8443"],
            "webhook": ["port": 9443],
            "leaderElection": ["leaderElect": true, "resourceName": "c1f6bfd2.kueue.x-k8s.io"],
            "manageJobsWithoutQueueName": false,
            "managedJobsNamespaceSelector": [
                "matchExpressions": [["key": .string(Ownership.tenantLabel), "operator": "Exists"]],
            ],
            "integrations": ["frameworks": ["batch/job", "ray.io/rayjob", "ray.io/raycluster"]],
            "fairSharing": [
                "enable": true,
                "preemptionStrategies": ["LessThanOrEqualToFinalShare", "LessThanInitialShare"],
            ],
        ]
    }

    var values: JSONValue {
        // The chart takes the configuration as one YAML string.
        ["managerConfig": ["controllerManagerConfigYaml": .string(configuration.embeddedYAML)]]
    }
}
