import FairwayAWS
import FairwayCore
import FairwayHelm
import FairwayKubernetes
import FairwayLive

/// The Kubernetes API through `KubernetesClient`, writing as field manager `fairway`.
public struct KubernetesObjects: ObjectBackend {
    public static let fieldManager = "fairway"

    public let client: KubernetesClient

    public init(client: KubernetesClient) { self.client = client }

    public func apply(_ manifest: Manifest, force: Bool, returning: Bool) async throws -> Manifest {
        try await client.apply(manifest, fieldManager: Self.fieldManager, force: force, returning: returning)
    }

    public func get(_ key: ObjectKey) async throws -> Manifest? { try await client.get(key) }

    public func delete(_ key: ObjectKey) async throws { _ = try await client.delete(key, propagationPolicy: .background) }

    public func list(_ kind: GroupVersionKind, namespace: String, labelSelector: String?) async throws -> [Manifest] {
        do {
            return try await client.list(kind, namespace: namespace, labelSelector: labelSelector).items
        } catch let error as KubernetesError where error.code == .unknownKind {
            return []   // the kind is not served, so there are none
        }
    }

    public func refreshKinds() async throws { try await client.refreshDiscovery() }
}

/// One EKS cluster's managed node groups through `EKSClient`.
public struct EKSNodeGroups: NodeGroupBackend {
    public let client: EKSClient
    public let cluster: String

    public init(client: EKSClient, cluster: String) {
        self.client = client
        self.cluster = cluster
    }

    public func create(_ request: JSONValue) async throws -> JSONValue {
        try await client.createNodegroup(cluster: cluster, request: request)
    }

    public func update(_ group: String, request: JSONValue) async throws -> String? {
        try await client.updateNodegroupConfig(cluster: cluster, nodegroup: group, request: request)["id"]?.stringValue
    }

    public func delete(_ group: String) async throws {
        do {
            _ = try await client.deleteNodegroup(cluster: cluster, nodegroup: group)
        } catch where error.isNotFound {
            return
        }
    }

    public func describe(_ group: String) async throws -> JSONValue? {
        do {
            return try await client.describeNodegroup(cluster: cluster, nodegroup: group)
        } catch where error.isNotFound {
            return nil
        }
    }

    public func describeUpdate(_ group: String, id: String) async throws -> JSONValue? {
        do {
            return try await client.describeUpdate(cluster: cluster, updateId: id, nodegroup: group)
        } catch where error.kind == .unsupported {
            return nil
        }
    }
}

/// Helm releases through the helm CLI. With `charts`, charts come from that directory
/// (`<chart>-<version>.tgz` or a `<chart>/` directory, for air-gapped clusters) instead of their
/// repositories. A release left locked by an interrupted helm is recovered, then tried again once.
public struct HelmReleases: ReleaseBackend {
    public let client: HelmClient
    public let charts: String?

    public init(client: HelmClient, charts: String? = nil) {
        self.client = client
        self.charts = charts
    }

    public func upgradeInstall(_ release: HelmRelease, timeout: Duration) async throws -> Int {
        let chart = try localChart(for: release)
        do {
            return try await client.upgradeInstall(release, timeout: timeout, chartOverride: chart)
        } catch where error.code == .operationInProgress {
            _ = try await client.recoverStuck(name: release.name, namespace: release.namespace, timeout: timeout)
            return try await client.upgradeInstall(release, timeout: timeout, chartOverride: chart)
        }
    }

    public func uninstall(name: String, namespace: String, timeout: Duration) async throws {
        do {
            try await client.uninstall(name: name, namespace: namespace, timeout: timeout)
        } catch where error.code == .releaseNotFound {
            return
        }
    }

    /// The local chart for the release, when a chart directory is given.
    func localChart(for release: HelmRelease) throws(HelmError) -> String? {
        guard let charts else { return nil }
        for candidate in ["\(charts)/\(release.chart)-\(release.version).tgz", "\(charts)/\(release.chart)"] where FileIO.exists(candidate) {
            return candidate
        }
        throw HelmError(.chartNotFound, .upgradeInstall, release: "\(release.namespace)/\(release.name)",
                        message: "\(charts) holds neither \(release.chart)-\(release.version).tgz nor a \(release.chart)/ directory")
    }
}
