import FairwayCore

/// The status controllers would write, written at once so clients that wait see objects become
/// ready: namespaces active, CRDs established, and (unless turned off) workloads fully rolled out,
/// Ray clusters ready, pods running and claims bound. Derived from the object alone, so a dry run shows the same status.
/// Jobs are not here: they run to completion after they are stored, in status writes of their own
/// (`StoreState+Jobs`), as clients that watch them expect.
extension StoreState {
    mutating func writeControllerStatus(_ resource: ResourceType, _ object: inout JSONObject) {
        let since = object.metadata["creationTimestamp"] ?? .string(WallTime.now().rfc3339)
        func condition(_ type: String, _ reason: String) -> JSONValue {
            .object([("type", .string(type)), ("status", "True"), ("lastTransitionTime", since), ("reason", .string(reason)),
                     ("message", .string(reason))])
        }
        switch (resource.group, resource.kind) {
        case ("", "Namespace"):
            object["status"] = .object([("phase", "Active")])
        case ("apiextensions.k8s.io", "CustomResourceDefinition"):
            let storage = object["spec"]?["versions"]?.arrayValue?.first { $0["storage"] == .bool(true) }?["name"]
            object["status"] = .object([
                ("acceptedNames", object["spec"]?["names"] ?? .object(JSONObject())),
                ("conditions", [condition("NamesAccepted", "NoConflicts"), condition("Established", "InitialNamesAccepted")]),
                ("storedVersions", .array(storage.map { [$0] } ?? [])),
            ])
        default:
            guard simulateWorkloads else { return }
            writeWorkloadStatus(resource, &object, condition: condition)
        }
    }

    private func writeWorkloadStatus(_ resource: ResourceType, _ object: inout JSONObject,
                                     condition: (String, String) -> JSONValue) {
        let generation = object.metadata["generation"] ?? .int(1)
        let replicas = object["spec"]?["replicas"] ?? .int(1)
        switch (resource.group, resource.kind) {
        case ("apps", "Deployment"):
            object["status"] = .object([
                ("observedGeneration", generation), ("replicas", replicas), ("updatedReplicas", replicas),
                ("readyReplicas", replicas), ("availableReplicas", replicas),
                ("conditions", [condition("Available", "MinimumReplicasAvailable"), condition("Progressing", "NewReplicaSetAvailable")]),
            ])
        case ("apps", "StatefulSet"):
            object["status"] = .object([
                ("observedGeneration", generation), ("replicas", replicas), ("readyReplicas", replicas),
                ("currentReplicas", replicas), ("updatedReplicas", replicas), ("availableReplicas", replicas),
                ("currentRevision", .string("\(object.name)-1")), ("updateRevision", .string("\(object.name)-1")),
            ])
        case ("apps", "ReplicaSet"):
            object["status"] = .object([
                ("observedGeneration", generation), ("replicas", replicas), ("fullyLabeledReplicas", replicas),
                ("readyReplicas", replicas), ("availableReplicas", replicas),
            ])
        case ("apps", "DaemonSet"):
            object["status"] = .object([
                ("observedGeneration", generation), ("desiredNumberScheduled", 1), ("currentNumberScheduled", 1),
                ("numberReady", 1), ("updatedNumberScheduled", 1), ("numberAvailable", 1), ("numberMisscheduled", 0),
            ])
        case ("", "Pod"):
            object["status"] = .object([
                ("phase", "Running"),
                ("conditions", [condition("Initialized", "Initialized"), condition("Ready", "Ready"),
                                condition("ContainersReady", "ContainersReady"), condition("PodScheduled", "PodScheduled")]),
            ])
        case ("ray.io", "RayCluster"):
            // As the KubeRay operator reports it: suspended while Kueue holds it, ready otherwise.
            let suspended = object["spec"]?["suspend"] == .bool(true)
            var status: JSONObject = [("state", suspended ? "suspended" : "ready"), ("observedGeneration", generation)]
            if !suspended {
                status["conditions"] = [condition("RayClusterProvisioned", "AllPodRunningAndReadyFirstTime"),
                                        condition("HeadPodReady", "HeadPodRunningAndReady")]
            }
            object["status"] = .object(status)
        case ("", "PersistentVolumeClaim"):
            object["status"] = .object([("phase", "Bound")])
        case ("", "Service") where object["spec"]?["type"] == "LoadBalancer":
            object["status"] = .object([("loadBalancer", .object([("ingress", [.object([("ip", "127.0.0.1")])])]))])
        default:
            break
        }
    }
}
