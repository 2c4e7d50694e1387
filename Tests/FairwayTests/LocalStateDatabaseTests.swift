import Foundation
import Testing
import FairwayCore
@testable import FairwayLive

/// The local state's database (`state.sqlite`): corrupt rows named, files that are no database kept,
/// names bound as data, the earlier file layout read and migrated, and the `sqlite3` CLI reading it.
@Suite struct LocalStateDatabaseTests {
    private func withTemporaryRoot(_ body: (String) throws -> Void) throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("fairway-db-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: url) }
        try body(url.path)
    }

    private static func manifest(_ kind: String, _ name: String, namespace: String? = nil, apiVersion: String = "v1") -> Manifest {
        let metadata: JSONValue = namespace.map { ["name": .string(name), "namespace": .string($0)] } ?? ["name": .string(name)]
        return Manifest(body: ["kind": .string(kind), "apiVersion": .string(apiVersion), "metadata": metadata,
                               "data": ["k": "v"]])!
    }

    private static let desired: [Manifest] = [
        manifest("Deployment", "web", namespace: "team-a", apiVersion: "apps/v1"),
        manifest("ConfigMap", "cfg", namespace: "team-a"),
        manifest("Namespace", "team-a"),
    ]

    @Test func corruptRowsAreNamed() throws {
        try withTemporaryRoot { root in
            let store = LocalStateStore(root: root)
            let locked = try store.lock()
            defer { locked.unlock() }
            try locked.put(Self.desired[2])
            try locked.flush()
            let database = try SQLiteConnection(path: store.databasePath, mode: .readWrite)
            defer { database.close() }
            func setBroken(_ body: String) throws {
                let insert = try database.prepare("INSERT OR REPLACE INTO objects VALUES ('', 'ConfigMap', 'team-a', 'broken', ?)")
                insert.bind(1, body)
                try insert.run()
            }

            try setBroken("{\"kind\": ")
            let notJSON = try #require(throws: LiveStateError.self) { try store.listObjects() }
            #expect(notJSON.code == .corrupt)
            #expect(notJSON.path == store.databasePath)
            #expect(notJSON.description.hasPrefix(store.databasePath))
            #expect(notJSON.message.contains("/ConfigMap/team-a/broken is not valid JSON"), "\(notJSON)")

            try setBroken(JSONWriter.string(Self.manifest("ConfigMap", "other", namespace: "team-a").body))
            let elsewhere = try #require(throws: LiveStateError.self) { try store.listObjects() }
            #expect(elsewhere.code == .corrupt && elsewhere.message.contains("holds ConfigMap/team-a/other"), "\(elsewhere)")

            try setBroken(#"{"kind": "ConfigMap"}"#)
            let incomplete = try #require(throws: LiveStateError.self) { try store.listObjects() }
            #expect(incomplete.code == .corrupt && incomplete.message.contains("has no apiVersion"))

            try database.execute("DELETE FROM objects WHERE name = 'broken'")
            #expect(try store.listObjects().count == 1)

            try database.execute("PRAGMA user_version = 7")
            let newer = try #require(throws: LiveStateError.self) { try store.serial() }
            #expect(newer.code == .corrupt && newer.message.contains("format 7; this Fairway reads format 2"), "\(newer)")
        }
    }

    @Test func aFileThatIsNoDatabaseIsNamedAndKept() throws {
        try withTemporaryRoot { root in
            try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
            let store = LocalStateStore(root: root)
            let garbage = Data(String(repeating: "not a database\n", count: 512).utf8)
            try garbage.write(to: URL(fileURLWithPath: store.databasePath))
            let read = try #require(throws: LiveStateError.self) { try store.listObjects() }
            #expect(read.code == .corrupt && read.path == store.databasePath, "\(read)")
            let lock = try #require(throws: LiveStateError.self) { try store.lock() }
            #expect(lock.code == .corrupt && lock.path == store.databasePath, "\(lock)")
            // The failed lock released the lock again: a second try fails the same way, not as locked.
            let again = try #require(throws: LiveStateError.self) { try store.lock() }
            #expect(again.code == .corrupt)
            #expect(FileManager.default.contents(atPath: store.databasePath) == garbage, "nothing is ever lost")
        }
    }

    /// Names are data, bound as parameters: quotes and SQL in a name are stored as they are.
    @Test func namesAreStoredAsTheyAre() throws {
        try withTemporaryRoot { root in
            let locked = try LocalStateStore(root: root).lock()
            defer { locked.unlock() }
            let names = ["it's", "x'); DROP TABLE objects; --", "ünïcode", "a.b-c"]
            for name in names { try locked.put(Self.manifest("ConfigMap", name, namespace: "n")) }
            try locked.flush()
            #expect(try locked.listObjects().map(\.key.name).sorted() == names.sorted())
        }
    }

    /// What is not flushed is rolled back: by `unlock`, and by the next reader after a crash.
    @Test func unflushedWritesAreRolledBack() throws {
        try withTemporaryRoot { root in
            let store = LocalStateStore(root: root)
            let locked = try store.lock()
            try locked.put(Self.desired[2])
            try locked.flush()
            try locked.put(Self.desired[1])
            try locked.delete(Self.desired[2].key)
            #expect(try store.listObjects().map(\.key) == [Self.desired[2].key], "other readers see the last commit")
            locked.unlock()
            #expect(try store.listObjects().map(\.key) == [Self.desired[2].key])
            #expect(try store.serial() == 0)
        }
    }

    // MARK: The earlier layout

    /// Writes a state in the layout of earlier releases (a JSON file per object).
    private static func writeLegacy(at root: String, serial: Int, objects: [Manifest], targets: JSONValue?) throws {
        for manifest in objects {
            let key = manifest.key
            let directory = "\(root)/objects/\(key.group.isEmpty ? "core" : key.group)/\(key.kind)/\(key.namespace ?? "_cluster")"
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            try Data(JSONWriter.string(manifest.body.sortedRecursively(), pretty: true).utf8)
                .write(to: URL(fileURLWithPath: "\(directory)/\(key.name).json"))
        }
        let metadata: JSONValue = ["format": 1, "serial": .int(Int64(serial)), "revision": "old-rev",
                                   "appliedAt": "2026-11-01T10:00:00Z"]
        try Data(JSONWriter.string(metadata).utf8).write(to: URL(fileURLWithPath: "\(root)/state.json"))
        if let targets { try Data(JSONWriter.string(targets).utf8).write(to: URL(fileURLWithPath: "\(root)/targets.json")) }
    }

    private static func entries(_ directory: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).sorted()
    }

