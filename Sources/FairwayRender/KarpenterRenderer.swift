import FairwayCore
import FairwayFairness
import FairwayModel

/// Renders each Karpenter node pool as a `karpenter.sh/v1` NodePool and its `karpenter.k8s.aws/v1`
/// EC2NodeClass: requirements from instance types (or families and sizes), capacity types, zones,
/// architecture and GPU model; a GPU limit from maxNodes; taints (GPU pools get
/// `nvidia.com/gpu:NoSchedule`); disruption; and an AL2023 or Bottlerocket AMI alias.
struct KarpenterRenderer {
    let pool: Document<NodePoolSpec>
    let karpenter: ClusterSpec.EKS.Karpenter

    func render() -> [Manifest] {
        guard pool.spec.provisioner == .karpenter else { return [] }
        return [nodePool(), nodeClass()]
    }

    private var meta: MetadataBuilder { MetadataBuilder(sourcePath: pool.path) }

    private func requirement(_ key: String, _ values: [String]) -> JSONValue {
        ["key": .string(key), "operator": "In", "values": .array(values.map { .string($0) })]
    }

    private func nodePool() -> Manifest {
        let spec = pool.spec
        let instances = spec.instances
        var requirements: [JSONValue] = []
        if let types = instances.types {
            requirements.append(requirement("node.kubernetes.io/instance-type", types))
        } else {
            if let families = instances.families { requirements.append(requirement("karpenter.k8s.aws/instance-family", families)) }
            if let sizes = instances.sizes { requirements.append(requirement("karpenter.k8s.aws/instance-size", sizes)) }
        }
        requirements.append(requirement("karpenter.sh/capacity-type", instances.capacityTypes ?? ["on-demand"]))
        requirements.append(requirement("kubernetes.io/arch", [instances.arch ?? "amd64"]))
        if let zones = instances.zones { requirements.append(requirement("topology.kubernetes.io/zone", zones)) }
        if let gpu = spec.gpu { requirements.append(requirement("karpenter.k8s.aws/instance-gpu-name", [gpu.model])) }

        var labels = JSONObject()
        for (key, value) in GPUNodeLabels.of(pool) { labels[key] = .string(value) }
        var template: JSONObject = [
            ("nodeClassRef", ["group": "karpenter.k8s.aws", "kind": "EC2NodeClass", "name": .string(pool.name)]),
            ("requirements", .array(requirements)),
        ]
        let taints = KueueRenderer.taints(pool)
        if !taints.isEmpty {
            template["taints"] = .array(taints.map(\.object))
        }
        template["expireAfter"] = .string(spec.disruption?.expireAfter ?? "720h")
        var body: JSONObject = [
            ("apiVersion", "karpenter.sh/v1"), ("kind", "NodePool"), ("metadata", meta.metadata(name: pool.name)),
        ]
        var poolSpec: JSONObject = [
            ("template", ["metadata": ["labels": .object(labels)], "spec": .object(template)]),
            ("disruption", [
                "consolidationPolicy": .string(spec.disruption?.consolidationPolicy ?? "WhenEmptyOrUnderutilized"),
                "consolidateAfter": .string(spec.disruption?.consolidateAfter ?? "0s"),
            ]),
        ]
        if spec.gpu != nil {
            // Physical GPUs (time slices and MIG devices are advertised by the device plugin, not by Karpenter).
            let perNode = GPUCapacity.instanceTypes(of: spec).filter { $0.gpuModel == spec.gpu?.model }.map(\.gpuCount).max() ?? 0
            poolSpec["limits"] = ["nvidia.com/gpu": .string(String(spec.capacity.maxNodes * perNode))]
        }
        if let weight = spec.weight { poolSpec["weight"] = .int(Int64(weight)) }
        body["spec"] = .object(poolSpec)
        return .rendered(.object(body))
    }

    private func nodeClass() -> Manifest {
        let os = pool.spec.os
        let family = os?.image ?? "al2023"
        let alias = "\(family)@\(os?.version ?? "latest")"
        let discovery: JSONValue = ["tags": ["karpenter.sh/discovery": .string(karpenter.discoveryTag)]]
        return .rendered([
            "apiVersion": "karpenter.k8s.aws/v1", "kind": "EC2NodeClass", "metadata": meta.metadata(name: pool.name),
            "spec": [
                "role": .string(karpenter.nodeRole),
                "amiSelectorTerms": [["alias": .string(alias)]],
                "subnetSelectorTerms": [discovery],
                "securityGroupSelectorTerms": [discovery],
                "tags": ["fairway.dev/nodepool": .string(pool.name)],
            ],
        ])
    }
}
