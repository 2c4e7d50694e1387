import FairwayCore
import FairwayModel

/// A node taint of a GPU pool, as Karpenter, EKS and Kueue's ResourceFlavors list it, and the
/// toleration a pod needs to run there. GPU pools carry `nvidia.com/gpu:NoSchedule` unless they
/// declare that key themselves.
public struct NodeTaint: Sendable, Hashable {
    public let key: String
    public let value: String?
    public let effect: String

    public init(key: String, value: String?, effect: String) {
        self.key = key
        self.value = value
        self.effect = effect
    }

    public static let gpu = NodeTaint(key: "nvidia.com/gpu", value: nil, effect: "NoSchedule")

    /// The taint as a node (or NodePool, or ResourceFlavor) lists it.
    public var object: JSONValue {
        var o: JSONObject = [("key", .string(key)), ("effect", .string(effect))]
        if let value { o["value"] = .string(value) }
        return .object(o)
    }

    /// The toleration a pod needs to run on nodes with this taint.
    public var toleration: JSONValue {
        var o: JSONObject = [("key", .string(key))]
        if let value {
            o["operator"] = "Equal"
            o["value"] = .string(value)
        } else {
            o["operator"] = "Exists"
        }
        o["effect"] = .string(effect)
        return .object(o)
    }

    /// The pool's taints, with the default `nvidia.com/gpu:NoSchedule` for GPU pools.
    public static func of(_ pool: Document<NodePoolSpec>) -> [NodeTaint] {
        var taints = (pool.spec.taints ?? []).map { NodeTaint(key: $0.key, value: $0.value, effect: $0.effect) }
        if pool.spec.gpu != nil, !taints.contains(where: { $0.key == gpu.key }) { taints.append(gpu) }
        return taints
    }

    /// Every taint of the class's pools, each once, in pool order.
    public static func ofClass(_ gpuClass: String, in platform: Platform) -> [NodeTaint] {
        var seen: Set<NodeTaint> = []
        return platform.nodePools.filter { $0.spec.gpu?.class == gpuClass }.flatMap(of).filter { seen.insert($0).inserted }
    }
}
