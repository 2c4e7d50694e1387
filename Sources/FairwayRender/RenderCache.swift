import FairwayCore
import FairwayModel

/// Rendered objects by source document (path, Git blob id and the GPU classes queued for it),
/// reused while the document is unchanged. Shared by successive renders in one process (the sync
/// agent, a re-plan); entries the latest render did not use are dropped.
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

    func endRender() { cache.endPass() }
}
