import FairwayApply
import FairwayCore
import FairwayDiff
import FairwayKubernetes
import FairwayLive
import Logging

/// A cluster in memory: the in-memory twin of `ClusterTarget`, for tests of what the sync agent
/// decides (no API server, no processes). It owns a store of objects that the applier it hands out
/// writes to and `read(for:)` reads back as a real cluster would be read: objects Fairway owns
/// (labelled `app.kubernetes.io/managed-by: fairway`) and desired objects already there. Objects get
/// the status their controller would write (a CRD established, a Deployment available, a
/// RayCluster ready). Failures can be planted for the next reads and for writes of chosen objects;
/// `put` and `remove` change the cluster behind Fairway's back (drift).
public final class MemoryClusterTarget: SyncTarget {
    struct State: Sendable {
        var objects: [ObjectKey: JSONValue] = [:]
        var readFailures: [String] = []
        var writeFailures: [ObjectKey: String] = [:]
        var reads = 0
        var writes = 0
    }

    public let name: String
    let state = Locked(State())

    public init(name: String = "memory cluster") { self.name = name }

    // MARK: What tests see and plant

    /// Every object in the cluster, by key.
    public var objects: [ObjectKey: JSONValue] { state.withLock { $0.objects } }
    /// Reads of the live state so far.
    public var reads: Int { state.withLock { $0.reads } }
    /// Objects written or deleted so far.
    public var writes: Int { state.withLock { $0.writes } }

    /// Puts an object in the cluster as another client would (no status is added).
    public func put(_ manifest: Manifest) { state.withLock { $0.objects[manifest.key] = manifest.body } }

    /// Removes an object as another client would.
    public func remove(_ key: ObjectKey) { _ = state.withLock { $0.objects.removeValue(forKey: key) } }

    /// The next read of the live state fails with `message` (one read per call).
    public func failNextRead(_ message: String) { state.withLock { $0.readFailures.append(message) } }

    /// Writing or deleting `key` fails with `message` until `clearFailures()`.
    public func failWrites(of key: ObjectKey, _ message: String) { state.withLock { $0.writeFailures[key] = message } }

    public func clearFailures() {
        state.withLock { state in
            state.readFailures = []
            state.writeFailures = [:]
        }
    }

    // MARK: SyncTarget

    public func read(for evaluation: Evaluation) async throws(PipelineError) -> LiveSnapshot {
        guard let desired = evaluation.desired else { throw PipelineError("the repository has errors; the cluster is not read") }
        let wanted = Set(desired.manifests.map(\.key))
        let outcome = state.withLock { state -> Result<[Manifest], PipelineError> in
            state.reads += 1
            if !state.readFailures.isEmpty {
                return .failure(PipelineError("cannot read the cluster: \(state.readFailures.removeFirst())"))
            }
            let live = state.objects.filter { Ownership.isOwned($0.value) || wanted.contains($0.key) }
            return .success(live.sorted { $0.key < $1.key }.map { Manifest(key: $0.key, body: $0.value) })
        }
        return LiveSnapshot(serial: 0, objects: try outcome.get())
    }

    public func applier(for evaluation: Evaluation, options: ClusterApplier.Options, charts: String?, logger: Logger) -> ClusterApplier {
        ClusterApplier(objects: Backend(cluster: self), nodeGroups: nil, releases: nil, options: options, logger: logger)
    }

    /// The object API the applier writes through.
    struct Backend: ObjectBackend {
        let cluster: MemoryClusterTarget

        func apply(_ manifest: Manifest, force: Bool, returning: Bool) async throws -> Manifest {
            let body = try cluster.state.withLock { state throws(MemoryClusterError) -> JSONValue in
                if let message = state.writeFailures[manifest.key] { throw MemoryClusterError(message: message) }
                state.writes += 1
                let stored = MemoryClusterTarget.withControllerStatus(manifest.body, kind: manifest.key.kind)
                state.objects[manifest.key] = stored
                return stored
            }
            return Manifest(key: manifest.key, body: returning ? body : manifest.body)
        }

        func get(_ key: ObjectKey) async throws -> Manifest? {
            cluster.state.withLock { $0.objects[key].map { Manifest(key: key, body: $0) } }
        }

        func delete(_ key: ObjectKey) async throws {
            try cluster.state.withLock { state throws(MemoryClusterError) in
                if let message = state.writeFailures[key] { throw MemoryClusterError(message: message) }
                state.writes += 1
                state.objects[key] = nil
                // A namespace takes what is in it along.
                if key.kind == "Namespace", key.group.isEmpty {
                    state.objects = state.objects.filter { $0.key.namespace != key.name }
                }
            }
        }

        func list(_ kind: GroupVersionKind, namespace: String, labelSelector: String?) async throws -> [Manifest] {
            cluster.state.withLock { state in
                state.objects.filter { $0.key.kind == kind.kind && $0.key.group == kind.group && $0.key.namespace == namespace }
                    .filter { MemoryClusterTarget.matches(labelSelector, $0.value) }
                    .sorted { $0.key < $1.key }
                    .map { Manifest(key: $0.key, body: $0.value) }
            }
        }

        func refreshKinds() async throws {}
    }

    /// Whether the body's labels match the selector (nil or empty matches everything; one that does
    /// not parse matches nothing, as the API server would refuse it).
    static func matches(_ selector: String?, _ body: JSONValue) -> Bool {
        guard let selector, !selector.isEmpty else { return true }
        guard let parsed = try? LabelSelector(parsing: selector) else { return false }
        var labels: [String: String] = [:]
        for member in body["metadata"]?["labels"]?.objectValue ?? JSONObject() { labels[member.key] = member.value.stringValue }
        return parsed.matches(labels)
    }

    /// The body as its controller leaves it once it is done: established, available, ready.
    static func withControllerStatus(_ body: JSONValue, kind: String) -> JSONValue {
        guard case var .object(object) = body else { return body }
        switch kind {
        case "CustomResourceDefinition":
            object["status"] = ["conditions": [["type": "Established", "status": "True"]]]
        case "Namespace":
            object["status"] = ["phase": "Active"]
        case "Deployment":
            let replicas = body["spec"]?["replicas"]?.intValue ?? 1
            object["status"] = ["observedGeneration": .int(Int64(body["metadata"]?["generation"]?.intValue ?? 0)),
                                "updatedReplicas": .int(Int64(replicas)), "availableReplicas": .int(Int64(replicas)),
                                "conditions": [["type": "Available", "status": "True"]]]
        case "RayCluster":
            object["status"] = ["state": "ready"]
        default:
            break
        }
        return .object(object)
    }
}

/// A write the in-memory cluster was told to refuse.
public struct MemoryClusterError: Error, CustomStringConvertible {
    public var message: String
    public init(message: String) { self.message = message }
    public var description: String { message }
}
