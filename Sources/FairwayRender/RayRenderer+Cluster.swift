import FairwayCore
import FairwayModel

/// The Ray cluster part shared by the three kinds (RayCluster `spec`, RayJob `rayClusterSpec`,
/// RayService `rayClusterConfig`): autoscaler, head group and worker groups.
///
/// Pods run as the tenant's workload ServiceAccount (its IAM role reaches the tenant's data) at the
/// workload's priority class. Containers request what they limit (Guaranteed CPU and memory, and
/// Kueue counts requests). The head never gets a GPU; GPU workers request `nvidia.com/gpu` (whole
/// GPUs or time slices) or `nvidia.com/mig-<profile>`, select and tolerate the class's nodes
/// (`RayPlacement`). Ray's `num-gpus` is left to KubeRay for `nvidia.com/gpu`, which it derives from
/// the limit; for any other accelerator resource (MIG devices, or renamed time slices such as
/// `nvidia.com/gpu.shared`) it is set to the count: KubeRay 1.7 recognises only MIG names of the
/// `mig-<N>g.<M>gb` form and earlier releases none, and an explicit value is the one KubeRay uses.
extension RayRenderer {
    static let gpuResource = "nvidia.com/gpu"

    func clusterSpec() -> JSONObject {
        var out: JSONObject = [("rayVersion", .string(spec.rayVersion))]
        if autoscales {
            out["enableInTreeAutoscaling"] = true
            // Autoscaler v2 (KubeRay >= 1.4 field; the operator sets RAY_enable_autoscaler_v2 and restartPolicy Never).
            var options: JSONObject = [("version", "v2")]
            if let idle = spec.autoscaling?.idleTimeoutSeconds { options["idleTimeoutSeconds"] = .int(Int64(idle)) }
            options["securityContext"] = Self.containerSecurityContext
            out["autoscalerOptions"] = .object(options)
        }
        out["headGroupSpec"] = headGroup()
        out["workerGroupSpecs"] = .array(spec.groups.map(workerGroup))
        return out
    }

    private func headGroup() -> JSONValue {
        var ports: [JSONValue] = [port("gcs-server", 6379), port("dashboard", 8265), port("client", 10001)]
        if workload.kind == .rayService { ports.append(port("serve", 8000)) }
        let container: JSONObject = [
            ("name", "ray-head"), ("image", .string(spec.image)), ("ports", .array(ports)),
            ("resources", resources(cpu: spec.head.cpu, memory: spec.head.memory, accelerator: nil)),
            ("securityContext", Self.containerSecurityContext),
        ]
        return [
            "rayStartParams": .object(Self.rayStartParams(spec.head.rayStartParams ?? [:])),
            "template": ["spec": .object(podSpec(container, gpu: false))],
        ]
    }

    private func workerGroup(_ group: RayWorkloadSpec.WorkerGroup) -> JSONValue {
        let accelerator = RayPlacement.accelerator(group.resources, in: placement)
        var params = JSONObject()
        if let accelerator, accelerator.resource != Self.gpuResource {
            params["num-gpus"] = .string(String(accelerator.count))
        }
        let container: JSONObject = [
            ("name", "ray-worker"), ("image", .string(spec.image)),
            ("resources", resources(cpu: group.resources.cpu, memory: group.resources.memory, accelerator: accelerator)),
            ("securityContext", Self.containerSecurityContext),
        ]
        return [
            "groupName": .string(group.name),
            "replicas": .int(Int64(group.replicas)),
            "minReplicas": .int(Int64(group.effectiveMin)),
            "maxReplicas": .int(Int64(group.effectiveMax)),
            "rayStartParams": .object(params),
            "template": ["spec": .object(podSpec(container, gpu: accelerator != nil))],
        ]
    }

    private func podSpec(_ container: JSONObject, gpu: Bool) -> JSONObject {
        var pod: JSONObject = [("containers", [.object(container)]), ("securityContext", podSecurityContext)]
        if gpu {
            let selector = placement?.nodeSelector ?? []
            if !selector.isEmpty { pod["nodeSelector"] = .object(JSONObject(selector.map { ($0.key, .string($0.value)) })) }
            pod["tolerations"] = .array((placement?.tolerations ?? [RayPlacement.gpuTaint]).map(\.toleration))
        }
        if let priorityClass { pod["priorityClassName"] = .string(priorityClass) }
        if let account = tenant.spec.serviceAccount { pod["serviceAccountName"] = .string(account.name) }
        if elastic, workload.kind != .rayJob { pod["schedulingGates"] = [["name": .string(Self.elasticJobGate)]] }
        return pod
    }

    private func resources(cpu: Quantity, memory: Quantity, accelerator: (resource: String, count: Int)?) -> JSONValue {
        var amounts: JSONObject = [("cpu", .string(cpu.text)), ("memory", .string(memory.text))]
        if let accelerator { amounts[accelerator.resource] = .string(String(accelerator.count)) }
        return ["requests": .object(amounts), "limits": .object(amounts)]
    }

    private func port(_ name: String, _ number: Int) -> JSONValue {
        // The protocol is spelled out: it is part of the ports list's merge key, so leaving it to
        // the server's default would make a server-side re-apply see new ports.
        ["name": .string(name), "containerPort": .int(Int64(number)), "protocol": "TCP"]
    }

    /// `ray start` parameters, sorted, every value a string as the CRD requires (`"0"`, not `0`).
    static func rayStartParams(_ params: [String: JSONValue]) -> JSONObject {
        JSONObject(params.keys.sorted().map { key in
            let value: String
            switch params[key]! {
            case let .string(s): value = s
            case let .int(i): value = String(i)
            case let .double(d): value = d == d.rounded() && abs(d) < 1e15 ? String(Int64(d)) : String(d)
            case let .bool(b): value = b ? "true" : "false"
            case .null: value = ""
            case let other: value = JSONWriter.string(other)
            }
            return (key, .string(value))
        })
    }
}
