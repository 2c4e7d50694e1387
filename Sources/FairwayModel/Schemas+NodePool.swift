extension KindSchemas {
    static let nodePool = ObjectSchema("A pool of CPU or GPU nodes.", [
        Field("provisioner", .enumeration(["karpenter", "managedNodeGroup"]), required: true,
              "Karpenter NodePool, or EKS managed node group."),
        Field("gpu", .object(ObjectSchema("The GPUs of the pool; absent for CPU pools.", [
            Field("class", .dnsLabel, required: true, "GPU class in the fairness policy."),
            Field("model", .text, required: true, "GPU model as Karpenter names it (`a10g`, `a100`, `h100`, `l4`)."),
            Field("sharing", .object(ObjectSchema("How one GPU is shared.", [
                Field("mode", .enumeration(["none", "timeSlicing", "mig"]), required: true, "Sharing mode."),
                Field("replicas", .integer(min: 2, max: 64), "Time-slicing replicas per GPU."),
                Field("layout", .text, "MIG layout (a mig-parted config name such as `all-1g.10gb`)."),
            ])), "Sharing; default none."),
        ])), "GPUs."),
        Field("instances", .object(ObjectSchema("Instance choice.", exclusive: [["types", "families"]], [
            Field("types", .list(.text, minItems: 1), "Instance types."),
            Field("families", .list(.text, minItems: 1), "Instance families (Karpenter only)."),
            Field("sizes", .list(.text, minItems: 1), "Instance sizes, with families."),
            Field("capacityTypes", .list(.enumeration(["spot", "on-demand"]), minItems: 1),
                  "Capacity types; default on-demand."),
            Field("arch", .enumeration(["amd64", "arm64"]), "CPU architecture; default amd64."),
            Field("zones", .list(.text, minItems: 1), "Availability zones of the cluster's region."),
        ])), required: true, "Instances."),
        Field("os", .object(ObjectSchema("Node image.", [
            Field("image", .enumeration(["al2023", "bottlerocket"]), required: true, "Image family."),
            Field("version", .text, "Image version; default latest."),
        ])), "Operating system; default al2023."),
        Field("capacity", .object(ObjectSchema("Node counts.", [
            Field("minNodes", .nodeCount, "Fewest nodes."),
            Field("desiredNodes", .nodeCount, "Desired nodes (managed node groups)."),
            Field("maxNodes", .nodeCount, required: true, "Most nodes; sets the pool's GPU capacity."),
        ])), required: true, "Capacity."),
        Field("labels", .map(.string(.labelValue), keyFormat: .labelKey),
              "Node labels; not in Kubernetes' or Karpenter's own domains (`kubernetes.io`, `k8s.io`, `karpenter.sh`) but `node.kubernetes.io`."),
        Field("taints", .list(.object(ObjectSchema("A node taint.", [
            Field("key", .string(.labelKey), required: true, "Key."),
            Field("value", .text, "Value."),
            Field("effect", .enumeration(["NoSchedule", "PreferNoSchedule", "NoExecute"]), required: true, "Effect."),
        ]))), "Taints; GPU pools get `nvidia.com/gpu:NoSchedule` by default."),
        Field("disruption", .object(ObjectSchema("Karpenter disruption.", [
            Field("consolidationPolicy", .enumeration(["WhenEmpty", "WhenEmptyOrUnderutilized"]), "Policy."),
            Field("consolidateAfter", .string(.karpenterDuration), "Wait before consolidating (`30s`, `10m`, `1h30m` or `Never`)."),
            Field("expireAfter", .string(.karpenterDuration), "Node lifetime (`720h`, or `Never`); default 720h."),
        ])), "Disruption (Karpenter only)."),
        Field("weight", .integer(min: 1, max: 100), "Karpenter pool weight."),
    ])
}
