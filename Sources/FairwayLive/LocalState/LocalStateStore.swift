#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FairwayCore

/// The embedded live state: a directory holding `state.sqlite`, an SQLite database (format 2) with
/// the last applied objects (table `objects`, one canonical JSON body per object), the serial and
/// last applied revision (table `state`, one row) and the Helm releases and node groups applied
/// there (table `targets`). The `sqlite3` CLI reads it. Writes need the exclusive lock (`lock()`),
/// so two applies never interleave; each apply stage is one transaction, so a process killed at any
/// point leaves the state as it was before or after a stage. Reads need no lock.
///
/// A directory in the earlier layout (format 1: a JSON file per object) is read as it is and moved
/// into the database by the first `lock()`; its files are kept in `migrated-files/`.
public final class LocalStateStore: LiveStateReader, Sendable {
    public let root: String

    public init(root: String) {
        self.root = root.count > 1 && root.hasSuffix("/") ? String(root.dropLast()) : root
    }

    public var databasePath: String { "\(root)/state.sqlite" }
    var legacy: LegacyStateDirectory { LegacyStateDirectory(root: root) }

    /// The database format this build reads and writes (`PRAGMA user_version`).
    static let format: Int64 = 2

    /// What the `state` table records.
    public struct Metadata: Sendable, Equatable {
        public var serial: Int
        public var revision: String?
        public var appliedAt: String?
    }

    public func metadata() throws(LiveStateError) -> Metadata {
        guard let connection = try openForReading() else {
            return legacy.exists ? try legacy.metadata() : Metadata(serial: 0, revision: nil, appliedAt: nil)
        }
        return try Self.readMetadata(connection)
    }

    public func serial() throws(LiveStateError) -> Int { try metadata().serial }

    public func listObjects() throws(LiveStateError) -> [Manifest] {
        guard let connection = try openForReading() else {
            return legacy.exists ? Self.sorted(try legacy.listObjects()) : []
        }
        return try Self.readObjects(connection)
    }

    /// Opens the database to read it; nil when there is none yet (or it was never initialized).
    func openForReading() throws(LiveStateError) -> SQLiteConnection? {
        guard FileIO.exists(databasePath) else { return nil }
        let connection: SQLiteConnection
        do {
            connection = try SQLiteConnection(path: databasePath, mode: .readWrite)
        } catch where error.code == .io {
            connection = try SQLiteConnection(path: databasePath, mode: .readOnly)
        }
        return try Self.checkFormat(connection) ? connection : nil
    }

    /// True when the database holds the state in this build's format; false when it is still empty.
    static func checkFormat(_ connection: SQLiteConnection) throws(LiveStateError) -> Bool {
        let statement = try connection.prepare("PRAGMA user_version")
        guard try statement.step() else { return false }
        let version = statement.int(0)
        if version == 0 { return false }
        guard version == format else {
            throw LiveStateError(.corrupt, "the state database has format \(version); this Fairway reads format \(format)",
                                 path: connection.path)
        }
        return true
    }

    static func readMetadata(_ connection: SQLiteConnection) throws(LiveStateError) -> Metadata {
        let statement = try connection.prepare("SELECT serial, revision, applied_at FROM state WHERE id = 1")
        guard try statement.step() else {
            throw LiveStateError(.corrupt, "the state table has no row", path: connection.path)
        }
        return Metadata(serial: Int(statement.int(0)), revision: statement.text(1), appliedAt: statement.text(2))
    }

    static func readObjects(_ connection: SQLiteConnection) throws(LiveStateError) -> [Manifest] {
        let rows = try readRows(connection)
        let path = connection.path
        let results = ParallelMap.map(rows) { row in
            Result { () throws(LiveStateError) in try decode(row.body, identity: row.identity, path: path) }
        }
        var manifests: [Manifest] = []
        manifests.reserveCapacity(results.count)
        for result in results { manifests.append(try result.get()) }
        return sorted(manifests)
    }

    /// Every row of `objects`, unparsed.
    static func readRows(_ connection: SQLiteConnection) throws(LiveStateError) -> [StoredObject] {
        let statement = try connection.prepare("SELECT api_group, kind, namespace, name, body FROM objects")
        var rows: [StoredObject] = []
        while try statement.step() {
            let identity = [statement.text(0) ?? "", statement.text(1) ?? "", statement.text(2) ?? "", statement.text(3) ?? ""]
            rows.append(StoredObject(identity: identity.joined(separator: "/"), body: statement.bytes(4)))
        }
        return rows
    }

    static func decode(_ bytes: [UInt8], identity: String, path: String) throws(LiveStateError) -> Manifest {
        let body: JSONValue
        do {
            body = try JSONReader.parse(bytes)
        } catch {
            throw LiveStateError(.corrupt, "object \(identity) is not valid JSON (\(error.reason) at byte \(error.offset))", path: path)
        }
        guard let manifest = Manifest(body: body) else {
            throw LiveStateError(.corrupt, "object \(identity) has no apiVersion, kind or metadata.name", path: path)
        }
        guard rowIdentity(manifest.key) == identity else {
            throw LiveStateError(.corrupt, "the row of \(identity) holds \(manifest.key)", path: path)
        }
        return manifest
    }

    /// The row's identity columns, joined as `readObjects` joins them.
    static func rowIdentity(_ key: ObjectKey) -> String {
        "\(key.group)/\(key.kind)/\(key.namespace ?? "")/\(key.name)"
    }

    static func sorted(_ manifests: [Manifest]) -> [Manifest] {
        let order = manifests.indices.sorted { manifests[$0].key < manifests[$1].key }
        return order.map { manifests[$0] }
    }

    /// Takes the exclusive lock; fails at once when another process holds it. Creates the database
    /// on first use, moving a directory of the earlier layout into it in the same transaction.
    public func lock() throws(LiveStateError) -> LockedLocalState {
        try FileIO.makeDirectories(root)
        let path = "\(root)/.lock"
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw LiveStateError(.io, "cannot open lock: \(FileIO.errorText())", path: path) }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let holder = (try? FileIO.readAll(path)).map { String(decoding: $0, as: UTF8.self) } ?? ""
            close(fd)
            throw LiveStateError(.locked, "the state is locked by another apply\(holder.isEmpty ? "" : " (pid \(holder))")",
                                 path: root)
        }
        ftruncate(fd, 0)
        let pid = Array(String(getpid()).utf8)
        _ = pid.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        do {
            let connection = try openForWriting()
            return try LockedLocalState(store: self, lockDescriptor: fd, connection: connection)
        } catch {
            flock(fd, LOCK_UN)
            close(fd)
            throw error
        }
    }

    /// Opens (creating when missing) the database, initialized in this build's format.
    private func openForWriting() throws(LiveStateError) -> SQLiteConnection {
        if !FileIO.exists(databasePath) {
            // Mode 0600 from the start: release values may hold secrets. SQLite's journal takes the same mode.
            let fd = open(databasePath, O_WRONLY | O_CREAT | O_CLOEXEC, 0o600)
            guard fd >= 0 else { throw LiveStateError(.io, "cannot create: \(FileIO.errorText())", path: databasePath) }
            close(fd)
            FileIO.syncDirectory(root)
        }
        let connection = try SQLiteConnection(path: databasePath, mode: .readWrite)
        if try !Self.checkFormat(connection) {
            try LocalStateMigration(store: self, connection: connection).initialize()
        } else if legacy.exists, try LocalStateMigration.wasMigrated(connection) {
            // Killed after the migration committed and before the old files were moved aside.
            try LocalStateMigration(store: self, connection: connection).moveLegacyAside()
        }
        return connection
    }
}
