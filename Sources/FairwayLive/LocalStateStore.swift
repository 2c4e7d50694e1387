#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CFairwaySys
import FairwayCore

/// The embedded live state: a directory holding the last applied objects, one JSON file each
/// (`objects/<group>/<Kind>/<namespace>/<name>.json`), plus `state.json` with the serial and the last
/// applied revision. Every write is atomic. Writes need the exclusive lock (`lock()`), so two applies
/// can never interleave; reads need no lock.
public final class LocalStateStore: LiveStateReader, @unchecked Sendable {
    public let root: String

    public init(root: String) {
        self.root = root.count > 1 && root.hasSuffix("/") ? String(root.dropLast()) : root
    }

    var objectsRoot: String { "\(root)/objects" }
    var metadataPath: String { "\(root)/state.json" }

    /// What `state.json` records.
    public struct Metadata: Sendable, Equatable {
        public var serial: Int
        public var revision: String?
        public var appliedAt: String?
    }

    public func metadata() throws(LiveStateError) -> Metadata {
        guard FileIO.exists(metadataPath) else { return Metadata(serial: 0, revision: nil, appliedAt: nil) }
        let bytes = try FileIO.readAll(metadataPath)
        guard let json = try? JSONReader.parse(bytes), case let .int(serial)? = json["serial"] else {
            throw LiveStateError(.corrupt, "state metadata is not valid JSON with a serial", path: metadataPath)
        }
        return Metadata(serial: Int(serial), revision: json["revision"]?.stringValue, appliedAt: json["appliedAt"]?.stringValue)
    }

    public func serial() throws(LiveStateError) -> Int { try metadata().serial }

    public func listObjects() throws(LiveStateError) -> [Manifest] {
        var paths: [String] = []
        for group in FileIO.list(objectsRoot) {
            for kind in FileIO.list("\(objectsRoot)/\(group)") {
                for namespace in FileIO.list("\(objectsRoot)/\(group)/\(kind)") {
                    let directory = "\(objectsRoot)/\(group)/\(kind)/\(namespace)"
                    for file in FileIO.list(directory) where file.hasSuffix(".json") {
                        paths.append("\(directory)/\(file)")
                    }
                }
            }
        }
        let results = ParallelMap.map(paths) { path in Result { () throws(LiveStateError) in try readObject(path) } }
        var manifests: [Manifest] = []
        manifests.reserveCapacity(results.count)
        for result in results { manifests.append(try result.get()) }
        let order = manifests.indices.sorted { manifests[$0].key < manifests[$1].key }
        return order.map { manifests[$0] }
    }

    private func readObject(_ path: String) throws(LiveStateError) -> Manifest {
        let bytes = try FileIO.readAll(path)
        let body: JSONValue
        do {
            body = try JSONReader.parse(bytes)
        } catch {
            throw LiveStateError(.corrupt, "not valid JSON (\(error.reason) at byte \(error.offset))", path: path)
        }
        guard let manifest = Manifest(body: body) else {
            throw LiveStateError(.corrupt, "object has no apiVersion, kind or metadata.name", path: path)
        }
        guard objectPath(manifest.key) == path else {
            throw LiveStateError(.corrupt, "file holds \(manifest.key), which belongs elsewhere", path: path)
        }
        return manifest
    }

    /// The file that holds an object.
    func objectPath(_ key: ObjectKey) -> String {
        let group = key.group.isEmpty ? "core" : key.group
        return "\(objectsRoot)/\(group)/\(key.kind)/\(key.namespace ?? "_cluster")/\(key.name).json"
    }

    /// Takes the exclusive lock; fails at once when another process holds it.
    public func lock() throws(LiveStateError) -> LockedLocalState {
        try FileIO.makeDirectories(root)
        let path = "\(root)/.lock"
        let fd = open(path, O_RDWR | O_CREAT, 0o644)
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
        return LockedLocalState(store: self, lockDescriptor: fd)
    }
}

/// The local state while this process holds its lock: the only way to change it. Release with `unlock()`.
///
/// `put` and `delete` stage their change (a put writes its temporary file); `flush` makes the staged
/// files durable with one file-system sync, renames and unlinks in order, and syncs again so the
/// directory entries are durable too. Each file is replaced atomically; a crash before `flush` leaves the previous
/// state, and staged temporary files are removed on `unlock`.
public final class LockedLocalState: LiveStateReader, LiveStateWriter, Sendable {
    private enum Staged: Sendable {
        case put(temporary: String, path: String)
        case delete(path: String)
    }

    /// What changes while the lock is held, guarded so concurrent stagers cannot lose a change.
    private struct State: Sendable {
        var lockDescriptor: Int32
        var staged: [Staged] = []
        var createdDirectories: Set<String> = []
    }

