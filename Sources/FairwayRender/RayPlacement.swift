import FairwayCore
import FairwayModel

/// Where the GPU workers of one GPU class run and what they request: the Kubernetes resource a
/// whole (or time-sliced) GPU of the class is requested as, the node selector, and the tolerations.
///
/// Node selection. Kueue admits a Ray workload into one ResourceFlavor per pod set and, at
/// admission, injects that flavor's `nodeLabels` and `tolerations` into the pod templates
/// (KueueRenderer renders a flavor per GPU pool, labelled with the pool's own node label). So:
/// - one pool in the class: the selector is exactly that flavor's node labels
///   (`karpenter.sh/nodepool` or `eks.amazonaws.com/nodegroup`). The pods land on the pool even if
///   Kueue is bypassed, and Kueue's injection adds nothing that conflicts.
/// - several pools: a selector naming one pool would make Kueue skip every other flavor of the
///   class (a flavor whose node labels contradict the pod's selector does not fit), so the selector
///   uses a label every pool of the class carries: `fairway.dev/gpu-class` when all of them are
///   Karpenter pools (KarpenterRenderer puts it on their nodes), otherwise the user labels
///   (`spec.labels`) all pools share with the same value. When there is none, there is no
///   selector: the GPU resource request plus the tolerations already keep the pods off other
///   nodes, and Kueue's injection pins them to the admitted pool.
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
        if pools.count == 1 {
            return (KueueRenderer.nodeLabels(pools[0]).objectValue?.members ?? []).compactMap { member in
                member.value.stringValue.map { (member.key, $0) }
            }
        }
        guard let first = pools.first else { return [] }
        if pools.allSatisfy({ $0.spec.provisioner == .karpenter }) { return [(Ownership.gpuClassLabel, gpuClass)] }
        let shared = (first.spec.labels ?? [:]).filter { label in
            pools.allSatisfy { $0.spec.labels?[label.key] == label.value }
        }
        return shared.keys.sorted().map { ($0, shared[$0]!) }
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
