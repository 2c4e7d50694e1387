import Foundation
import Logging
import Testing
import FairwayCore
import FairwayDiff
@testable import FairwayApply
@testable import FairwayLive

/// The embedded live state (`LocalStateStore`) and applying plans to it (`Applier`).
@Suite struct LocalStateTests {
    /// Runs `body` with the path of a fresh directory that does not exist yet, removing it afterwards.
    private func withTemporaryRoot(_ body: (String) throws -> Void) throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("fairway-state-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: url) }
        try body(url.path)
    }

    private static func manifest(_ kind: String, _ name: String, namespace: String? = nil, apiVersion: String = "v1",
                                 data: JSONValue = [:]) -> Manifest {
        var metadata: JSONValue = ["name": .string(name), "labels": [Ownership.managedByLabel: "fairway"]]
        if let namespace, case var .object(m) = metadata {
            m["namespace"] = .string(namespace)
            metadata = .object(m)
        }
        let body: JSONValue = ["kind": .string(kind), "apiVersion": .string(apiVersion), "metadata": metadata,
                               "data": data]
        return Manifest(body: body)!
    }

    private static let desired: [Manifest] = [
        manifest("Deployment", "web", namespace: "team-a", apiVersion: "apps/v1", data: ["replicas": 2]),
        manifest("ConfigMap", "cfg", namespace: "team-a", data: ["z": "1", "a": "2"]),
        manifest("Namespace", "team-a"),
    ]

    private static func files(under root: String) -> [String] {
        guard let enumerator = FileManager.default.enumerator(atPath: root) else { return [] }
        return enumerator.compactMap { $0 as? String }.sorted()
    }

    private static let applier = Applier(logger: Logger(label: "fairway.tests"))

    // MARK: Store

    @Test func emptyStateListsNothing() throws {
        try withTemporaryRoot { root in
            let store = LocalStateStore(root: root)
            #expect(try store.listObjects().isEmpty)
            #expect(try store.serial() == 0)
            try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
            #expect(try store.listObjects().isEmpty)
            #expect(try store.metadata() == LocalStateStore.Metadata(serial: 0, revision: nil, appliedAt: nil))
        }
    }

    @Test func writesUnderTheLock() throws {
        try withTemporaryRoot { root in
            let store = LocalStateStore(root: root + "/")
            #expect(store.root == root)
            let locked = try store.lock()
            for manifest in Self.desired { try locked.put(manifest) }
            #expect(try store.listObjects().isEmpty, "staged changes are not visible before flush")
            try locked.flush()
            let listed = try store.listObjects()
            #expect(listed.map(\.key.description) == ["Namespace/team-a", "ConfigMap/team-a/cfg", "Deployment/team-a/web"])
            #expect(listed.map(\.body) == Self.desired.reversed().map(\.body))
            #expect(try locked.listObjects() == listed)
            // Stored canonically: keys sorted, one row per object.
            let rows = try LocalStateRowsReader.rows(in: store)
            #expect(rows.count == 3)
            #expect(rows["/ConfigMap/team-a/cfg"] == JSONWriter.string(Self.desired[1].body.sortedRecursively()))
            #expect(rows["/Namespace//team-a"] != nil && rows["apps/Deployment/team-a/web"] != nil)

            #expect(try store.serial() == 0)
            try locked.recordApplied(revision: "rev-1")
            let metadata = try store.metadata()
            #expect(metadata.serial == 1 && metadata.revision == "rev-1")
            let appliedAt = try #require(metadata.appliedAt)
            #expect(appliedAt.count == 20 && appliedAt.hasSuffix("Z") && appliedAt.contains("T"))

            try locked.delete(Self.desired[0].key)
            try locked.delete(Self.desired[0].key)  // deleting what is gone is fine
            try locked.flush()
            #expect(try store.listObjects().map(\.key.description) == ["Namespace/team-a", "ConfigMap/team-a/cfg"])
            try locked.recordApplied(revision: "rev-2")
            #expect(try locked.serial() == 2)
            #expect(try store.metadata().revision == "rev-2")

            // Replacing an object keeps one file with the new body.
            try locked.put(Self.manifest("ConfigMap", "cfg", namespace: "team-a", data: ["only": "this"]))
            try locked.flush()
            #expect(try store.listObjects().count == 2)
            #expect(try store.listObjects().last?.body["data"] == ["only": "this"])
            locked.unlock()
            #expect(Self.files(under: root) == [".lock", "state.sqlite"], "no journal left behind")
            let mode = (try FileManager.default.attributesOfItem(atPath: store.databasePath)[.posixPermissions] as? Int) ?? 0
            #expect(mode & 0o077 == 0, "release values may hold secrets: the database is the owner's alone")
        }
    }

    @Test func secondLockFailsWhileTheFirstIsHeld() throws {
        try withTemporaryRoot { root in
            let store = LocalStateStore(root: root)
            let first = try store.lock()
            let error = try #require(throws: LiveStateError.self) { try LocalStateStore(root: root).lock() }
            #expect(error.code == .locked)
            #expect(error.path == root)
            #expect(error.message.contains("pid \(getpid())"))
            first.unlock()
            let second = try store.lock()
            try second.put(Self.desired[2])
            try second.flush()
            second.unlock()
            #expect(try store.listObjects().count == 1)
        }
    }

