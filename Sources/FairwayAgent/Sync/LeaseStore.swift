import FairwayCore
import FairwayKubernetes
import FairwayLive
import FairwayPipeline

/// Where the leader elector keeps its Lease: the optimistic-concurrency verbs it needs of the API.
/// `KubernetesClient` is the real one; `MemoryLeaseStore` the in-memory twin for tests.
public protocol LeaseStore: Sendable {
    /// The object, or nil when absent.
    func get(_ key: ObjectKey) async throws -> Manifest?
    /// Creates the object; nil when one with its name already exists.
    func create(_ manifest: Manifest) async throws -> Manifest?
    /// Replaces the object at the body's `metadata.resourceVersion`; nil when it changed since.
    func update(_ manifest: Manifest) async throws -> Manifest?
}

extension KubernetesClient: LeaseStore {}
