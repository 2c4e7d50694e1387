import Foundation

/// Holds one value that expires (temporary credentials, an EKS token) and loads a new one shortly
/// before it does: at `min(margin, half the lifetime)` before expiry, so short-lived values are not
/// reloaded on every use. Concurrent callers share one load. When a reload fails while the old
/// value has not yet expired, the old value is used; otherwise the error is thrown.
actor AWSRefreshingCache<Value: Sendable> {
    private let load: @Sendable () async throws(AWSError) -> Value
    private let expiry: @Sendable (Value) -> Date?
    private let clock: AWSTime.Clock
    private let margin: TimeInterval
    private var current: (value: Value, expires: Date?, refreshAt: Date?)?
    private var loading: Task<Value, any Error>?

    init(margin: TimeInterval, clock: @escaping AWSTime.Clock, expiry: @escaping @Sendable (Value) -> Date?,
         load: @escaping @Sendable () async throws(AWSError) -> Value) {
        self.margin = margin
        self.clock = clock
        self.expiry = expiry
        self.load = load
    }

    func value() async throws(AWSError) -> Value {
        let now = clock()
        if let current, current.refreshAt.map({ now < $0 }) ?? true { return current.value }
        let task: Task<Value, any Error>
        if let loading {
            task = loading
        } else {
            let load = self.load
            task = Task { () async throws -> Value in try await load() }
            loading = task
        }
        do {
            let value = try await task.value
            if loading == task {
                loading = nil
                store(value, obtainedAt: now)
            }
            return value
        } catch {
            if loading == task { loading = nil }
            if let current, current.expires.map({ clock() < $0 }) ?? true { return current.value }
            throw (error as? AWSError) ?? AWSError(.cancelled, "cancelled")
        }
    }

    /// Forgets the value, so the next use loads a new one.
    func invalidate() { current = nil }

    private func store(_ value: Value, obtainedAt now: Date) {
        guard let expires = expiry(value) else {
            current = (value, nil, nil)
            return
        }
        let lead = min(margin, max(0, expires.timeIntervalSince(now)) / 2)
        current = (value, expires, expires.addingTimeInterval(-lead))
    }
}
