#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FairwayCore

/// The local state while this process holds its lock: the only way to change it. Release with `unlock()`.
///
/// `put`, `delete` and `putTargets` open a transaction on the state database when none is open and
/// write into it; `flush` commits it, so each stage the applier flushes is one transaction, durable
/// when `flush` returns (SQLite's rollback journal, `synchronous = FULL`). What is not flushed is
/// rolled back by `unlock`, or by the next reader when the process was killed. Reads see the state as
/// last committed, as other processes do.
public final class LockedLocalState: LiveStateReader, LiveStateWriter, Sendable {
    /// What changes while the lock is held, guarded so concurrent writers cannot interleave.
    private struct State: Sendable {
        var lockDescriptor: Int32
        var connection: SQLiteConnection?
        var rows: LocalStateRows?
    }

    public let store: LocalStateStore
    private let state: Locked<State>

    init(store: LocalStateStore, lockDescriptor: Int32, connection: SQLiteConnection) throws(LiveStateError) {
        self.store = store
        let rows = try LocalStateRows(connection)
        state = Locked(State(lockDescriptor: lockDescriptor, connection: connection, rows: rows))
    }

    deinit { unlock() }

    public func unlock() {
        state.withLock { state in
            guard state.lockDescriptor >= 0 else { return }
            if let connection = state.connection, connection.inTransaction { try? connection.execute("ROLLBACK") }
            state.rows = nil
            state.connection?.close()
            state.connection = nil
            flock(state.lockDescriptor, LOCK_UN)
            close(state.lockDescriptor)
            state.lockDescriptor = -1
        }
    }

    public func listObjects() throws(LiveStateError) -> [Manifest] { try store.listObjects() }
    public func serial() throws(LiveStateError) -> Int { try store.serial() }

    public func put(_ manifest: Manifest) throws(LiveStateError) {
        try write { (rows) throws(LiveStateError) in try rows.put(manifest) }
    }

    public func delete(_ key: ObjectKey) throws(LiveStateError) {
        try write { (rows) throws(LiveStateError) in try rows.delete(key) }
    }

    func putTargetsRow(_ targets: JSONValue) throws(LiveStateError) {
        try write { (rows) throws(LiveStateError) in try rows.putTargets(targets) }
    }

    /// Runs `body` inside the open transaction, opening one when none is.
    private func write(_ body: (LocalStateRows) throws(LiveStateError) -> Void) throws(LiveStateError) {
        let outcome: Result<Void, LiveStateError> = state.withLock { state in
            guard state.lockDescriptor >= 0, let connection = state.connection, let rows = state.rows else {
                return .failure(LiveStateError(.notLocked, "the state lock was released", path: store.root))
            }
            return Result { () throws(LiveStateError) in
                if !connection.inTransaction { try connection.execute("BEGIN IMMEDIATE") }
                try body(rows)
            }
        }
        try outcome.get()
    }

    public func flush() throws(LiveStateError) {
        let outcome: Result<Void, LiveStateError> = state.withLock { state in
            guard state.lockDescriptor >= 0, let connection = state.connection else {
                return .failure(LiveStateError(.notLocked, "the state lock was released", path: store.root))
            }
            return Result { () throws(LiveStateError) in
                guard connection.inTransaction else { return }
                do throws(LiveStateError) {
                    try connection.execute("COMMIT")
                } catch {
                    try? connection.execute("ROLLBACK")
                    throw error
                }
            }
        }
        try outcome.get()
    }

    /// Bumps the serial and records the revision, committed with whatever is still unflushed.
    public func recordApplied(revision: String) throws(LiveStateError) {
        try write { (_) throws(LiveStateError) in }
        let outcome: Result<Void, LiveStateError> = state.withLock { state in
            guard let connection = state.connection else {
                return .failure(LiveStateError(.notLocked, "the state lock was released", path: store.root))
            }
            return Result { () throws(LiveStateError) in
                let statement = try connection.prepare("UPDATE state SET serial = serial + 1, revision = ?, applied_at = ? WHERE id = 1")
                statement.bind(1, revision)
                statement.bind(2, WallTime.now().rfc3339)
                try statement.run()
            }
        }
        try outcome.get()
        try flush()
    }
}
