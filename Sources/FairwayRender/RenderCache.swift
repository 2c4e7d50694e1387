import FairwayCore
import FairwayModel

/// Rendered objects by source document, reused while the document and what its rendering reads
/// are unchanged: a tenant by path, Git blob id and the GPU classes queued for it; a Ray workload by
/// path, blob id, its tenant's blob id, priority class and GPU-class placement. Shared by successive
/// renders in one process (the sync agent, a re-plan); entries the latest render did not use are
/// dropped.
public final class RenderCache: Sendable {
    private let cache = PassCache<[Manifest]>()

    public init() {}

    private static func key(_ tenant: Document<TenantSpec>, _ queueClasses: [String]) -> String? {
        tenant.blobID.map { "\(tenant.path):\($0):\(queueClasses.joined(separator: ","))" }
    }

    func manifests(for tenant: Document<TenantSpec>, queueClasses: [String]) -> [Manifest]? {
        Self.key(tenant, queueClasses).flatMap { cache.value(for: $0) }
    }

    func store(_ manifests: [Manifest], for tenant: Document<TenantSpec>, queueClasses: [String]) {
        if let key = Self.key(tenant, queueClasses) { cache.store(manifests, for: key) }
    }

    func manifests(forKey key: String) -> [Manifest]? { cache.value(for: key) }

    func store(_ manifests: [Manifest], forKey key: String) { cache.store(manifests, for: key) }

    func endRender() { cache.endPass() }
}
