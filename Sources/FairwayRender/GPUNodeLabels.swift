import FairwayCore
import FairwayModel

/// The node labels every provisioner puts on a pool's nodes: the user's labels, the pool
/// (`fairway.dev/node-pool`, which selects a pool's nodes whatever a managed node group is called
/// after a replacement), the GPU class (which Kueue's class flavor selects), and
/// the labels NVIDIA's stack reads to configure a node: `nvidia.com/device-plugin.config` names the
/// time-slicing configuration of the pool (rendered into the GPU stack's values) and
/// `nvidia.com/mig.config` the MIG layout the MIG manager applies.
enum GPUNodeLabels {
    static let deviceConfigLabel = "nvidia.com/device-plugin.config"
    static let migConfigLabel = "nvidia.com/mig.config"
    static let nodePoolLabel = "fairway.dev/node-pool"

    static func of(_ pool: Document<NodePoolSpec>) -> [(String, String)] {
        var labels = (pool.spec.labels ?? [:]).sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        labels.append((nodePoolLabel, pool.name))
        guard let gpu = pool.spec.gpu else { return labels }
        labels.append((Ownership.gpuClassLabel, gpu.class))
        switch gpu.sharingMode {
        case .timeSlicing: labels.append((deviceConfigLabel, pool.name))
        case .mig: if let layout = gpu.sharing?.layout { labels.append((migConfigLabel, layout)) }
        case .none: break
        }
        return labels
    }
}
