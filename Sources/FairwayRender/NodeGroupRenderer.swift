import FairwayCore
import FairwayModel

/// Renders the node pools whose provisioner is `managedNodeGroup` as EKS node groups: AL2023 (or
/// Bottlerocket) NVIDIA AMIs for GPU groups, scaling from capacity, labels for the GPU class and
/// NVIDIA's configuration, taints in EKS's effect names, and tags that mark the group as Fairway's.
struct NodeGroupRenderer {
    let pool: Document<NodePoolSpec>
    let cluster: Document<ClusterSpec>

    func render() -> NodeGroup? {
        guard pool.spec.provisioner == .managedNodeGroup else { return nil }
        let spec = pool.spec
        var create: JSONObject = [
            ("clusterName", .string(cluster.spec.eks.clusterName)),
            ("nodegroupName", .string(pool.name)),
            ("scalingConfig", scalingConfig),
            ("subnets", .array(cluster.spec.eks.subnets(forZones: spec.instances.zones).map(JSONValue.string))),
            ("instanceTypes", .array(Self.instanceTypes(spec.instances).map(JSONValue.string))),
            ("amiType", .string(Self.amiType(spec))),
            ("nodeRole", .string(cluster.spec.eks.nodeRoleArn)),
            ("labels", labels),
            ("taints", taints),
            ("tags", .object(JSONObject([
                (Ownership.managedByLabel, .string(Ownership.managedByValue)),
                (Ownership.sourceAnnotation, .string(pool.path)),
                (NodeGroup.poolTag, .string(pool.name)),
            ]))),
            ("capacityType", .string(Self.capacityType(spec.instances))),
            ("updateConfig", ["maxUnavailable": 1]),
        ]
        if let release = spec.os?.version { create["releaseVersion"] = .string(release) }
        let update: JSONValue = [
            "clusterName": .string(cluster.spec.eks.clusterName),
            "nodegroupName": .string(pool.name),
            "labels": ["addOrUpdateLabels": labels],
            "taints": ["addOrUpdateTaints": taints],
            "scalingConfig": scalingConfig,
            "updateConfig": ["maxUnavailable": 1],
        ]
        return NodeGroup(name: pool.name, sourcePath: pool.path, create: .object(create), updateConfig: update)
    }

    private var scalingConfig: JSONValue {
        let capacity = pool.spec.capacity
        let min = capacity.minNodes ?? 0
        return [
            "minSize": .int(Int64(min)),
            "maxSize": .int(Int64(capacity.maxNodes)),
            "desiredSize": .int(Int64(capacity.desiredNodes ?? min)),
        ]
    }

    private var labels: JSONValue {
        .object(JSONObject(GPUNodeLabels.of(pool).map { ($0.0, JSONValue.string($0.1)) }))
    }

    private var taints: JSONValue {
        .array(KueueRenderer.taints(pool).map { taint in
            var o: JSONObject = [("key", .string(taint.key))]
            if let value = taint.value { o["value"] = .string(value) }
            o["effect"] = .string(Self.eksEffect(taint.effect))
            return .object(o)
        })
    }

    /// `NoSchedule` -> `NO_SCHEDULE`, as the EKS API spells taint effects.
    static func eksEffect(_ effect: String) -> String {
        switch effect {
        case "NoSchedule": "NO_SCHEDULE"
        case "NoExecute": "NO_EXECUTE"
        case "PreferNoSchedule": "PREFER_NO_SCHEDULE"
        default: effect
        }
    }

    /// Instance types listed, or every family with every size.
    static func instanceTypes(_ instances: NodePoolSpec.Instances) -> [String] {
        if let types = instances.types { return types }
        return (instances.families ?? []).flatMap { family in (instances.sizes ?? []).map { "\(family).\($0)" } }
    }

    static func capacityType(_ instances: NodePoolSpec.Instances) -> String {
        instances.capacityTypes?.first == "spot" ? "SPOT" : "ON_DEMAND"
    }

    /// GPU groups get the NVIDIA variant of the image (Amazon Linux 2 is past end of support).
    static func amiType(_ spec: NodePoolSpec) -> String {
        let arm = spec.instances.arch == "arm64"
        let gpu = spec.gpu != nil
        switch (spec.os?.image ?? "al2023", arm, gpu) {
        case ("bottlerocket", false, false): return "BOTTLEROCKET_x86_64"
        case ("bottlerocket", true, false): return "BOTTLEROCKET_ARM_64"
        case ("bottlerocket", false, true): return "BOTTLEROCKET_x86_64_NVIDIA"
        case ("bottlerocket", true, true): return "BOTTLEROCKET_ARM_64_NVIDIA"
        case (_, false, false): return "AL2023_x86_64_STANDARD"
        case (_, true, false): return "AL2023_ARM_64_STANDARD"
        case (_, false, true): return "AL2023_x86_64_NVIDIA"
        case (_, true, true): return "AL2023_ARM_64_NVIDIA"
        }
    }
}
