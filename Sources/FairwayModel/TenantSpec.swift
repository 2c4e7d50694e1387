import FairwayCore

/// `tenants/<tenant>.yaml`: a team, its namespaces, quotas, access and what GPUs and notebooks it may use.
public struct TenantSpec: Decodable, Sendable {
    public struct Members: Decodable, Sendable {
        public var groups: [String]?
        public var users: [String]?
    }

    public struct Namespace: Decodable, Sendable {
        public var name: String
        public var purpose: String?
    }

    public struct ContainerLimits: Decodable, Sendable {
        public var cpu: Quantity?
        public var memory: Quantity?
    }

    public struct Defaults: Decodable, Sendable {
        public var priorityClass: String?
        public var containerLimits: ContainerLimits?
    }

    public struct Notebooks: Decodable, Sendable {
        public var profiles: [String]?
        public var maxServersPerUser: Int?
        public var maxGpuServers: Int?
        /// The tenant namespace notebook servers run in; default the primary namespace.
        public var namespace: String?
        /// Priority class of the tenant's GPU notebooks; default the tenant's default.
        public var priorityClass: String?
    }

    public struct Ray: Decodable, Sendable {
        public var maxWorkerReplicas: Int?
    }

    public struct ServiceAccount: Decodable, Sendable {
        public var name: String
        public var iamRoleArn: String?
    }

    public var displayName: String?
    public var owners: [String]?
    public var members: Members?
    public var namespaces: [Namespace]
    public var quota: [String: Quantity]?
    public var defaults: Defaults?
    public var allowedPriorityClasses: [String]?
    public var gpuClasses: [String]?
    public var notebooks: Notebooks?
    public var ray: Ray?
    public var networkIsolation: Bool?
    public var podSecurity: String?
    public var serviceAccount: ServiceAccount?

    /// The first namespace, where workloads go when they name none.
    public var primaryNamespace: String { namespaces.first?.name ?? "" }
    public var isolatesNetwork: Bool { networkIsolation ?? true }
    /// Where the tenant's notebook servers run.
    public var notebookNamespace: String { notebooks?.namespace ?? primaryNamespace }
    /// The priority class of the tenant's GPU notebooks, when one is set.
    public var notebookPriorityClass: String? { notebooks?.priorityClass ?? defaults?.priorityClass }
}
