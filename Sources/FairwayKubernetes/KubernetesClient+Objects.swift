import FairwayCore
import NIOHTTP1

/// A page-by-page list's result: the items and the resourceVersion the (last) page was read at.
public struct ObjectList: Sendable {
    public var items: [Manifest]
    public var resourceVersion: String
}

/// What happened to an object asked to be deleted.
public enum DeleteOutcome: Sendable, Equatable {
    /// The server accepted the deletion; the object as it answered (with a deletionTimestamp while
    /// finalizers hold it), when it answered with one.
    case deleted(Manifest?)
    /// There was nothing to delete.
    case notFound
}

/// How dependents of a deleted object go (`propagationPolicy`).
public enum PropagationPolicy: String, Sendable {
    case foreground = "Foreground"
    case background = "Background"
    case orphan = "Orphan"
}

/// The object's verbs: get, list, server-side apply, delete.
extension KubernetesClient {
    /// The object, or nil when it does not exist. A namespaced key without a namespace is read in
    /// the connection's namespace.
    public func get(_ key: ObjectKey) async throws -> Manifest? {
        let resource = try await resource(for: GroupVersionKind(key), key: key)
        let path = resource.path(namespace: key.namespace ?? connection.namespace, name: key.name)
        let response = try await send(KubeRequest(path: path, key: key, accepting: [404]))
        guard response.status != 404 else { return nil }
        return try manifest(try decode(response.body, path: path, key: key), resource: resource, path: path)
    }

    /// Every object of a kind, in `namespace` or (nil) all namespaces, matching the selectors. Reads
    /// page by page (`pageSize`, default `options.pageSize`); when a continue token expires (410 Gone)
    /// it lists again from the start in one request, as kubectl does.
    public func list(_ kind: GroupVersionKind, namespace: String? = nil, labelSelector: String? = nil,
                     fieldSelector: String? = nil, pageSize: Int? = nil) async throws -> ObjectList {
        try await list(try await resource(for: kind), namespace: namespace, labelSelector: labelSelector,
                       fieldSelector: fieldSelector, pageSize: pageSize)
    }

    func list(_ resource: APIResource, namespace: String?, labelSelector: String?, fieldSelector: String?,
              pageSize: Int?) async throws -> ObjectList {
        let path = resource.path(namespace: namespace)
        var base: [(String, String)] = []
        if let labelSelector { base.append(("labelSelector", labelSelector)) }
        if let fieldSelector { base.append(("fieldSelector", fieldSelector)) }
        let limit = pageSize ?? options.pageSize
        var items: [Manifest] = []
        var continueToken: String?
        var paged = limit > 0
        while true {
            var query = base
            if paged { query.append(("limit", String(limit))) }
            if let continueToken { query.append(("continue", continueToken)) }
            let response = try await send(KubeRequest(path: path, query: query, accepting: continueToken == nil ? [] : [410]))
            if response.status == 410 {
                // The continue token expired: start again, unpaged, so it cannot expire again.
                items.removeAll()
                continueToken = nil
                paged = false
                continue
            }
            let json = try decode(response.body, path: path)
            guard let pageItems = json["items"]?.arrayValue else {
                throw KubernetesError(.badResponse, "the list has no items", server: connection.server, path: path)
            }
            items.reserveCapacity(items.count + pageItems.count)
            for item in pageItems { items.append(try manifest(item, resource: resource, path: path)) }
            let next = json["metadata"]?["continue"]?.stringValue ?? ""
            if next.isEmpty || !paged {
                return ObjectList(items: items, resourceVersion: json["metadata"]?["resourceVersion"]?.stringValue ?? "")
            }
            continueToken = next
        }
    }

    /// Server-side apply: sends the manifest as the intent of `fieldManager` and returns the object
    /// as the server stored it (or, with `dryRun`, would have). An apply that changes nothing leaves
    /// the resourceVersion as it was. Fields another manager owns make a 409 whose
    /// `KubernetesError.conflicts` names them, unless `force` takes them over. With `returning` false
    /// the answer is not decoded and `manifest` itself is returned (bulk applies that only need to
    /// know the write succeeded).
    public func apply(_ manifest: Manifest, fieldManager: String, force: Bool = false, dryRun: Bool = false,
                      returning: Bool = true) async throws -> Manifest {
        let key = manifest.key
        let resource = try await resource(for: GroupVersionKind(key), key: key)
        let path = resource.path(namespace: key.namespace ?? connection.namespace, name: key.name)
        var query = [("fieldManager", fieldManager)]
        if force { query.append(("force", "true")) }
        if dryRun { query.append(("dryRun", "All")) }
        // JSON is YAML, so the apply patch goes as JSON under the apply-patch content type.
        let response = try await send(KubeRequest(
            method: .PATCH, path: path, query: query, body: JSONWriter.bytes(manifest.body),
            contentType: "application/apply-patch+yaml", key: key))
        guard returning else { return manifest }
        return try self.manifest(try decode(response.body, path: path, key: key), resource: resource, path: path)
    }

