import FairwayCore

/// Discovery: which kinds the server serves, under which resource names. Aggregated discovery
/// first (`/api` and `/apis` as `APIGroupDiscoveryList`, two requests), falling back to the older
/// documents (`/api/v1`, `/apis`, then one per group version) when a server does not offer it.
/// The result is cached; `refreshDiscovery()` reads it again (after CRDs were created).
extension KubernetesClient {
    static let aggregatedAccept = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,"
        + "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json"

    /// The cached discovery, read on first use.
    public func discovery() async throws -> DiscoveryMap {
        let task = state.withLock { state in
            if let task = state.discovery { return task }
            let task = Task { try await self.discover() }
            state.discovery = task
            return task
        }
        do {
            return try await task.value
        } catch {
            // A failed read is not cached: the next call tries again.
            state.withLock { state in if state.discovery == task { state.discovery = nil } }
            throw error
        }
    }

    /// Reads discovery again, e.g. after CustomResourceDefinitions were created.
    @discardableResult
    public func refreshDiscovery() async throws -> DiscoveryMap {
        state.withLock { $0.discovery = nil }
        return try await discovery()
    }

    /// The resource serving `kind`; when the cache has none, discovery is read again once (the kind's
    /// CRD may be new). Throws `.unknownKind` when the server does not serve it.
    public func resource(for kind: GroupVersionKind, key: ObjectKey? = nil) async throws -> APIResource {
        if let resource = try await discovery().resource(for: kind) { return resource }
        if let resource = try await refreshDiscovery().resource(for: kind) { return resource }
        throw KubernetesError(.unknownKind, "the server does not serve \(kind) (is its CustomResourceDefinition installed?)",
                              server: connection.server, key: key)
    }

    private func discover() async throws -> DiscoveryMap {
        var resources: [APIResource] = []
        for root in ["/api", "/apis"] {
            if options.aggregatedDiscovery, let found = try await aggregated(root) {
                resources += found
            } else {
                resources += try await legacy(root)
            }
        }
        return DiscoveryMap(resources)
    }

    /// The kinds in an aggregated discovery document, or nil when the server sent another format.
    private func aggregated(_ root: String) async throws -> [APIResource]? {
        let response = try await send(KubeRequest(path: root, accept: Self.aggregatedAccept, accepting: [404, 406, 415]))
        guard response.status == 200, response.contentType.contains("as=APIGroupDiscoveryList") else { return nil }
        let json = try decode(response.body, path: root)
        var resources: [APIResource] = []
        for group in json["items"]?.arrayValue ?? [] {
            let groupName = group["metadata"]?["name"]?.stringValue ?? ""
            for version in group["versions"]?.arrayValue ?? [] {
                let versionName = version["version"]?.stringValue ?? ""
                for entry in version["resources"]?.arrayValue ?? [] {
                    guard let plural = entry["resource"]?.stringValue, let kind = entry["responseKind"]?["kind"]?.stringValue,
                          !kind.isEmpty
                    else { continue }
                    resources.append(APIResource(
                        kind: GroupVersionKind(group: groupName, version: versionName, kind: kind), plural: plural,
                        namespaced: entry["scope"]?.stringValue == "Namespaced",
                        verbs: entry["verbs"]?.arrayValue?.compactMap(\.stringValue) ?? []))
                }
            }
        }
        return resources
    }

    /// The kinds from the per-group-version documents, read with bounded concurrency.
    private func legacy(_ root: String) async throws -> [APIResource] {
        var groupVersions: [(group: String, version: String)] = []
        if root == "/api" {
            let versions = try decode(try await send(KubeRequest(path: "/api")).body, path: "/api")
            groupVersions = (versions["versions"]?.arrayValue ?? []).compactMap(\.stringValue).map { ("", $0) }
        } else {
            let groups = try decode(try await send(KubeRequest(path: "/apis")).body, path: "/apis")
            for group in groups["groups"]?.arrayValue ?? [] {
                guard let name = group["name"]?.stringValue else { continue }
                for version in group["versions"]?.arrayValue ?? [] {
                    if let version = version["version"]?.stringValue { groupVersions.append((name, version)) }
                }
            }
        }
        let lists = try await withBoundedConcurrency(groupVersions, limit: options.concurrency) { groupVersion in
            let path = groupVersion.group.isEmpty ? "/api/\(groupVersion.version)" : "/apis/\(groupVersion.group)/\(groupVersion.version)"
            // A group version can vanish between the two reads (a CRD deleted): skip it.
            let response = try await self.send(KubeRequest(path: path, accepting: [404]))
            guard response.status == 200 else { return [APIResource]() }
            let json = try self.decode(response.body, path: path)
            return (json["resources"]?.arrayValue ?? []).compactMap { entry -> APIResource? in
                guard let plural = entry["name"]?.stringValue, !plural.contains("/"), let kind = entry["kind"]?.stringValue else {
                    return nil
                }
                return APIResource(kind: GroupVersionKind(group: groupVersion.group, version: groupVersion.version, kind: kind),
                                   plural: plural, namespaced: entry["namespaced"] == .bool(true),
                                   verbs: entry["verbs"]?.arrayValue?.compactMap(\.stringValue) ?? [])
            }
        }
        return lists.flatMap { $0 }
    }

    /// A JSON answer's body, or a `.badResponse` error naming the path.
    func decode(_ body: [UInt8], path: String, key: ObjectKey? = nil) throws -> JSONValue {
        do {
            return try JSONReader.parse(body)
        } catch {
            throw KubernetesError(.badResponse, "the answer is not JSON: \(error)", server: connection.server, key: key, path: path)
        }
    }
}
