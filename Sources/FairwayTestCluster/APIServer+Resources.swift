import FairwayCore
import Foundation

/// The resource verbs: get, list, watch, create, update, patch, delete and deletecollection.
extension APIServer {
    func serveResource(_ request: APIRequest, path: ResourcePath, verb: String,
                       grant: Authorizer.Grant) throws(APIError) -> APIResponse {
        guard let resource = store.state.withLock({ $0.catalog.resource(group: path.group, version: path.version, plural: path.plural) }) else {
            throw APIError.pathNotFound()
        }
        if path.namespace != nil, !resource.namespaced { throw APIError.pathNotFound() }
        let scale = path.subresource == "scale" && Self.scalable.contains(resource.kind) && !resource.group.isEmpty
        if let subresource = path.subresource, !(subresource == "status" && resource.hasStatus), !scale {
            throw APIError.pathNotFound()
        }
        let allowed = store.state.withLock { state in
            RBAC(state: state).allows(grant, RBAC.Request(verb: verb, group: resource.group,
                                                          resource: resource.plural + (path.subresource.map { "/" + $0 } ?? ""),
                                                          namespace: path.namespace, name: path.name ?? ""))
        }
        guard allowed else {
            throw Authorizer.forbidden(grant, verb: verb, resource: resource, namespace: path.namespace, name: path.name)
        }
        let namespace = path.namespace ?? ""
        if scale, let name = path.name {
            return try serveScale(request, resource: resource, namespace: namespace, name: name, verb: verb)
        }
        let query = request.query
        switch verb {
        case "get":
            let object = try store.state.withLock { state throws(APIError) in
                try state.get(resource, namespace: namespace, name: path.name!)
            }
            if Self.wantsTable(request) { return .json(Table.of([object], resource: resource, revision: object.resourceVersion)) }
            return .json(.object(object))
        case "list":
            let page = try list(resource, namespace: path.namespace, query: query)
            if Self.wantsTable(request) { return .json(Table.of(page.items, resource: resource, revision: String(page.revision))) }
            return .json(Self.listBody(page, resource: resource))
        case "watch":
            return try watch(resource, namespace: path.namespace, name: path.name, query: query)
        case "create":
            guard case let .object(body) = try Self.body(of: request) else { throw APIError.badRequest("the body must be an object") }
            let options = try writeOptions(request, grant: grant)
            let result = try store.state.withLock { state throws(APIError) in
                try state.create(resource, namespace: namespace, body: body, options: options)
            }
            return .json(.object(result.object), status: 201, warnings: result.warnings)
        case "update":
            guard case let .object(body) = try Self.body(of: request) else { throw APIError.badRequest("the body must be an object") }
            let options = try writeOptions(request, grant: grant)
            let result = try store.state.withLock { state throws(APIError) in
                try state.update(resource, namespace: namespace, name: path.name!, body: body, options: options,
                                 subresource: path.subresource)
            }
            return .json(.object(result.object), warnings: result.warnings)
        case "patch":
            let contentType = request.contentType.split(separator: ";").first.map(String.init) ?? ""
            guard let type = StoreState.PatchType(rawValue: contentType) else { throw APIError.unsupportedMediaType(contentType) }
            let patch = try Self.body(of: request)
            let options = try writeOptions(request, grant: grant, apply: type == .apply)
            let result = try store.state.withLock { state throws(APIError) in
                try state.patch(resource, namespace: namespace, name: path.name!, type: type, patch: patch, options: options,
                                subresource: path.subresource)
            }
            return .json(.object(result.object), status: result.created ? 201 : 200, warnings: result.warnings)
        case "delete":
            let options = request.body.isEmpty ? JSONValue.object(JSONObject()) : try Self.body(of: request)
            let dryRun = query["dryRun"] == "All" || options["dryRun"]?.arrayValue?.contains("All") == true
            let preconditions = (uid: options["preconditions"]?["uid"]?.stringValue,
                                 resourceVersion: options["preconditions"]?["resourceVersion"]?.stringValue)
            let gone = try store.state.withLock { state throws(APIError) in
                try state.delete(resource, namespace: namespace, name: path.name!, dryRun: dryRun, precondition: preconditions)
            }
            if resource.group.isEmpty, resource.plural == "namespaces" {
                if !dryRun { finalizeNamespaceSoon(gone.name) }
                return .json(.object(gone))
            }
            return .json(.object([("kind", "Status"), ("apiVersion", "v1"), ("metadata", .object(JSONObject())), ("status", "Success"),
                                  ("details", .object([("name", .string(gone.name)), ("group", .string(resource.group)),
                                                       ("kind", .string(resource.plural)), ("uid", gone.metadata["uid"] ?? .null)]))]))
        case "deletecollection":
            let page = try list(resource, namespace: path.namespace, query: query)
            let dryRun = query["dryRun"] == "All"
            try store.state.withLock { state throws(APIError) in
                for item in page.items {
                    _ = try state.delete(resource, namespace: item.namespace, name: item.name, dryRun: dryRun, precondition: (nil, nil))
                }
            }
            return .json(Self.listBody(page, resource: resource))
        default:
            throw APIError.methodNotAllowed(request.method)
        }
    }

