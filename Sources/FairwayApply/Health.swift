import FairwayCore

/// Whether an object is ready, read from its status the way the controllers that own it write it.
/// Only kinds with a defined readiness are judged; everything else is ready once the API accepts it.
public enum Health: Sendable, Equatable {
    case ready(String)
    case progressing(String)
    case failed(String)

    /// The object's health, or nil when none is defined for its kind.
    public static func of(_ object: JSONValue, kind: String) -> Health? {
        switch kind {
        case "CustomResourceDefinition": return customResourceDefinition(object)
        case "Deployment": return deployment(object)
        case "RayCluster": return rayCluster(object)
        default: return nil
        }
    }


    static func condition(_ object: JSONValue, _ type: String) -> JSONValue? {
        object["status"]?["conditions"]?.arrayValue?.first { $0["type"]?.stringValue == type }
    }

    static func isTrue(_ condition: JSONValue?) -> Bool { condition?["status"]?.stringValue == "True" }

    static func customResourceDefinition(_ object: JSONValue) -> Health {
        if let names = condition(object, "NamesAccepted"), names["status"]?.stringValue == "False" {
            return .failed("names not accepted: \(names["message"]?.stringValue ?? "")")
        }
        return isTrue(condition(object, "Established")) ? .ready("established") : .progressing("not established yet")
    }

    /// Available, and the controller has seen the latest generation and rolled all replicas out.
    static func deployment(_ object: JSONValue) -> Health {
        let generation = object["metadata"]?["generation"]?.intValue ?? 0
        let observed = object["status"]?["observedGeneration"]?.intValue ?? -1
        if let progressing = condition(object, "Progressing"), progressing["reason"]?.stringValue == "ProgressDeadlineExceeded" {
            return .failed("progress deadline exceeded: \(progressing["message"]?.stringValue ?? "")")
        }
        guard observed >= generation else { return .progressing("generation \(generation) not observed yet") }
        let wanted = object["spec"]?["replicas"]?.intValue ?? 1
        let updated = object["status"]?["updatedReplicas"]?.intValue ?? 0
        let available = object["status"]?["availableReplicas"]?.intValue ?? 0
        guard updated >= wanted, available >= wanted else {
            return .progressing("\(available)/\(wanted) replicas available")
        }
        return isTrue(condition(object, "Available")) || wanted == 0 ? .ready("available") : .progressing("not available yet")
    }

    /// KubeRay's `status.state` (`ready`, `failed`, `suspended`) and conditions. A cluster Kueue holds
    /// suspended until it is admitted is healthy: it waits for quota, not for Fairway.
    static func rayCluster(_ object: JSONValue) -> Health {
        if object["spec"]?["suspend"] == .bool(true) { return .ready("queued by Kueue (suspended)") }
        if let failure = condition(object, "RayClusterReplicaFailure"), isTrue(failure) {
            return .failed(failure["message"]?.stringValue ?? failure["reason"]?.stringValue ?? "replica failure")
        }
        switch object["status"]?["state"]?.stringValue {
        case "ready"?: return .ready("ready")
        case "suspended"?: return .ready("queued by Kueue (suspended)")
        case "failed"?: return .failed(object["status"]?["reason"]?.stringValue ?? "the cluster failed")
        default:
            if isTrue(condition(object, "HeadPodReady")), isTrue(condition(object, "RayClusterProvisioned")) { return .ready("ready") }
            return .progressing("head pod not ready yet")
        }
    }
}
