import FairwayCore
import FairwayModel

/// Where the GPU workers of one GPU class run and what they request: the Kubernetes resource a
/// whole (or time-sliced) GPU of the class is requested as, the node selector, and the tolerations.
///
/// Node selection: `fairway.dev/gpu-class: <class>`, a label Fairway puts on every node of every
/// pool of the class (Karpenter pools and managed node groups alike, whatever a replaced node group
/// is called), and the node label of the class's Kueue ResourceFlavor: Kueue injects the same
/// label at admission, so the two never conflict and the pods land on the class's nodes even
/// when Kueue is bypassed. A class without pools has no selector.
///
/// Tolerations: every taint of every pool of the class (pools are tainted `nvidia.com/gpu:NoSchedule`
/// by default), and `nvidia.com/gpu:NoSchedule` even for a class without pools, so that a GPU pod
/// can always reach a GPU node.
struct RayPlacement: Sendable {
    /// The resource `gpu: N` workers request: `nvidia.com/gpu` for whole GPUs and time slices
    /// (the device plugin advertises slices under the same name), as in the class's ClusterQueues.
    let gpuResource: String
    let nodeSelector: [(key: String, value: String)]
    let tolerations: [KueueRenderer.Taint]
    /// Everything that shapes rendered pods, as a cache key part; computed once per placement.
    let fingerprint: String

    static let gpuTaint = KueueRenderer.Taint(key: "nvidia.com/gpu", value: nil, effect: "NoSchedule")

    init(gpuClass: String, platform: Platform, unit: String?) {
        let pools = platform.nodePools.filter { $0.spec.gpu?.class == gpuClass }
        let unit = unit ?? "gpu"
        gpuResource = unit.hasPrefix("mig") ? "nvidia.com/gpu" : KueueRenderer.resourceName(unit: unit)
        nodeSelector = Self.selector(gpuClass: gpuClass, pools: pools)
        var seen: Set<KueueRenderer.Taint> = []
        var tolerations: [KueueRenderer.Taint] = []
        for taint in pools.flatMap(KueueRenderer.taints) where seen.insert(taint).inserted { tolerations.append(taint) }
        if !tolerations.contains(where: { $0.key == "nvidia.com/gpu" }) {
            tolerations.append(Self.gpuTaint)
        }
        self.tolerations = tolerations
        fingerprint = Self.fingerprint(gpuResource: gpuResource, nodeSelector: nodeSelector, tolerations: tolerations)
    }

    private static func selector(gpuClass: String, pools: [Document<NodePoolSpec>]) -> [(key: String, value: String)] {
        pools.isEmpty ? [] : [(Ownership.gpuClassLabel, gpuClass)]
    }

    /// The accelerator resource a worker with `resources` requests, and how many; `gpuResource` is
    /// the class's name for whole GPUs (nil placement: a workload without a class).
    static func accelerator(_ resources: RayWorkloadSpec.Resources, in placement: RayPlacement?)
        -> (resource: String, count: Int)? {
        if let mig = resources.mig { return (KueueRenderer.resourceName(unit: "mig:\(mig.profile)"), mig.count ?? 1) }
        if let gpu = resources.gpu, gpu > 0 { return (placement?.gpuResource ?? "nvidia.com/gpu", gpu) }
        return nil
    }

    private static func fingerprint(gpuResource: String, nodeSelector: [(key: String, value: String)],
                                    tolerations: [KueueRenderer.Taint]) -> String {
        let selector = nodeSelector.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
        let taints = tolerations.map { "\($0.key)=\($0.value ?? ""):\($0.effect)" }.joined(separator: ",")
        return "\(gpuResource);\(selector);\(taints)"
    }
}