    /// The namespace controller's part: a terminating namespace's contents and then the namespace go
    /// away shortly after the delete, as they would on a real cluster.
    private func finalizeNamespaceSoon(_ name: String) {
        let store = self.store
        let delay = namespaceTerminationDelay
        Task {
            try? await Task.sleep(for: delay)
            store.state.withLock { $0.finalizeNamespace(name) }
        }
    }

    private func list(_ resource: ResourceType, namespace: String?, query: [String: String]) throws(APIError) -> StoreState.ListPage {
        let labels = try query["labelSelector"].map { text throws(APIError) in try APIError.labelSelector(text) }
        let fields = query["fieldSelector"].map(FieldSelector.init(parsing:))
        let limit = query["limit"].flatMap { Int($0) }
        let token = query["continue"].flatMap { $0.isEmpty ? nil : $0 }
        return try store.state.withLock { state throws(APIError) in
            try state.list(resource, namespace: namespace, labels: labels, fields: fields, limit: limit, continueToken: token)
        }
    }

    static func listBody(_ page: StoreState.ListPage, resource: ResourceType) -> JSONValue {
        var metadata: JSONObject = [("resourceVersion", .string(String(page.revision)))]
        if let token = page.continueToken {
            metadata["continue"] = .string(token)
            metadata["remainingItemCount"] = .int(Int64(page.remaining))
        }
        return .object([("kind", .string(resource.kind + "List")), ("apiVersion", .string(resource.apiVersion)),
                        ("metadata", .object(metadata)), ("items", .array(page.items.map(JSONValue.object)))])
    }

    private func writeOptions(_ request: APIRequest, grant: Authorizer.Grant, apply: Bool = false) throws(APIError) -> WriteOptions {
        let query = request.query
        if let dryRun = query["dryRun"], !dryRun.isEmpty, dryRun != "All" {
            throw APIError.invalid(ResourceType(group: "", version: "v1", kind: "DryRun", plural: "dryrun", namespaced: false),
                                   "", [FieldError(kind: .notSupported, field: "dryRun", value: .string(dryRun), detail: "supported values: \"All\"")])
        }
        var manager = query["fieldManager"] ?? ""
        if manager.isEmpty {
            if apply { throw APIError.badRequest("PATCH, application/apply-patch+yaml requires fieldManager to be set") }
            manager = String(request.userAgent.split(separator: "/").first ?? "unknown")
        }
        if let force = query["force"], !["true", "false", ""].contains(force) {
            throw APIError.badRequest("invalid force value \(force)")
        }
        if query["force"] == "true", !apply { throw APIError.badRequest("force is only allowed for apply patches") }
        return WriteOptions(dryRun: query["dryRun"] == "All", manager: manager, force: query["force"] == "true",
                            fieldValidation: query["fieldValidation"] ?? "Warn", requester: grant)
    }

    static func wantsTable(_ request: APIRequest) -> Bool {
        request.accept.contains("as=Table")
    }
}

/// The `Table` form `kubectl get` asks for: a name and creation-time column, with each row's metadata.
enum Table {
    static func of(_ objects: [JSONObject], resource: ResourceType, revision: String) -> JSONValue {
        let columns: [JSONValue] = [
            .object([("name", "Name"), ("type", "string"), ("format", "name"), ("description", "Name must be unique within a namespace."), ("priority", 0)]),
            .object([("name", "Created At"), ("type", "date"), ("format", ""), ("description", "CreationTimestamp is a timestamp representing the server time when this object was created."), ("priority", 0)]),
        ]
        let rows: [JSONValue] = objects.map { object in
            .object([("cells", [.string(object.name), object.metadata["creationTimestamp"] ?? .null]),
                     ("object", .object([("kind", "PartialObjectMetadata"), ("apiVersion", "meta.k8s.io/v1"),
                                         ("metadata", .object(object.metadata))]))])
        }
        return .object([("kind", "Table"), ("apiVersion", "meta.k8s.io/v1"),
                        ("metadata", .object([("resourceVersion", .string(revision))])),
                        ("columnDefinitions", .array(columns)), ("rows", .array(rows))])
    }
}
