import Foundation

/// A value guarded by a lock: for state shared between requests or tasks that is read and changed
/// synchronously (counters, caches), where an actor hop would be the wrong tool. The value must be
/// Sendable: what `withLock` returns leaves the lock, so a non-Sendable value could be shared unguarded.
public final class Locked<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    public init(_ value: Value) { self.value = value }

    /// Runs `body` with exclusive access to the value.
    public func withLock<Result, Failure: Error>(_ body: (inout Value) throws(Failure) -> Result) throws(Failure) -> Result {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}
