import FairwayCore
import FairwayPipeline

/// The status and Events in memory, as `StatusStore` keeps them in the cluster: the status goes
/// through its JSON document on every write (so what is read back is what another agent would read),
/// and an Event repeating the last reason and message is not sent again.
public final class MemoryStatusStore: StatusStoring {
    /// One Event sent.
    public struct Event: Sendable, Equatable {
        public var type: String
        public var reason: String
        public var message: String
    }

    struct State: Sendable {
        var document: JSONValue?
        var events: [Event] = []
        var failing = false
    }

    private let state = Locked(State())
    private static let unreachable = MemoryClusterError(message: "the status store cannot be reached")

    public init(status: SyncStatus? = nil) { state.withLock { $0.document = status?.json } }

    /// Every Event sent, oldest first.
    public var events: [Event] { state.withLock { $0.events } }

    /// The status document as last written.
    public var document: JSONValue? { state.withLock { $0.document } }

    /// Makes every call fail (as an unreachable API server would) until called with false.
    public func fail(_ failing: Bool) { state.withLock { $0.failing = failing } }

    public func read() async throws -> SyncStatus? {
        try state.withLock { state throws(MemoryClusterError) in
            if state.failing { throw Self.unreachable }
            return state.document.map(SyncStatus.init(json:))
        }
    }

    public func write(_ status: SyncStatus) async throws {
        try state.withLock { state throws(MemoryClusterError) in
            if state.failing { throw Self.unreachable }
            state.document = status.json
        }
    }

    public func event(type: String, reason: String, message: String, reportingInstance: String) async throws {
        try state.withLock { state throws(MemoryClusterError) in
            if state.failing { throw Self.unreachable }
            let event = Event(type: type, reason: reason, message: String(message.prefix(1024)))
            if state.events.last != event { state.events.append(event) }
        }
    }
}
