import FairwayCore
import FairwayModel
import Foundation

/// Rendered objects by source document (path and Git blob id), reused while the document is
/// unchanged. Shared by successive renders in one process (the sync agent, a re-plan); thread-safe.
/// Entries the latest render did not use are dropped.
public final class RenderCache: @unchecked Sendable {
    private let lock = NSLock()
    private var entries: [String: [Manifest]] = [:]
    private var used: Set<String> = []

    public init() {}

    private static func key(_ tenant: Document<TenantSpec>, _ queueClasses: [String]) -> String? {
        tenant.blobID.map { "\(tenant.path):\($0):\(queueClasses.joined(separator: ","))" }
    }

    func manifests(for tenant: Document<TenantSpec>, queueClasses: [String]) -> [Manifest]? {
        guard let key = Self.key(tenant, queueClasses) else { return nil }
        lock.lock()
        defer { lock.unlock() }
        used.insert(key)
        return entries[key]
    }

    func store(_ manifests: [Manifest], for tenant: Document<TenantSpec>, queueClasses: [String]) {
        guard let key = Self.key(tenant, queueClasses) else { return }
        lock.lock()
        entries[key] = manifests
        lock.unlock()
    }

    func endRender() {
        lock.lock()
        entries = entries.filter { used.contains($0.key) }
        used.removeAll()
        lock.unlock()
    }
}
