import FairwayCore

/// The local state as Fairway wrote it before the state database (format 1): one canonical JSON
/// file per object under `objects/<group>/<Kind>/<namespace or _cluster>/<name>.json`, `state.json`
/// with the serial and last revision, and `targets.json`. Read-only: plans read it as it is, and the
/// first apply moves it into `state.sqlite` (`LocalStateStore.lock()`).
struct LegacyStateDirectory: Sendable {
    let root: String

    var objectsRoot: String { "\(root)/objects" }
    var metadataPath: String { "\(root)/state.json" }
    var targetsPath: String { "\(root)/targets.json" }

    /// What the old layout leaves in the state's directory, moved aside after a migration.
    var entries: [String] { ["objects", "state.json", "targets.json"] }

    var exists: Bool { FileIO.exists(metadataPath) || FileIO.isDirectory(objectsRoot) || FileIO.exists(targetsPath) }

    func metadata() throws(LiveStateError) -> LocalStateStore.Metadata {
        guard FileIO.exists(metadataPath) else { return LocalStateStore.Metadata(serial: 0, revision: nil, appliedAt: nil) }
        let bytes = try FileIO.readAll(metadataPath)
        guard let json = try? JSONReader.parse(bytes), case let .int(serial)? = json["serial"] else {
            throw LiveStateError(.corrupt, "state metadata is not valid JSON with a serial", path: metadataPath)
        }
        return LocalStateStore.Metadata(serial: Int(serial), revision: json["revision"]?.stringValue,
                                        appliedAt: json["appliedAt"]?.stringValue)
    }

    func listObjects() throws(LiveStateError) -> [Manifest] {
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
        return manifests
    }

    func targets() throws(LiveStateError) -> JSONValue? {
        guard FileIO.exists(targetsPath) else { return nil }
        let bytes = try FileIO.readAll(targetsPath)
        guard let json = try? JSONReader.parse(bytes), json.objectValue != nil else {
            throw LiveStateError(.corrupt, "the recorded Helm releases and node groups are not a JSON object", path: targetsPath)
        }
        return json
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

    /// The file that held an object.
    func objectPath(_ key: ObjectKey) -> String {
        let group = key.group.isEmpty ? "core" : key.group
        return "\(objectsRoot)/\(group)/\(key.kind)/\(key.namespace ?? "_cluster")/\(key.name).json"
    }
}