    public let store: LocalStateStore
    private let state: Locked<State>

    init(store: LocalStateStore, lockDescriptor: Int32) {
        self.store = store
        state = Locked(State(lockDescriptor: lockDescriptor))
    }

    deinit { unlock() }

    public func unlock() {
        state.withLock { state in
            guard state.lockDescriptor >= 0 else { return }
            for case let .put(temporary, _) in state.staged { unlink(temporary) }
            state.staged.removeAll()
            flock(state.lockDescriptor, LOCK_UN)
            close(state.lockDescriptor)
            state.lockDescriptor = -1
        }
    }

    /// The lock's descriptor; throws when the lock was released.
    @discardableResult
    private func requireLock() throws(LiveStateError) -> Int32 {
        let descriptor = state.withLock { $0.lockDescriptor }
        guard descriptor >= 0 else { throw LiveStateError(.notLocked, "the state lock was released", path: store.root) }
        return descriptor
    }

    public func listObjects() throws(LiveStateError) -> [Manifest] { try store.listObjects() }
    public func serial() throws(LiveStateError) -> Int { try store.serial() }

    public func put(_ manifest: Manifest) throws(LiveStateError) {
        try requireLock()
        let key = manifest.key
        for part in [key.group, key.kind, key.namespace ?? "", key.name] where part.contains("/") || part == ".." {
            throw LiveStateError(.io, "refusing an object whose identity contains a path separator: \(key)")
        }
        let path = store.objectPath(key)
        try makeDirectories(FileIO.directory(of: path))
        let temporary = try FileIO.writeTemporary(JSONWriter.bytes(manifest.body.sortedRecursively(), pretty: true),
                                                  beside: path, sync: false)
        state.withLock { $0.staged.append(.put(temporary: temporary, path: path)) }
    }

    public func delete(_ key: ObjectKey) throws(LiveStateError) {
        try requireLock()
        let path = store.objectPath(key)
        state.withLock { $0.staged.append(.delete(path: path)) }
    }

    /// Stages `bytes` to replace the file at `path` (in the state's root) at the next flush.
    func stage(_ bytes: [UInt8], at path: String, mode: mode_t) throws(LiveStateError) {
        try requireLock()
        let temporary = try FileIO.writeTemporary(bytes, beside: path, sync: false, mode: mode)
        state.withLock { $0.staged.append(.put(temporary: temporary, path: path)) }
    }

    /// Creates `directory` and its parents, remembering what exists so each is made (or found) once.
    private func makeDirectories(_ directory: String) throws(LiveStateError) {
        guard !state.withLock({ $0.createdDirectories.contains(directory) }) else { return }
        let parent = FileIO.directory(of: directory)
        if parent != directory && parent != "." && !parent.isEmpty { try makeDirectories(parent) }
        if mkdir(directory, 0o755) != 0 && errno != EEXIST {
            throw LiveStateError(.io, "cannot create directory: \(FileIO.errorText())", path: directory)
        }
        state.withLock { _ = $0.createdDirectories.insert(directory) }
    }

    public func flush() throws(LiveStateError) {
        let lockDescriptor = try requireLock()
        let work = state.withLock { state -> [Staged] in
            defer { state.staged.removeAll() }
            return state.staged
        }
        guard !work.isEmpty else { return }
        guard fairway_syncfs(lockDescriptor) == 0 else {
            let message = "cannot sync the file system: \(FileIO.errorText())"
            state.withLock { $0.staged = work + $0.staged }  // still staged: unlock removes the temporaries
            throw LiveStateError(.io, message, path: store.root)
        }
        for (index, change) in work.enumerated() {
            switch change {
            case let .put(temporary, path):
                guard rename(temporary, path) == 0 else {
                    let message = "cannot rename into place: \(FileIO.errorText())"
                    for case let .put(rest, _) in work[index...] { unlink(rest) }
                    throw LiveStateError(.io, message, path: path)
                }
            case let .delete(path):
                try FileIO.remove(path)
            }
        }
        // One more file-system sync makes the renames and unlinks (directory entries) durable.
        guard fairway_syncfs(lockDescriptor) == 0 else {
            throw LiveStateError(.io, "cannot sync the file system: \(FileIO.errorText())", path: store.root)
        }
    }

    public func recordApplied(revision: String) throws(LiveStateError) {
        try requireLock()
        try flush()
        let next = try store.metadata().serial + 1
        let metadata: JSONValue = [
            "format": 1,
            "serial": .int(Int64(next)),
            "revision": .string(revision),
            "appliedAt": .string(WallTime.now().rfc3339),
        ]
        try FileIO.writeAtomically(JSONWriter.bytes(metadata, pretty: true), to: store.metadataPath)
    }
}
