import FairwayCore
import FairwayModel

/// Rendered objects by source document, reused while the document and what its rendering reads
/// are unchanged: a tenant by path, Git blob id and the GPU classes queued for it; a Ray workload by
/// path, blob id, its tenant's blob id, priority class and GPU-class placement; a Kueue
/// ClusterQueue by the policy and pools of its class and its tenant's name. Shared by successive
/// renders in one process (`fairway diff`'s two revisions, a re-plan); entries recent renders did
/// not use are dropped.
public final class RenderCache: Sendable {
    /// Everything a cached rendering was made from.
    enum Key: Hashable, Sendable {
        case tenant(path: String, blobID: String, queueClasses: [String], notebooks: NotebookHosting?)
        case workload(path: String, blobID: String, tenantBlobID: String, priorityClass: String?, placement: String?)
        /// `inputs` names the policy and the class's pools (see `KueueRenderer`).
        case clusterQueue(inputs: String, tenant: String)
    }

    private let cache = PassCache<Key, [Manifest]>()

    public init() {}

    /// The tenant's cache key; nil when the document has no blob id (nothing is cached then).
    static func key(_ tenant: Document<TenantSpec>, queueClasses: [String], notebooks: NotebookHosting?) -> Key? {
        tenant.blobID.map { .tenant(path: tenant.path, blobID: $0, queueClasses: queueClasses, notebooks: notebooks) }
    }

    /// The objects cached under `key`, or `render()`'s, stored under `key`. With no key (an input
    /// without a blob id), always rendered and not stored.
    func manifests(for key: Key?, render: () -> [Manifest]) -> [Manifest] {
        guard let key else { return render() }
        if let cached = cache.value(for: key) { return cached }
        let rendered = render()
        cache.store(rendered, for: key)
        return rendered
    }

    func endRender() { cache.endPass() }
}
