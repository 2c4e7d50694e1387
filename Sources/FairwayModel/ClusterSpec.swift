import FairwayCore

/// `cluster.yaml`: the AWS account, the EKS cluster, pinned add-ons, priority classes and how
/// Fairway reconciles.
public struct ClusterSpec: Decodable, Sendable {
    public struct AWS: Decodable, Sendable {
        public var accountId: String
        public var region: String
    }

    public struct EKS: Decodable, Sendable {
        public struct Karpenter: Decodable, Sendable {
            public var nodeRole: String
            public var discoveryTag: String
        }

        public var clusterName: String
        public var kubernetesVersion: String
        public var nodeRoleArn: String
        public var subnetIds: [String]
        public var karpenter: Karpenter?
    }

    public struct Addon: Decodable, Sendable {
        public var version: String
        public var values: JSONValue?
        public var sensitiveValues: [String]?
    }

    public struct JupyterHub: Decodable, Sendable {
        public struct Auth: Decodable, Sendable {
            public struct SecretRef: Decodable, Sendable { public var name: String }
            public var type: String
            public var adminGroups: [String]?
            public var secretRef: SecretRef?
        }

        public var version: String
        public var namespace: String?
        public var auth: Auth?
        public var values: JSONValue?
        public var sensitiveValues: [String]?
    }

    public struct GPUStack: Decodable, Sendable {
        public var type: String
        public var version: String
        public var values: JSONValue?
        public var sensitiveValues: [String]?
    }

    public struct Addons: Decodable, Sendable {
        public var kuberayOperator: Addon?
        public var kueue: Addon?
        public var jupyterhub: JupyterHub?
        public var gpuStack: GPUStack?
    }

    public struct PriorityClass: Decodable, Sendable {
        public var name: String
        public var value: Int
        public var `default`: Bool?
        public var description: String?
        /// False: work at this priority must never be preempted by lower-priority work (the
        /// default is true, Kueue's usual semantics).
        public var preemptible: Bool?
    }

    public struct Scheduling: Decodable, Sendable {
        public var priorityClasses: [PriorityClass]?
        public var podsReadyTimeout: GoDuration?
    }

    public struct Reconcile: Decodable, Sendable {
        public var interval: GoDuration?
        public var prune: Bool?
        public var maxDeletions: Int?
    }

    public var aws: AWS
    public var eks: EKS
    public var addons: Addons?
    public var scheduling: Scheduling?
    public var reconcile: Reconcile?

    public var priorityClasses: [PriorityClass] { scheduling?.priorityClasses ?? [] }
}
