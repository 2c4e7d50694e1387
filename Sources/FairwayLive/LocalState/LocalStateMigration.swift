#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FairwayCore

/// Creates the state database's tables and, when the directory still holds the earlier layout
/// (`LegacyStateDirectory`), copies its serial, objects and targets in the same transaction: killed
/// before the commit, the database stays empty and the old files stay the state; after it, the old
/// files are moved to `migrated-files/` (kept, never deleted).
struct LocalStateMigration {
    let store: LocalStateStore
    let connection: SQLiteConnection

    static let schema = """
        CREATE TABLE IF NOT EXISTS state (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            serial INTEGER NOT NULL,
            revision TEXT,
            applied_at TEXT,
            migrated_from_files INTEGER NOT NULL DEFAULT 0
        );
        CREATE TABLE IF NOT EXISTS objects (
            api_group TEXT NOT NULL,
            kind TEXT NOT NULL,
            namespace TEXT NOT NULL,
            name TEXT NOT NULL,
            body TEXT NOT NULL,
            PRIMARY KEY (api_group, kind, namespace, name)
        ) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS targets (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            body TEXT NOT NULL
        );
        """

    static func wasMigrated(_ connection: SQLiteConnection) throws(LiveStateError) -> Bool {
        let statement = try connection.prepare("SELECT migrated_from_files FROM state WHERE id = 1")
        return try statement.step() && statement.int(0) != 0
    }

    func initialize() throws(LiveStateError) {
        let legacy = store.legacy
        let migrating = legacy.exists
        try connection.execute("BEGIN IMMEDIATE")
        do {
            try connection.execute(Self.schema)
            let metadata = migrating ? try legacy.metadata() : LocalStateStore.Metadata(serial: 0, revision: nil, appliedAt: nil)
            let state = try connection.prepare(
                "INSERT INTO state (id, serial, revision, applied_at, migrated_from_files) VALUES (1, ?, ?, ?, ?)")
            state.bind(1, Int64(metadata.serial))
            if let revision = metadata.revision { state.bind(2, revision) } else { state.bindNull(2) }
            if let appliedAt = metadata.appliedAt { state.bind(3, appliedAt) } else { state.bindNull(3) }
            state.bind(4, migrating ? 1 : 0)
            try state.run()
            if migrating {
                let writer = try LocalStateRows(connection)
                for manifest in try legacy.listObjects() { try writer.put(manifest) }
                if let targets = try legacy.targets() { try writer.putTargets(targets) }
            }
            try connection.execute("PRAGMA user_version = \(LocalStateStore.format)")
            try connection.execute("COMMIT")
        } catch {
            try? connection.execute("ROLLBACK")
            throw error
        }
        if migrating { try moveLegacyAside() }
    }

    /// Moves the earlier layout's files into `migrated-files/`, where they stay for the user to remove.
    func moveLegacyAside() throws(LiveStateError) {
        let legacy = store.legacy
        let aside = "\(store.root)/migrated-files"
        try FileIO.makeDirectories(aside)
        for entry in legacy.entries where FileIO.exists("\(store.root)/\(entry)") {
            var target = "\(aside)/\(entry)"
            var attempt = 1
            while FileIO.exists(target) { attempt += 1; target = "\(aside)/\(entry).\(attempt)" }
            guard rename("\(store.root)/\(entry)", target) == 0 else {
                throw LiveStateError(.io, "cannot move the earlier state layout aside: \(FileIO.errorText())",
                                     path: "\(store.root)/\(entry)")
            }
        }
        FileIO.syncDirectory(store.root)
        FileIO.syncDirectory(aside)
    }
}

/// The prepared statements that write objects and targets, reused for every row of a transaction.
final class LocalStateRows: Sendable {
    private let upsert: SQLiteStatement
    private let remove: SQLiteStatement
    private let targets: SQLiteStatement

    init(_ connection: SQLiteConnection) throws(LiveStateError) {
        upsert = try connection.prepare(
            "INSERT OR REPLACE INTO objects (api_group, kind, namespace, name, body) VALUES (?, ?, ?, ?, ?)")
        remove = try connection.prepare("DELETE FROM objects WHERE api_group = ? AND kind = ? AND namespace = ? AND name = ?")
        targets = try connection.prepare("INSERT OR REPLACE INTO targets (id, body) VALUES (1, ?)")
    }

    func put(_ manifest: Manifest) throws(LiveStateError) {
        bindKey(upsert, manifest.key)
        upsert.bind(5, utf8: JSONWriter.canonicalBytes(manifest.body))
        try upsert.run()
    }

    func delete(_ key: ObjectKey) throws(LiveStateError) {
        bindKey(remove, key)
        try remove.run()
    }

    func putTargets(_ value: JSONValue) throws(LiveStateError) {
        targets.bind(1, utf8: JSONWriter.bytes(value.sortedRecursively()))
        try targets.run()
    }

    private func bindKey(_ statement: SQLiteStatement, _ key: ObjectKey) {
        statement.bind(1, key.group)
        statement.bind(2, key.kind)
        statement.bind(3, key.namespace ?? "")
        statement.bind(4, key.name)
    }
}
