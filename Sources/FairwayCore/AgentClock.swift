/// Time as the sync agent sees it: a monotonic reading (`now`, the time since the clock's origin)
/// and sleeping. The reconciler's drift decisions, the leader elector's lease arithmetic and its
/// renew and retry waits all read one `AgentClock`, so tests drive them with a `ManualClock` and
/// production uses `SystemAgentClock`. Wall time (timestamps people read) is not its business.
public protocol AgentClock: Sendable {
    /// Time since the clock's origin; never goes backwards.
    var now: Duration { get }
    /// Suspends for `duration` of this clock's time; throws `CancellationError` when cancelled.
    func sleep(for duration: Duration) async throws
}

/// The machine's monotonic clock (`ContinuousClock`, which keeps counting while the machine sleeps).
public struct SystemAgentClock: AgentClock {
    private let origin: ContinuousClock.Instant

    public init() { origin = ContinuousClock.now }

    public var now: Duration { ContinuousClock.now - origin }

    public func sleep(for duration: Duration) async throws {
        try await Task.sleep(for: duration)
    }
}
