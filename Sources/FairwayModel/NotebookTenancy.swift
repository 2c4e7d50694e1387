import FairwayCore

/// A Ray cluster a tenant's notebooks can reach over Ray Client: a RayCluster or a RayService (whose
/// head Service KubeRay keeps under a stable name). RayJobs are left out: their clusters get a
/// generated name and live only as long as the job.
public struct RayClientTarget: Sendable, Hashable {
    public var name: String
    public var namespace: String
    public var kind: Kind
    public var rayVersion: String

    /// KubeRay names the head Service `<cluster>-head-svc`.
    public var headService: String { "\(name)-head-svc" }
    public var address: String { "ray://\(headService).\(namespace).svc:\(Self.clientPort)" }

    /// The head's ports a notebook uses: Ray Client, the dashboard (job submission) and Serve.
    public static let clientPort = 10001
    public static let dashboardPort = 8265
    public static let servePort = 8000
}

extension Platform {
    /// The tenant's Ray clusters that notebooks can connect to, in declaration order.
    public func rayClientTargets(of tenant: String) -> [RayClientTarget] {
        guard let owner = self.tenant(named: tenant) else { return [] }
        return rayWorkloads(of: tenant).compactMap { workload in
            guard workload.kind == .rayCluster || workload.kind == .rayService else { return nil }
            return RayClientTarget(name: workload.name, namespace: workload.spec.namespace ?? owner.spec.primaryNamespace,
                                   kind: workload.kind, rayVersion: workload.spec.rayVersion)
        }
    }
}

extension Platform {
    /// The tenant's listed notebook profile with the most accelerators in `gpuClass` (the one a
    /// GPU server at the tenant's peak is counted as); nil when it lists none of the class.
    public func largestNotebookProfile(of tenant: TenantSpec, gpuClass: String) -> NotebookCatalogSpec.Profile? {
        let profiles = notebookCatalog?.spec.profiles ?? []
        return (tenant.notebooks?.profiles ?? []).compactMap { name in profiles.first { $0.name == name } }
            .filter { $0.gpu?.class == gpuClass }
            .max { ($0.gpu?.count ?? 1) < ($1.gpu?.count ?? 1) }
    }
}

extension NotebookCatalogSpec.Profile {
    /// The Kubernetes resource the profile's accelerators are requested as.
    public var gpuResource: String? {
        gpu.map { gpu in gpu.mig.map { "nvidia.com/mig-\($0)" } ?? "nvidia.com/gpu" }
    }
}

extension NotebookCatalogSpec {
    /// The profiles that mount the team volume (none when the catalogue has none).
    public var teamVolumeProfiles: [String] {
        guard defaults?.teamVolume != nil else { return [] }
        return profiles.filter { $0.teamVolume != false }.map(\.name)
    }
}