    /// A state written by an earlier release is read as it is, and the first lock moves it into the
    /// database with its serial, objects and targets; the old files are kept aside.
    @Test func theEarlierLayoutIsReadAndMigratedByTheFirstLock() throws {
        try withTemporaryRoot { root in
            let targets: JSONValue = ["releases": [["name": "kueue", "namespace": "kueue-system"]], "nodeGroups": [:]]
            try Self.writeLegacy(at: root, serial: 7, objects: Self.desired, targets: targets)
            let store = LocalStateStore(root: root)
            #expect(try store.serial() == 7)
            #expect(try store.listObjects().map(\.key.description) == ["Namespace/team-a", "ConfigMap/team-a/cfg", "Deployment/team-a/web"])
            #expect(try store.targets() == targets)
            #expect(!FileManager.default.fileExists(atPath: store.databasePath), "a read changes nothing")

            let locked = try store.lock()
            #expect(try store.metadata() == LocalStateStore.Metadata(serial: 7, revision: "old-rev", appliedAt: "2026-11-01T10:00:00Z"))
            #expect(try store.listObjects().map(\.body) == Self.desired.reversed().map(\.body))
            #expect(try store.targets() == targets)
            #expect(Self.entries(root) == [".lock", "migrated-files", "state.sqlite"])
            #expect(Self.entries("\(root)/migrated-files") == ["objects", "state.json", "targets.json"])
            #expect(FileManager.default.fileExists(atPath: "\(root)/migrated-files/objects/apps/Deployment/team-a/web.json"))
            try locked.recordApplied(revision: "new-rev")
            locked.unlock()
            #expect(try store.serial() == 8)
            try store.lock().unlock()
            #expect(Self.entries("\(root)/migrated-files") == ["objects", "state.json", "targets.json"], "nothing more to move")
        }
    }

    /// Killed after the migration committed but before the old files were moved aside: the database is
    /// the state, and the next lock moves the old files aside.
    @Test func oldFilesLeftBesideAMigratedDatabaseAreMovedAside() throws {
        try withTemporaryRoot { root in
            try Self.writeLegacy(at: root, serial: 3, objects: Self.desired, targets: nil)
            let store = LocalStateStore(root: root)
            try store.lock().unlock()
            try FileManager.default.copyItem(atPath: "\(root)/migrated-files/state.json", toPath: "\(root)/state.json")
            #expect(try store.serial() == 3, "the database wins over files beside it")
            let locked = try store.lock()
            try locked.delete(Self.desired[0].key)
            try locked.recordApplied(revision: "r")
            locked.unlock()
            #expect(try store.serial() == 4)
            #expect(try store.listObjects().count == 2)
            #expect(!FileManager.default.fileExists(atPath: "\(root)/state.json"))
            #expect(Self.entries("\(root)/migrated-files") == ["objects", "state.json", "state.json.2"])
        }
    }

    /// The `sqlite3` CLI reads the state, as the README's queries show.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/sqlite3")
                   || ProcessInfo.processInfo.environment["CI"] == "true"))
    func theSQLiteCLIReadsTheState() throws {
        try withTemporaryRoot { root in
            let store = LocalStateStore(root: root)
            let locked = try store.lock()
            for manifest in Self.desired { try locked.put(manifest) }
            try locked.recordApplied(revision: "rev-9")
            locked.unlock()
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
            process.arguments = [store.databasePath,
                                 "SELECT serial, revision FROM state; SELECT kind, namespace, name FROM objects ORDER BY kind, name;"]
            let output = Pipe()
            process.standardOutput = output
            try process.run()
            let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            #expect(process.terminationStatus == 0)
            #expect(text == "1|rev-9\nConfigMap|team-a|cfg\nDeployment|team-a|web\nNamespace||team-a\n", "\(text)")
        }
    }
}

/// The objects table as `group/Kind/namespace/name` -> body text, read past the store.
enum LocalStateRowsReader {
    static func rows(in store: LocalStateStore) throws -> [String: String] {
        let database = try SQLiteConnection(path: store.databasePath, mode: .readOnly)
        defer { database.close() }
        let select = try database.prepare("SELECT api_group, kind, namespace, name, body FROM objects")
        var rows: [String: String] = [:]
        while try select.step() {
            let key = (0..<4).map { select.text(Int32($0)) ?? "" }.joined(separator: "/")
            rows[key] = select.text(4)
        }
        return rows
    }
}