    /// Deletes the object. With `preconditions`, only the object with that uid or resourceVersion is
    /// deleted (409 otherwise). Deleting something already gone is `.notFound`, not an error.
    public func delete(_ key: ObjectKey, propagationPolicy: PropagationPolicy? = .background, uid: String? = nil,
                       resourceVersion: String? = nil, dryRun: Bool = false) async throws -> DeleteOutcome {
        let resource = try await resource(for: GroupVersionKind(key), key: key)
        let path = resource.path(namespace: key.namespace ?? connection.namespace, name: key.name)
        var options: JSONObject = [("kind", "DeleteOptions"), ("apiVersion", "v1")]
        if let propagationPolicy { options["propagationPolicy"] = .string(propagationPolicy.rawValue) }
        if uid != nil || resourceVersion != nil {
            var preconditions = JSONObject()
            if let uid { preconditions["uid"] = .string(uid) }
            if let resourceVersion { preconditions["resourceVersion"] = .string(resourceVersion) }
            options["preconditions"] = .object(preconditions)
        }
        if dryRun { options["dryRun"] = ["All"] }
        let response = try await send(KubeRequest(
            method: .DELETE, path: path, query: dryRun ? [("dryRun", "All")] : [], body: JSONWriter.bytes(.object(options)),
            key: key, accepting: [404]))
        guard response.status != 404 else { return .notFound }
        let json = try decode(response.body, path: path, key: key)
        if json["kind"]?.stringValue == "Status" { return .deleted(nil) }
        return .deleted(try manifest(json, resource: resource, path: path))
    }

    /// A body as a manifest, with apiVersion and kind filled in (list items may lack them).
    func manifest(_ body: JSONValue, resource: APIResource, path: String) throws -> Manifest {
        guard case let .object(object) = body else {
            throw KubernetesError(.badResponse, "an object is not a JSON object", server: connection.server, path: path)
        }
        var filled = object
        if object["apiVersion"] == nil || object["kind"] == nil {
            filled = [("apiVersion", .string(resource.kind.apiVersion)), ("kind", .string(resource.kind.kind))]
            for member in object where member.key != "apiVersion" && member.key != "kind" { filled[member.key] = member.value }
        }
        guard let manifest = Manifest(body: .object(filled)) else {
            throw KubernetesError(.badResponse, "an object has no metadata.name", server: connection.server, path: path)
        }
        return manifest
    }
}

/// The object's optimistic-concurrency verbs: create, and update (replace) at a resourceVersion.
extension KubernetesClient {
    /// Creates the object; nil when one with its name already exists (409 AlreadyExists).
    public func create(_ manifest: Manifest) async throws -> Manifest? {
        let key = manifest.key
        let resource = try await resource(for: GroupVersionKind(key), key: key)
        let path = resource.path(namespace: key.namespace ?? connection.namespace)
        let response = try await send(KubeRequest(method: .POST, path: path, body: JSONWriter.bytes(manifest.body),
                                                  contentType: "application/json", key: key, idempotent: false, accepting: [409]))
        guard response.status != 409 else { return nil }
        return try self.manifest(try decode(response.body, path: path, key: key), resource: resource, path: path)
    }

    /// Replaces the object; the body's `metadata.resourceVersion` makes it conditional: nil when the
    /// object changed since it was read (409 Conflict), so the caller reads it again.
    public func update(_ manifest: Manifest) async throws -> Manifest? {
        let key = manifest.key
        let resource = try await resource(for: GroupVersionKind(key), key: key)
        let path = resource.path(namespace: key.namespace ?? connection.namespace, name: key.name)
        let response = try await send(KubeRequest(method: .PUT, path: path, body: JSONWriter.bytes(manifest.body),
                                                  contentType: "application/json", key: key, accepting: [409]))
        guard response.status != 409 else { return nil }
        return try self.manifest(try decode(response.body, path: path, key: key), resource: resource, path: path)
    }
}
