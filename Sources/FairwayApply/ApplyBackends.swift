import FairwayCore
import FairwayKubernetes
import FairwayLive

/// What the cluster applier needs of the Kubernetes API. `KubernetesObjects` is the real one; tests
/// may record calls instead.
public protocol ObjectBackend: Sendable {
    /// Server-side apply under Fairway's field manager; `force` takes over fields other managers own.
    /// Returns the object as stored when `returning`, else the manifest sent.
    func apply(_ manifest: Manifest, force: Bool, returning: Bool) async throws -> Manifest
    /// The object, or nil when absent.
    func get(_ key: ObjectKey) async throws -> Manifest?
    /// Deletes the object (in the background for its dependents); deleting an absent object is no error.
    func delete(_ key: ObjectKey) async throws
    /// Objects of a kind in a namespace, matching a label selector.
    func list(_ kind: GroupVersionKind, namespace: String, labelSelector: String?) async throws -> [Manifest]
    /// Reads the served kinds again (after CRDs were installed by a release).
    func refreshKinds() async throws
}

/// What the cluster applier needs of EKS, for one cluster's managed node groups.
public protocol NodeGroupBackend: Sendable {
    /// CreateNodegroup with a rendered request; returns the group as described.
    func create(_ request: JSONValue) async throws -> JSONValue
    /// UpdateNodegroupConfig; returns the update's id to follow, when the service gave one.
    func update(_ group: String, request: JSONValue) async throws -> String?
    /// DeleteNodegroup; deleting an absent group is no error.
    func delete(_ group: String) async throws
    /// DescribeNodegroup, or nil when the group does not exist.
    func describe(_ group: String) async throws -> JSONValue?
    /// DescribeUpdate, or nil when the service cannot report updates (emulators).
    func describeUpdate(_ group: String, id: String) async throws -> JSONValue?
}

/// What the cluster applier needs of Helm.
public protocol ReleaseBackend: Sendable {
    /// Installs or upgrades the release (atomically: a failed upgrade is rolled back) and waits up to `timeout`.
    func upgradeInstall(_ release: HelmRelease, timeout: Duration) async throws -> Int
    /// Uninstalls the release; an absent release is no error.
    func uninstall(name: String, namespace: String, timeout: Duration) async throws
}
