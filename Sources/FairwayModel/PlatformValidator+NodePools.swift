import FairwayCore

extension PlatformValidator {
    mutating func checkNodePools() {
        for pool in platform.nodePools {
            let spec = pool.spec
            let instances = spec.instances
            if spec.provisioner == .managedNodeGroup {
                if instances.types == nil {
                    error("missing-field", "an EKS managed node group needs `instances.types`",
                          pool.location("spec", "instances"), hint: "managed node groups take explicit instance types")
                }
                if (instances.capacityTypes ?? []).count > 1 {
                    error("invalid-value", "an EKS managed node group has one capacity type",
                          pool.location("spec", "instances", "capacityTypes"))
                }
                if spec.disruption != nil {
                    error("invalid-for-provisioner", "`disruption` applies to Karpenter pools only",
                          pool.keyLocation("spec", "disruption"))
                }
                if spec.weight != nil {
                    error("invalid-for-provisioner", "`weight` applies to Karpenter pools only",
                          pool.keyLocation("spec", "weight"))
                }
            } else if spec.capacity.desiredNodes != nil {
                error("invalid-for-provisioner", "`desiredNodes` applies to managed node groups only",
                      pool.keyLocation("spec", "capacity", "desiredNodes"), hint: "Karpenter sizes its pools by demand")
            }
            if instances.families != nil, instances.sizes == nil {
                error("missing-field", "`instances.families` needs `instances.sizes`", pool.location("spec", "instances"))
            }
            checkCapacity(pool)
            if let gpu = spec.gpu { checkGPU(gpu, of: pool) }
        }
    }

    private mutating func checkCapacity(_ pool: Document<NodePoolSpec>) {
        let c = pool.spec.capacity
        let min = c.minNodes ?? 0
        if min > c.maxNodes {
            error("invalid-range", "minNodes (\(min)) is above maxNodes (\(c.maxNodes))",
                  pool.location("spec", "capacity", "minNodes"))
        }
        if let desired = c.desiredNodes, desired < min || desired > c.maxNodes {
            error("invalid-range", "desiredNodes (\(desired)) is outside minNodes..maxNodes (\(min)..\(c.maxNodes))",
                  pool.location("spec", "capacity", "desiredNodes"))
        }
    }

    private mutating func checkGPU(_ gpu: NodePoolSpec.GPU, of pool: Document<NodePoolSpec>) {
        let models = GPUCatalog.gpuModels
        guard models.contains(gpu.model) else {
            error("unknown-gpu-model", "GPU model '\(gpu.model)' is not an NVIDIA model on AWS",
                  pool.location("spec", "gpu", "model"), hint: Self.didYouMean(gpu.model, models))
            return
        }
        let instances = pool.spec.instances
        for (index, type) in (instances.types ?? []).enumerated() {
            let at = pool.location("spec", "instances", "types", .index(index))
            guard let info = GPUCatalog.instanceType(type) else {
                error("unknown-instance-type", "'\(type)' is not an instance type with NVIDIA GPUs", at,
                      hint: Self.didYouMean(type, GPUCatalog.instanceTypes.keys))
                continue
            }
            if info.gpuModel != gpu.model {
                error("gpu-model-mismatch", "\(type) carries \(info.gpuModel) GPUs, not \(gpu.model)", at)
            } else if info.gpuCount == 0 {
                error("gpu-model-mismatch", "\(type) offers a fraction of a GPU, which Fairway cannot count", at)
            }
        }
        for (index, family) in (instances.families ?? []).enumerated() {
            let matching = GPUCatalog.instanceTypes.values.filter { $0.family == family }
            if matching.isEmpty {
                error("unknown-instance-type", "'\(family)' is not an instance family with NVIDIA GPUs",
                      pool.location("spec", "instances", "families", .index(index)))
            } else if !matching.contains(where: { $0.gpuModel == gpu.model }) {
                error("gpu-model-mismatch", "family \(family) carries no \(gpu.model) GPUs",
                      pool.location("spec", "instances", "families", .index(index)))
            }
        }
        checkGPUCounts(gpu, of: pool)
        guard let sharing = gpu.sharing else { return }
        switch sharing.mode {
        case .none:
            if sharing.replicas != nil || sharing.layout != nil {
                error("invalid-value", "sharing mode none takes neither replicas nor layout",
                      pool.location("spec", "gpu", "sharing", "mode"))
            }
        case .timeSlicing:
            guard let replicas = sharing.replicas else {
                error("missing-field", "time slicing needs `replicas`", pool.location("spec", "gpu", "sharing"))
                return
            }
            let limit = platform.sharingPolicies.compactMap { $0.spec.timeSlicing?.maxReplicas }.min()
            if let limit, replicas > limit {
                error("sharing-forbidden", "time-slicing replicas \(replicas) exceed the sharing policy's maxReplicas \(limit)",
                      pool.location("spec", "gpu", "sharing", "replicas"))
            }
        case .mig:
            checkMIGLayout(sharing.layout, gpu: gpu, of: pool)
        }
    }

    /// A pool whose instance types carry different numbers of GPUs is counted at the smallest (what
    /// is surely there), while Karpenter's limit lets it grow to the largest: say so, with both numbers.
    private mutating func checkGPUCounts(_ gpu: NodePoolSpec.GPU, of pool: Document<NodePoolSpec>) {
        let counts = GPUCatalog.instanceTypes(of: pool.spec).filter { $0.gpuModel == gpu.model && $0.gpuCount > 0 }.map(\.gpuCount)
        guard let smallest = counts.min(), let largest = counts.max(), smallest != largest else { return }
        let nodes = pool.spec.capacity.maxNodes
        let at = pool.spec.instances.types == nil ? pool.location("spec", "instances") : pool.location("spec", "instances", "types")
        warning("mixed-gpu-counts",
                "instance types with \(smallest) to \(largest) GPUs per node: guarantees count \(smallest) per node "
                    + "(\(nodes.saturatingMultiplied(by: smallest)) in all), while the pool may grow to \(nodes.saturatingMultiplied(by: largest))",
                at, hint: "list instance types with one GPU count, or split the pool by size")
    }

    private mutating func checkMIGLayout(_ layout: String?, gpu: NodePoolSpec.GPU, of pool: Document<NodePoolSpec>) {
        guard let layout else {
            error("missing-field", "MIG sharing needs a `layout`", pool.location("spec", "gpu", "sharing"))
            return
        }
        let types = pool.spec.instances.types
            ?? GPUCatalog.instanceTypes.values.filter { pool.spec.instances.families?.contains($0.family) == true }.map(\.name)
        for type in types.sorted() where GPUCatalog.instanceType(type)?.gpuModel == gpu.model {
            guard let model = GPUCatalog.migModel(forInstanceType: type) else {
                error("mig-unsupported", "\(type) GPUs do not support MIG", pool.location("spec", "gpu", "sharing", "mode"))
                return
            }
            if model.layouts[layout] == nil {
                error("unknown-mig-layout", "'\(layout)' is not a MIG layout of \(model.model)",
                      pool.location("spec", "gpu", "sharing", "layout"),
                      hint: Self.didYouMean(layout, model.layouts.keys))
                return
            }
        }
    }
}
