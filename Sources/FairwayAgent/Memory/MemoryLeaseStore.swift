import FairwayCore
import FairwayPipeline

/// Leases in memory, as the API server keeps them: every write bumps `metadata.resourceVersion`, an
/// update at a stale resourceVersion is a conflict (nil) and a create of an existing name too. Each
/// replica talks to it through its own `connection(_:)`, which `cut(_:)` partitions from the store
/// (its requests fail as an unreachable server's would) until `restore(_:)`. Every successful write
/// is recorded with the writer and the spec's holder, for tests of who held the Lease when.
public final class MemoryLeaseStore: Sendable {
    /// A successful write: who wrote, and the holder the Lease then named.
    public struct Write: Sendable, Equatable {
        public var writer: String
        public var holder: String

        public init(writer: String, holder: String) {
            self.writer = writer
            self.holder = holder
        }
    }

    struct State: Sendable {
        var objects: [ObjectKey: JSONValue] = [:]
        var version = 0
        var cut: Set<String> = []
        var writes: [Write] = []
    }

    let state = Locked(State())

    public init() {}

    public var writes: [Write] { state.withLock { $0.writes } }

    /// The store as `replica` reaches it.
    public func connection(_ replica: String) -> some LeaseStore { Connection(store: self, replica: replica) }

    public func cut(_ replica: String) { _ = state.withLock { $0.cut.insert(replica) } }
    public func restore(_ replica: String) { _ = state.withLock { $0.cut.remove(replica) } }

    struct Connection: LeaseStore {
        let store: MemoryLeaseStore
        let replica: String

        func get(_ key: ObjectKey) async throws -> Manifest? {
            try store.state.withLock { state throws(MemoryClusterError) -> Manifest? in
                try check(state)
                return state.objects[key].map { Manifest(key: key, body: $0) }
            }
        }

        func create(_ manifest: Manifest) async throws -> Manifest? {
            try store.state.withLock { state throws(MemoryClusterError) -> Manifest? in
                try check(state)
                guard state.objects[manifest.key] == nil else { return nil }
                return write(manifest, &state)
            }
        }

        func update(_ manifest: Manifest) async throws -> Manifest? {
            try store.state.withLock { state throws(MemoryClusterError) -> Manifest? in
                try check(state)
                guard let current = state.objects[manifest.key],
                      current["metadata"]?["resourceVersion"] == manifest.body["metadata"]?["resourceVersion"] else { return nil }
                return write(manifest, &state)
            }
        }

        private func check(_ state: State) throws(MemoryClusterError) {
            if state.cut.contains(replica) { throw MemoryClusterError(message: "\(replica) cannot reach the API server") }
        }

        private func write(_ manifest: Manifest, _ state: inout State) -> Manifest {
            state.version += 1
            guard case var .object(body) = manifest.body, case var .object(metadata)? = body["metadata"] else { return manifest }
            metadata["resourceVersion"] = .string(String(state.version))
            body["metadata"] = .object(metadata)
            state.objects[manifest.key] = .object(body)
            state.writes.append(Write(writer: replica, holder: manifest.body["spec"]?["holderIdentity"]?.stringValue ?? ""))
            return Manifest(key: manifest.key, body: .object(body))
        }
    }
}
