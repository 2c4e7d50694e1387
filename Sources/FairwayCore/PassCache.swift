import Foundation

/// Values by key, kept from one pass (a load, a render) to the next: each pass looks values up
/// or stores them, and `endPass()` forgets the entries recent passes did not touch, so the cache
/// holds what one revision needs and little more. Thread-safe.
///
/// Each entry carries the number of the last pass that used it, so a lookup costs one hash of the
/// key. Forgetting costs a scan of every entry; it is done when the entries the last pass did not
/// use reach an eighth of the cache (a one-file commit leaves one), so steady re-passes do not pay
/// the scan each time.
public final class PassCache<Key: Hashable & Sendable, Value: Sendable>: @unchecked Sendable {
    private struct Entry {
        var value: Value
        var pass: Int
    }

    private let lock = NSLock()
    private var entries: [Key: Entry] = [:]
    private var pass = 0
    /// Entries used (looked up or stored) by the current pass.
    private var usedThisPass = 0

    public init() {}

    /// The value for `key`, marking it as used by this pass.
    public func value(for key: Key) -> Value? {
        lock.lock()
        defer { lock.unlock() }
        return use(key)
    }

    /// The values for many keys under one lock (for callers that would otherwise contend for it).
    public func values(for keys: [Key?]) -> [Value?] {
        lock.lock()
        defer { lock.unlock() }
        return keys.map { $0.flatMap(use) }
    }

    public func store(_ value: Value, for key: Key) {
        lock.lock()
        defer { lock.unlock() }
        put(value, key)
    }

    /// Stores many values under one lock.
    public func store(_ values: [(Key, Value)]) {
        lock.lock()
        defer { lock.unlock() }
        for (key, value) in values { put(value, key) }
    }

    private func use(_ key: Key) -> Value? {
        guard let index = entries.index(forKey: key) else { return nil }
        if entries.values[index].pass != pass {
            entries.values[index].pass = pass
            usedThisPass += 1
        }
        return entries.values[index].value
    }

    private func put(_ value: Value, _ key: Key) {
        if let old = entries.updateValue(Entry(value: value, pass: pass), forKey: key), old.pass == pass { return }
        usedThisPass += 1
    }

    /// Whether `key` has a value, without marking it as used.
    public func contains(_ key: Key) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        return entries[key] != nil
    }

    /// Ends the pass; forgets the entries it did not use once they are an eighth of the cache.
    public func endPass() {
        lock.lock()
        defer { lock.unlock() }
        let unused = entries.count - usedThisPass
        if unused > 0, unused * 8 >= entries.count {
            let current = pass
            entries = entries.filter { $0.value.pass == current }
        }
        pass += 1
        usedThisPass = 0
    }
}
