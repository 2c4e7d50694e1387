import FairwayCore
import FairwayModel

/// Rendered objects by source document, reused while the document and what its rendering reads
/// are unchanged: a tenant by path, Git blob id and the GPU classes queued for it; a Ray workload by
/// path, blob id, its tenant's blob id, priority class and GPU-class placement; a Kueue
/// ClusterQueue by the policy and pools of its class and its tenant's name. Shared by successive
/// renders in one process (`fairway diff`'s two revisions, a re-plan); entries recent renders did not use are
/// dropped.
public final class RenderCache: Sendable {
    /// Everything a cached rendering was made from.
    enum Key: Hashable, Sendable {
        case tenant(path: String, blobID: String, queueClasses: [String])
        case workload(path: String, blobID: String, tenantBlobID: String, priorityClass: String?, placement: String?)
        /// `inputs` names the policy and the class's pools (see `KueueRenderer`).
        case clusterQueue(inputs: String, tenant: String)
    }

    private let cache = PassCache<Key, [Manifest]>()

    public init() {}

    private static func key(_ tenant: Document<TenantSpec>, _ queueClasses: [String]) -> Key? {
        tenant.blobID.map { .tenant(path: tenant.path, blobID: $0, queueClasses: queueClasses) }
    }

    func manifests(for tenant: Document<TenantSpec>, queueClasses: [String]) -> [Manifest]? {
        Self.key(tenant, queueClasses).flatMap { cache.value(for: $0) }
    }

    func store(_ manifests: [Manifest], for tenant: Document<TenantSpec>, queueClasses: [String]) {
        if let key = Self.key(tenant, queueClasses) { cache.store(manifests, for: key) }
    }

    func manifests(forKey key: Key) -> [Manifest]? { cache.value(for: key) }

    func store(_ manifests: [Manifest], forKey key: Key) { cache.store(manifests, for: key) }

    func endRender() { cache.endPass() }
}
