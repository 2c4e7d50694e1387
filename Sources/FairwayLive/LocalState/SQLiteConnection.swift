import CSQLite

/// One connection to an SQLite database file (Debian's libsqlite3), with the few operations the
/// local state needs: statements run once, prepared statements with bound parameters, and errors
/// that name the file. Opened in serialized mode (`SQLITE_OPEN_FULLMUTEX`), so SQLite itself
/// serializes calls on it; owners still use it from one place at a time (the local state keeps it
/// behind a lock).
final class SQLiteConnection: @unchecked Sendable {
    enum OpenMode {
        /// Read and write an existing file (a reader may need to roll back a crashed writer's journal).
        case readWrite
        /// Read an existing file that this process may not write.
        case readOnly
    }

    let path: String
    private var handle: OpaquePointer?

    init(path: String, mode: OpenMode) throws(LiveStateError) {
        self.path = path
        let flags = (mode == .readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE) | SQLITE_OPEN_FULLMUTEX
        var opened: OpaquePointer?
        let status = sqlite3_open_v2(path, &opened, flags, nil)
        guard status == SQLITE_OK, let opened else {
            let message = opened.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open"
            sqlite3_close_v2(opened)
            throw Self.error(status, message, path: path)
        }
        handle = opened
        sqlite3_extended_result_codes(opened, 1)
        // Another process committing holds the file briefly; wait for it rather than fail.
        sqlite3_busy_timeout(opened, 10_000)
    }

    deinit { close() }

    func close() {
        guard let handle else { return }
        sqlite3_close_v2(handle)
        self.handle = nil
    }

    /// Runs statements that take no parameters and return no rows.
    func execute(_ sql: String) throws(LiveStateError) {
        let handle = try requireOpen()
        let status = sqlite3_exec(handle, sql, nil, nil, nil)
        guard status == SQLITE_OK else { throw failure(status) }
    }

    func prepare(_ sql: String) throws(LiveStateError) -> SQLiteStatement {
        let handle = try requireOpen()
        var statement: OpaquePointer?
        let status = sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
        guard status == SQLITE_OK, let statement else { throw failure(status) }
        return SQLiteStatement(statement, connection: self)
    }

    /// Whether a transaction is open on this connection.
    var inTransaction: Bool { handle.map { sqlite3_get_autocommit($0) == 0 } ?? false }

    private func requireOpen() throws(LiveStateError) -> OpaquePointer {
        guard let handle else { throw LiveStateError(.io, "the state database is closed", path: path) }
        return handle
    }

    /// The error for a failed call, with SQLite's own message.
    func failure(_ status: Int32) -> LiveStateError {
        let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(status))
        return Self.error(status, message, path: path)
    }

    private static func error(_ status: Int32, _ message: String, path: String) -> LiveStateError {
        switch status & 0xff {
        case SQLITE_CORRUPT, SQLITE_NOTADB:
            return LiveStateError(.corrupt, "not a usable state database (\(message))", path: path)
        case SQLITE_BUSY, SQLITE_LOCKED:
            return LiveStateError(.io, "the state database stayed busy (\(message))", path: path)
        default:
            return LiveStateError(.io, "state database: \(message)", path: path)
        }
    }
}

/// A prepared statement of a `SQLiteConnection`. Parameters are bound (never spliced into SQL),
/// so names and bodies are stored as they are.
final class SQLiteStatement: @unchecked Sendable {
    private let statement: OpaquePointer
    private let connection: SQLiteConnection
    /// SQLite copies bound text and blobs (SQLITE_TRANSIENT).
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    fileprivate init(_ statement: OpaquePointer, connection: SQLiteConnection) {
        self.statement = statement
        self.connection = connection
    }

    deinit { sqlite3_finalize(statement) }

    func bind(_ index: Int32, _ text: String) {
        sqlite3_bind_text(statement, index, text, -1, Self.transient)
    }

    /// Binds UTF-8 bytes as text (JSON bodies), so the `sqlite3` CLI shows them as they are.
    func bind(_ index: Int32, utf8 bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: max(buffer.count, 1)) {
                _ = sqlite3_bind_text(statement, index, $0, Int32(buffer.count), Self.transient)
            }
        }
    }

    func bind(_ index: Int32, _ value: Int64) { sqlite3_bind_int64(statement, index, value) }

    func bindNull(_ index: Int32) { sqlite3_bind_null(statement, index) }

    /// Runs one step: true when a row is ready to read, false when done.
    func step() throws(LiveStateError) -> Bool {
        let status = sqlite3_step(statement)
        switch status {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default:
            sqlite3_reset(statement)
            throw connection.failure(status)
        }
    }

    /// Runs a statement that returns no rows, then readies it for the next use.
    func run() throws(LiveStateError) {
        defer { reset() }
        _ = try step()
    }

    func reset() {
        sqlite3_reset(statement)
        sqlite3_clear_bindings(statement)
    }

    func int(_ column: Int32) -> Int64 { sqlite3_column_int64(statement, column) }

    func isNull(_ column: Int32) -> Bool { sqlite3_column_type(statement, column) == SQLITE_NULL }

    func text(_ column: Int32) -> String? {
        guard let pointer = sqlite3_column_text(statement, column) else { return nil }
        return String(cString: pointer)
    }

    /// A column's bytes as stored (text or blob).
    func bytes(_ column: Int32) -> [UInt8] {
        guard let pointer = sqlite3_column_blob(statement, column) else { return [] }
        let count = Int(sqlite3_column_bytes(statement, column))
        return Array(UnsafeRawBufferPointer(start: pointer, count: count))
    }
}
