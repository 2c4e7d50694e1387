import FairwayCore
import FairwayModel

/// Values for NVIDIA's GPU stack, either the GPU operator or the plain device plugin: one device
/// plugin configuration per time-sliced pool (selected on its nodes by the
/// `nvidia.com/device-plugin.config` label, see `GPUNodeLabels`), a plain default for every other
/// GPU node, and the MIG strategy of the sharing policy. MIG layouts are the MIG manager's named
/// layouts, chosen per node by the `nvidia.com/mig.config` label.
struct GPUStackValues {
    let platform: Platform
    /// `gpu-operator` or `device-plugin`.
    let type: String

    static let configMapName = "fairway-device-plugin-config"
    static let defaultConfig = "default"

    var releaseName: String { type == "device-plugin" ? "nvidia-device-plugin" : "gpu-operator" }

    var repository: String {
        type == "device-plugin" ? "https://nvidia.github.io/k8s-device-plugin" : "https://helm.ngc.nvidia.com/nvidia"
    }

    var migStrategy: String {
        platform.sharingPolicies.compactMap(\.spec.mig?.strategy).first ?? "mixed"
    }

    /// Device plugin configurations by name, as the YAML documents the plugin reads.
    var deviceConfigs: [(String, String)] {
        let flags: JSONValue = ["migStrategy": .string(migStrategy)]
        let plain: JSONValue = ["version": "v1", "flags": flags]
        var configs = [(Self.defaultConfig, plain.embeddedYAML)]
        for pool in platform.nodePools where pool.spec.gpu?.sharingMode == .timeSlicing {
            let replicas = pool.spec.gpu?.sharing?.replicas ?? 1
            let config: JSONValue = [
                "version": "v1",
                "flags": flags,
                "sharing": ["timeSlicing": [
                    // Keep the resource name nvidia.com/gpu: Kueue's quotas and KubeRay's num-gpus use it.
                    "renameByDefault": false,
                    // A pod asking for two slices would get no more GPU than one: refuse it instead.
                    "failRequestsGreaterThanOne": true,
                    "resources": [["name": "nvidia.com/gpu", "replicas": .int(Int64(replicas))]],
                ]],
            ]
            configs.append((pool.name, config.embeddedYAML))
        }
        return configs
    }

    var values: JSONValue {
        let data = JSONValue.object(JSONObject(deviceConfigs.map { ($0.0, JSONValue.string($0.1)) }))
        let usesMIG = platform.nodePools.contains { $0.spec.gpu?.sharingMode == .mig }
        if type == "device-plugin" {
            return [
                "config": ["map": data, "default": .string(Self.defaultConfig)],
                "migStrategy": .string(usesMIG ? migStrategy : "none"),
                "gfd": ["enabled": true],
            ]
        }
        return [
            "mig": ["strategy": .string(migStrategy)],
            "migManager": ["enabled": .bool(usesMIG), "config": ["name": "default-mig-parted-config", "default": "all-disabled"]],
            "devicePlugin": ["config": [
                "create": true, "name": .string(Self.configMapName), "default": .string(Self.defaultConfig), "data": data,
            ]],
        ]
    }
}
