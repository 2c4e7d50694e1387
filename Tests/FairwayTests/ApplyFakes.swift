import FairwayCore
@testable import FairwayApply
import FairwayKubernetes
import FairwayLive

/// A cluster in memory behind the applier's three backends, recording every call in order. Objects
/// get the status a controller would write (`ready`), kinds appear when a release that brings them
/// is installed, and failures can be planted per object, node group or release.
final class FakeCluster: ObjectBackend, NodeGroupBackend, ReleaseBackend, @unchecked Sendable {
    struct State {
        var calls: [String] = []
        var objects: [ObjectKey: JSONValue] = [:]
        var groups: [String: JSONValue] = [:]
        var releases: [String: Int] = [:]
        /// Kinds the API serves; nil serves every kind.
        var servedKinds: Set<String>?
        /// Kinds a release brings: installing it serves them.
        var kindsOfRelease: [String: Set<String>] = [:]
        var failing: [String: Error] = [:]
        /// Polls a waited object stays progressing before it becomes ready.
        var pollsUntilReady = 0
        var polls: [ObjectKey: Int] = [:]
    }

    let state = Locked(State())

    func record(_ call: String) throws {
        try state.withLock { state in
            state.calls.append(call)
            if let error = state.failing[call] { throw error }
        }
    }

    var calls: [String] { state.withLock { $0.calls } }

    // MARK: objects

    func apply(_ manifest: Manifest, force: Bool, returning: Bool) async throws -> Manifest {
        let served = state.withLock { $0.servedKinds.map { $0.contains(manifest.key.kind) } ?? true }
        guard served else {
            throw KubernetesError(.unknownKind, "the server does not serve \(manifest.key.kind)", server: "fake", key: manifest.key)
        }
        try record("apply \(manifest.key)\(force ? " force" : "")")
        var body = manifest.body
        if case var .object(object) = body {
            object["status"] = Self.status(for: manifest.key.kind, ready: state.withLock { $0.pollsUntilReady == 0 })
            body = .object(object)
        }
        state.withLock { $0.objects[manifest.key] = body }
        return Manifest(key: manifest.key, body: body)
    }

    func get(_ key: ObjectKey) async throws -> Manifest? {
        state.withLock { state in
            guard var body = state.objects[key] else { return nil }
            state.polls[key, default: 0] += 1
            if state.polls[key]! >= state.pollsUntilReady, case var .object(object) = body {
                object["status"] = Self.status(for: key.kind, ready: true)
                body = .object(object)
                state.objects[key] = body
            }
            return Manifest(key: key, body: body)
        }
    }

    func delete(_ key: ObjectKey) async throws {
        try record("delete \(key)")
        _ = state.withLock { $0.objects.removeValue(forKey: key) }
    }

    func list(_ kind: GroupVersionKind, namespace: String, labelSelector: String?) async throws -> [Manifest] {
        state.withLock { state in
            state.objects.filter { $0.key.kind == kind.kind && $0.key.namespace == namespace }
                .filter { entry in
                    guard let selector = labelSelector, let eq = selector.firstIndex(of: "=") else { return true }
                    let label = String(selector[..<eq]), value = String(selector[selector.index(after: eq)...])
                    return entry.value["metadata"]?["labels"]?[label]?.stringValue == value
                }
                .map { Manifest(key: $0.key, body: $0.value) }
        }
    }

    func refreshKinds() async throws {}

    static func status(for kind: String, ready: Bool) -> JSONValue {
        switch kind {
        case "CustomResourceDefinition":
            return ["conditions": [["type": "Established", "status": ready ? "True" : "False"]]]
        case "RayCluster":
            return ["state": ready ? "ready" : ""]
        default:
            return [:]
        }
    }

    // MARK: node groups

    func create(_ request: JSONValue) async throws -> JSONValue {
        let name = request["nodegroupName"]?.stringValue ?? "?"
        try record("create node group \(name)")
        state.withLock { $0.groups[name] = ["nodegroupName": .string(name), "status": "ACTIVE"] }
        return ["nodegroupName": .string(name), "status": "CREATING"]
    }

    func update(_ group: String, request: JSONValue) async throws -> String? {
        try record("update node group \(group) as \(request["nodegroupName"]?.stringValue ?? "?")")
        return "update-1"
    }

    func delete(_ group: String) async throws {
        try record("delete node group \(group)")
        _ = state.withLock { $0.groups.removeValue(forKey: group) }
    }

    func describe(_ group: String) async throws -> JSONValue? { state.withLock { $0.groups[group] } }

    func describeUpdate(_ group: String, id: String) async throws -> JSONValue? {
        try record("describe update \(id)")
        return ["id": .string(id), "status": "Successful"]
    }

    // MARK: releases

    func upgradeInstall(_ release: HelmRelease, timeout: Duration) async throws -> Int {
        try record("install \(release.namespace)/\(release.name)")
        return state.withLock { state in
            if let kinds = state.kindsOfRelease[release.name] { state.servedKinds?.formUnion(kinds) }
            state.releases[release.name, default: 0] += 1
            return state.releases[release.name]!
        }
    }

    func uninstall(name: String, namespace: String, timeout: Duration) async throws {
        try record("uninstall \(namespace)/\(name)")
    }
}

/// A plain error for planted failures.
struct PlantedFailure: Error, CustomStringConvertible {
    var description: String
}
