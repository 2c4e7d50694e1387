import FairwayCore
import FairwayModel

/// What every Ray pod Fairway renders runs with, so it passes the `restricted` Pod Security
/// Standard and the usual hardening checks: a non-root user (Ray images' `ray`, uid 1000, gid 100,
/// unless the workload names others), the runtime's default seccomp profile, no privilege
/// escalation and no capabilities. The autoscaler sidecar (`autoscalerOptions.securityContext`) and
/// the RayJob submitter (`submitterPodTemplate`) get the same.
extension RayRenderer {
    static let defaultUser = 1000
    static let defaultGroup = 100

    static let containerSecurityContext: JSONValue = [
        "allowPrivilegeEscalation": false,
        "capabilities": ["drop": ["ALL"]],
        "runAsNonRoot": true,
    ]

    var podSecurityContext: JSONValue {
        let ids = spec.securityContext
        return [
            "runAsNonRoot": true,
            "runAsUser": .int(Int64(ids?.runAsUser ?? Self.defaultUser)),
            "runAsGroup": .int(Int64(ids?.runAsGroup ?? Self.defaultGroup)),
            "fsGroup": .int(Int64(ids?.fsGroup ?? Self.defaultGroup)),
            "seccompProfile": ["type": "RuntimeDefault"],
        ]
    }

    /// The RayJob submitter's pod: the workload's image, the same requests Kueue counts for it
    /// (500m CPU, 200Mi, KubeRay's defaults) and the same security settings as the cluster's pods.
    /// KubeRay fills in the `ray job submit` command.
    var submitterPodTemplate: JSONValue {
        let amounts: JSONValue = ["cpu": "500m", "memory": "200Mi"]
        var pod: JSONObject = [
            ("restartPolicy", "Never"),
            ("securityContext", podSecurityContext),
            ("containers", [[
                "name": "ray-job-submitter", "image": .string(spec.image),
                "resources": ["requests": amounts, "limits": amounts],
                "securityContext": Self.containerSecurityContext,
            ]]),
        ]
        if let priorityClass { pod["priorityClassName"] = .string(priorityClass) }
        if let account = tenant.spec.serviceAccount { pod["serviceAccountName"] = .string(account.name) }
        return ["spec": .object(pod)]
    }
}
