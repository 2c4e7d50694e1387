import Foundation

/// Values by key, kept from one pass (a load, a render) to the next: each pass looks values up
/// or stores them, and `endPass()` drops every entry the pass did not touch, so the cache holds
/// what one revision needs and no more. Thread-safe.
public final class PassCache<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var entries: [String: Value] = [:]
    private var used: Set<String> = []

    public init() {}

    /// The value for `key`, marking it as used by this pass.
    public func value(for key: String) -> Value? {
        lock.lock()
        defer { lock.unlock() }
        used.insert(key)
        return entries[key]
    }

    public func store(_ value: Value, for key: String) {
        lock.lock()
        entries[key] = value
        used.insert(key)
        lock.unlock()
    }

    /// Whether `key` has a value, without marking it as used.
    public func contains(_ key: String) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        return entries[key] != nil
    }

    /// Forgets the entries this pass did not use and starts the next pass.
    public func endPass() {
        lock.lock()
        if used.count < entries.count { entries = entries.filter { used.contains($0.key) } }
        used.removeAll()
        lock.unlock()
    }
}