    @Test func writesAfterUnlockAreRefused() throws {
        try withTemporaryRoot { root in
            let locked = try LocalStateStore(root: root).lock()
            locked.unlock()
            locked.unlock()  // idempotent
            let put = try #require(throws: LiveStateError.self) { try locked.put(Self.desired[2]) }
            #expect(put.code == .notLocked)
            let delete = try #require(throws: LiveStateError.self) { try locked.delete(Self.desired[2].key) }
            #expect(delete.code == .notLocked)
            let record = try #require(throws: LiveStateError.self) { try locked.recordApplied(revision: "x") }
            #expect(record.code == .notLocked)
            #expect(try locked.store.listObjects().isEmpty)
            #expect(try locked.serial() == 0)
        }
    }

    // MARK: Applier

    private static func plan(_ desired: [Manifest], against state: some LiveStateReader,
                             revision: String = "rev") throws -> Plan {
        Differ.plan(desired: desired, tenantOf: [:], live: try state.listObjects(), liveSerial: try state.serial(),
                    revision: revision)
    }

    /// A body carrying a mask (a value shown as "(sensitive value)") is refused: writing it would
    /// replace the secret with the mask.
    @Test func aMaskIsNeverWritten() throws {
        try withTemporaryRoot { root in
            let locked = try LocalStateStore(root: root).lock()
            defer { locked.unlock() }
            let masked = Self.manifest("Secret", "s", namespace: "team-a", data: ["token": Sensitive.mask])
            let report = try Self.applier.apply(try Self.plan([masked], against: locked), to: locked)
            #expect(!report.succeeded)
            #expect(report.failed?.error?.contains("holds a masked value") == true)
            #expect(try locked.listObjects().isEmpty)
        }
    }

    @Test func appliedPlanConverges() throws {
        try withTemporaryRoot { root in
            let locked = try LocalStateStore(root: root).lock()
            defer { locked.unlock() }
            let first = try Self.plan(Self.desired, against: locked, revision: "r1")
            #expect(first.counts.create == 3)
            let calls = Counter()
            let report = try Self.applier.apply(first, to: locked) { calls.add($0.done, $0.total) }
            #expect(report.succeeded && report.appliedCount == 3 && report.skippedCount == 0 && report.failed == nil)
            #expect(report.results.compactMap(\.key) == first.changes.map(\.key))
            #expect(report.revision == "r1")
            #expect(calls.values == [(1, 3), (2, 3), (3, 3)].map { [$0.0, $0.1] })
            #expect(try locked.serial() == 1)
            #expect(try locked.store.metadata().revision == "r1")

            let again = try Self.plan(Self.desired, against: locked)
            #expect(!again.hasChanges)
            #expect(again.unchanged == 3)

            // Dropping an object deletes it on the next apply.
            let fewer = try Self.plan(Array(Self.desired.dropFirst()), against: locked, revision: "r2")
            #expect(fewer.changes.map(\.action) == [.delete])
            #expect(try Self.applier.apply(fewer, to: locked).succeeded)
            #expect(try locked.listObjects().map(\.key) == Self.desired.dropFirst().map(\.key).sorted())
            #expect(try locked.serial() == 2)
        }
    }

    @Test func refusedPlansChangeNothing() throws {
        try withTemporaryRoot { root in
            let locked = try LocalStateStore(root: root).lock()
            defer { locked.unlock() }
            var refused = try Self.plan(Self.desired, against: locked)
            refused.blockers = [Refusal(.unownedObject, "ConfigMap/team-a/cfg exists but is not managed by Fairway")]
            let refusal = try #require(throws: ApplyRefusal.self) { try Self.applier.apply(refused, to: locked) }
            #expect(refusal.reasons == refused.refusals)
            #expect(try locked.listObjects().isEmpty && locked.serial() == 0)

            let stale = try Self.plan(Self.desired, against: locked)
            try locked.recordApplied(revision: "someone else")
            let staleRefusal = try #require(throws: ApplyRefusal.self) { try Self.applier.apply(stale, to: locked) }
            #expect(staleRefusal.description.contains("serial 0, now 1"))
            #expect(try locked.listObjects().isEmpty && locked.serial() == 1)
        }
    }

    @Test func failureStopsAndSkipsTheRest() throws {
        try withTemporaryRoot { root in
            let locked = try LocalStateStore(root: root).lock()
            defer { locked.unlock() }
            var plan = try Self.plan(Self.desired, against: locked)
            plan.changes[1].desired = nil
            let report = try Self.applier.apply(plan, to: locked)
            #expect(report.results.map(\.outcome) == [.applied, .failed, .skipped])
            #expect(!report.succeeded && report.appliedCount == 1 && report.skippedCount == 1)
            #expect(report.failed?.key == plan.changes[1].key)
            #expect(try locked.listObjects().map(\.key) == [plan.changes[0].key])
            #expect(try locked.serial() == 0)  // not recorded, so the next plan re-does the rest
        }
    }
}

/// Collects progress callbacks.
private final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [[Int]] = []
    var values: [[Int]] { lock.withLock { stored } }
    func add(_ done: Int, _ total: Int) { lock.withLock { stored.append([done, total]) } }
}
