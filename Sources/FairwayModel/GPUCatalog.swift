/// What Fairway knows about NVIDIA GPU hardware on AWS: GPUs per instance type, and MIG profiles
/// and layouts per GPU model. The tables are generated from the reference data
/// (`scripts/generate-embedded.py`) and checked against it by a test.
public enum GPUCatalog {
    /// The instance type's GPU facts, or nil for instances without NVIDIA GPUs.
    public static func instanceType(_ name: String) -> GPUInstanceType? { instanceTypes[name] }

    /// The MIG model of an instance type (MIG facts depend on the GPU's memory, so on the instance).
    public static func migModel(forInstanceType type: String) -> MIGModel? {
        migModels.first { $0.instanceTypes.contains(type) }
    }

    /// The catalogue entries a pool may launch: its types, or its families crossed with its sizes.
    public static func instanceTypes(of pool: NodePoolSpec) -> [GPUInstanceType] {
        if let types = pool.instances.types { return types.compactMap(instanceType) }
        let families = Set(pool.instances.families ?? [])
        let sizes = pool.instances.sizes.map(Set.init)
        return instanceTypes.values.filter { type in
            guard families.contains(type.family) else { return false }
            let size = type.name.split(separator: ".").dropFirst().joined(separator: ".")
            return sizes?.contains(size) ?? true
        }.sorted { $0.name < $1.name }
    }

    /// The GPU models Karpenter names (`a10g`, `a100`, ...), for messages.
    public static var gpuModels: [String] { Array(Set(instanceTypes.values.map(\.gpuModel))).sorted() }
}

/// One EC2 instance type with NVIDIA GPUs.
public struct GPUInstanceType: Sendable, Hashable {
    public let name: String
    public let family: String
    public let gpuModel: String
    public let gpuCount: Int
    public let gpuMemoryMiB: Int
    public let vcpu: Int
    public let memoryMiB: Int
    public let arch: String
}

/// One MIG profile of a GPU model.
public struct MIGProfile: Sendable, Hashable {
    public let name: String
    public let computeSlices: Int
    public let memorySlices: Int
    public let maxInstances: Int
    /// The extended resource the device plugin advertises under the mixed strategy.
    public let resource: String
}

/// A MIG-capable GPU model with its profiles and named (mig-parted) layouts.
public struct MIGModel: Sendable, Hashable {
    public let model: String
    public let instanceTypes: [String]
    public let gpuModel: String
    public let profiles: [MIGProfile]
    /// Layout name -> devices of each profile per GPU.
    public let layouts: [String: [String: Int]]

    /// MIG devices one GPU offers under the layout.
    public func devicesPerGPU(layout: String) -> Int? {
        layouts[layout].map { $0.values.reduce(0, +) }
    }
}
