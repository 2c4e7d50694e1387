import FairwayCore

/// `nodepools/<pool>.yaml`: a Karpenter pool or EKS managed node group, with its GPUs if any.
public struct NodePoolSpec: Decodable, Sendable {
    public enum Provisioner: String, Decodable, Sendable {
        case karpenter
        case managedNodeGroup
    }

    public struct Sharing: Decodable, Sendable {
        public enum Mode: String, Decodable, Sendable {
            case none, timeSlicing, mig
        }

        public var mode: Mode
        public var replicas: Int?
        public var layout: String?
    }

    public struct GPU: Decodable, Sendable {
        public var `class`: String
        public var model: String
        public var sharing: Sharing?

        public var sharingMode: Sharing.Mode { sharing?.mode ?? .none }
    }

    public struct Instances: Decodable, Sendable {
        public var types: [String]?
        public var families: [String]?
        public var sizes: [String]?
        public var capacityTypes: [String]?
        public var arch: String?
        public var zones: [String]?
    }

    public struct OS: Decodable, Sendable {
        public var image: String
        public var version: String?
    }

    public struct Capacity: Decodable, Sendable {
        public var minNodes: Int?
        public var desiredNodes: Int?
        public var maxNodes: Int
    }

    public struct Taint: Decodable, Sendable {
        public var key: String
        public var value: String?
        public var effect: String
    }

    public struct Disruption: Decodable, Sendable {
        public var consolidationPolicy: String?
        /// Karpenter durations (`KarpenterDuration`), passed through as written: `Never` is one.
        public var consolidateAfter: String?
        public var expireAfter: String?
    }

    public var provisioner: Provisioner
    public var gpu: GPU?
    public var instances: Instances
    public var os: OS?
    public var capacity: Capacity
    public var labels: [String: String]?
    public var taints: [Taint]?
    public var disruption: Disruption?
    public var weight: Int?
}
