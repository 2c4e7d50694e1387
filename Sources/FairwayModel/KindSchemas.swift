/// The kinds of the platform repository and the schema of each one's `spec`.
public enum Kind: String, Sendable, CaseIterable, Codable {
    case cluster = "Cluster"
    case tenant = "Tenant"
    case nodePool = "NodePool"
    case rayJob = "RayJob"
    case rayCluster = "RayCluster"
    case rayService = "RayService"
    case notebookCatalog = "NotebookCatalog"
    case gpuFairnessPolicy = "GpuFairnessPolicy"
    case gpuSharingPolicy = "GpuSharingPolicy"

    public static let apiVersion = "fairway.dev/v1alpha1"

    public var specSchema: ObjectSchema {
        switch self {
        case .cluster: return KindSchemas.cluster
        case .tenant: return KindSchemas.tenant
        case .nodePool: return KindSchemas.nodePool
        case .rayJob: return KindSchemas.rayJob
        case .rayCluster: return KindSchemas.rayCluster
        case .rayService: return KindSchemas.rayService
        case .notebookCatalog: return KindSchemas.notebookCatalog
        case .gpuFairnessPolicy: return KindSchemas.gpuFairnessPolicy
        case .gpuSharingPolicy: return KindSchemas.gpuSharingPolicy
        }
    }

    /// The kinds a file at this path may hold, by the repository layout.
    public static func allowed(at path: String) -> [Kind] {
        let first = path.split(separator: "/").first.map(String.init) ?? path
        switch first {
        case "cluster.yaml", "cluster.yml": return [.cluster]
        case "tenants": return [.tenant]
        case "nodepools": return [.nodePool]
        case "ray": return [.rayJob, .rayCluster, .rayService]
        case "jupyterhub": return [.notebookCatalog]
        case "policies":
            // A folder inside policies/ holds parts of the fairness policy only.
            return path.split(separator: "/").count > 2 ? [.gpuFairnessPolicy] : [.gpuFairnessPolicy, .gpuSharingPolicy]
        default: return []
        }
    }

    /// Longest `metadata.name` KubeRay and Kueue accept for this kind.
    public var maxNameLength: Int {
        switch self {
        case .rayJob, .rayService: return 47
        case .rayCluster: return 53
        default: return 63
        }
    }
}

/// Holds the spec schema of each kind; see the `Schemas+*.swift` files.
public enum KindSchemas {}
