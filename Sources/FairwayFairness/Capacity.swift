import FairwayCore
import FairwayModel

/// GPU capacity per class, in the units tenants are guaranteed: whole GPUs, time-sliced replicas,
/// or MIG devices.
public enum GPUCapacity {
    /// A pool's capacity: maxNodes x GPUs per node x (time-slicing replicas, or MIG devices per GPU).
    /// When a pool allows instance types with different GPU counts, the smallest count is used, so
    /// guarantees only ever rest on capacity that is surely there.
    public static func of(_ pool: NodePoolSpec) -> Int {
        of(withMaxNodes: pool.capacity.maxNodes, pool)
    }

    /// The capacity the pool would have with `maxNodes` nodes.
    public static func of(withMaxNodes maxNodes: Int, _ pool: NodePoolSpec) -> Int {
        guard let gpu = pool.gpu else { return 0 }
        let types = instanceTypes(of: pool).filter { $0.gpuModel == gpu.model && $0.gpuCount > 0 }
        guard let perNode = types.map(\.gpuCount).min() else { return 0 }
        let multiplier: Int
        switch gpu.sharingMode {
        case .none: multiplier = 1
        case .timeSlicing: multiplier = gpu.sharing?.replicas ?? 1
        case .mig:
            let devices = types.compactMap { type in
                GPUCatalog.migModel(forInstanceType: type.name)?.devicesPerGPU(layout: gpu.sharing?.layout ?? "")
            }
            multiplier = devices.min() ?? 0
        }
        return maxNodes.saturatingMultiplied(by: perNode).saturatingMultiplied(by: multiplier)
    }

    /// The catalogue entries a pool may launch: its types, or its families crossed with its sizes.
    public static func instanceTypes(of pool: NodePoolSpec) -> [GPUInstanceType] {
        GPUCatalog.instanceTypes(of: pool)
    }

    /// The unit each class's capacity counts: whole GPUs, time slices, or devices of one MIG profile
    /// (`mig:1g.10gb`; `mig` when a layout mixes profiles).
    public static func unitsByClass(_ platform: Platform) -> [String: String] {
        var units: [String: String] = [:]
        for pool in platform.nodePools {
            guard let gpu = pool.spec.gpu, units[gpu.class] == nil else { continue }
            switch gpu.sharingMode {
            case .none: units[gpu.class] = "gpu"
            case .timeSlicing: units[gpu.class] = "time-slice"
            case .mig:
                let profiles = instanceTypes(of: pool.spec).compactMap {
                    GPUCatalog.migModel(forInstanceType: $0.name)?.layouts[gpu.sharing?.layout ?? ""]
                }.first.map { Array($0.keys) } ?? []
                units[gpu.class] = profiles.count == 1 ? "mig:\(profiles[0])" : "mig"
            }
        }
        return units
    }

    /// Capacity of every class that has pools.
    public static func byClass(_ platform: Platform) -> [String: Int] {
        var capacity: [String: Int] = [:]
        for pool in platform.nodePools {
            guard let gpu = pool.spec.gpu else { continue }
            capacity[gpu.class] = (capacity[gpu.class] ?? 0).saturatingAdding(of(pool.spec))
        }
        return capacity
    }
}
