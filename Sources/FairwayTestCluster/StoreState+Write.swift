import FairwayCore
import Foundation

/// Create, update, patch, apply and delete: each computes the new object, admits it (`StoreState+Admission`)
/// and commits it, or on a dry run returns it without storing.
extension StoreState {
    func mergeSchema(_ resource: ResourceType) -> MergeSchema {
        catalog.isCustom(resource) ? .custom(catalog.schema(for: resource)) : .builtin
    }

    mutating func create(_ resource: ResourceType, namespace: String, body: JSONObject,
                         options: WriteOptions) throws(APIError) -> WriteResult {
        var object = body
        var name = object.name
        if name.isEmpty, let prefix = object.metadata["generateName"]?.stringValue, !prefix.isEmpty {
            name = prefix + Self.randomSuffix()
            object.setMetadata("name", .string(name))
        }
        try checkIdentity(resource, namespace: namespace, object: &object, creating: true)
        if buckets[resource.storageKey]?[Self.objectKey(resource.namespaced ? namespace : "", name)] != nil {
            throw APIError.alreadyExists(resource, name)
        }
        var warnings: [String] = []
        object = try admit(resource, old: nil, new: object, options: options, warnings: &warnings)
        object.setMetadata("managedFields", nil)
        ManagedFieldsEntry.recordUpdate(old: nil, new: &object, manager: options.manager, apiVersion: resource.apiVersion,
                                        resource: resource, schema: mergeSchema(resource))
        return WriteResult(object: commit(resource, old: nil, new: object, dryRun: options.dryRun), created: true, warnings: warnings)
    }

    mutating func update(_ resource: ResourceType, namespace: String, name: String, body: JSONObject,
                         options: WriteOptions, subresource: String?) throws(APIError) -> WriteResult {
        let old = try get(resource, namespace: namespace, name: name)
        var object = body
        if object.name.isEmpty { object.setMetadata("name", .string(name)) }
        guard object.name == name else {
            throw APIError.badRequest("the name of the object (\(object.name)) does not match the name on the URL (\(name))")
        }
        try checkIdentity(resource, namespace: namespace, object: &object)
        let requested = object.resourceVersion
        if !requested.isEmpty, requested != old.resourceVersion { throw APIError.conflict(resource, name) }
        if subresource == "status" {
            var merged = old
            merged["status"] = object["status"]
            object = merged
        }
        var warnings: [String] = []
        object = try admit(resource, old: old, new: object, options: options, warnings: &warnings, subresource: subresource)
        if (body.metadata["managedFields"]?.arrayValue ?? []).isEmpty {
            object.setMetadata("managedFields", old.metadata["managedFields"])
            ManagedFieldsEntry.recordUpdate(old: old, new: &object, manager: options.manager, apiVersion: resource.apiVersion,
                                            resource: resource, schema: mergeSchema(resource), subresource: subresource)
        }
        return WriteResult(object: commit(resource, old: old, new: object, dryRun: options.dryRun), created: false, warnings: warnings)
    }

    /// The patch formats, by the Content-Type that names them.
    enum PatchType: String, Sendable {
        case json = "application/json-patch+json"
        case merge = "application/merge-patch+json"
        case strategic = "application/strategic-merge-patch+json"
        case apply = "application/apply-patch+yaml"
    }

    mutating func patch(_ resource: ResourceType, namespace: String, name: String, type: PatchType, patch: JSONValue,
                        options: WriteOptions, subresource: String?) throws(APIError) -> WriteResult {
        if type == .apply { return try apply(resource, namespace: namespace, name: name, patch: patch, options: options) }
        let old = try get(resource, namespace: namespace, name: name)
        let patched: JSONValue
        switch type {
        case .merge: patched = Patches.mergePatch(.object(old), patch)
        case .strategic:
            guard !catalog.isCustom(resource) else {
                throw APIError.unsupportedMediaType("strategic merge patch is not supported for custom resources")
            }
            patched = Patches.strategicMergePatch(.object(old), patch, schema: mergeSchema(resource))
        case .json:
            do { patched = try Patches.jsonPatch(.object(old), patch) } catch {
                throw APIError(code: 422, reason: "Invalid", message: error.message)
            }
        case .apply: patched = patch
        }
        guard case var .object(object) = patched else { throw APIError.badRequest("the patch must produce an object") }
        // A patch only carries a resourceVersion precondition when it sets one itself.
        if patch["metadata"]?["resourceVersion"] == nil { object.setMetadata("resourceVersion", nil) }
        if patch["metadata"]?["managedFields"] == nil { object.setMetadata("managedFields", nil) }
        return try update(resource, namespace: namespace, name: name, body: object, options: options, subresource: subresource)
    }

    private mutating func apply(_ resource: ResourceType, namespace: String, name: String, patch: JSONValue,
                                options: WriteOptions) throws(APIError) -> WriteResult {
        guard case var .object(applied) = patch else { throw APIError.badRequest("the applied configuration must be an object") }
        guard !applied.apiVersion.isEmpty, !applied.kind.isEmpty else {
            throw APIError.badRequest("invalid object type: /, Kind=")
        }
        if applied.name.isEmpty { applied.setMetadata("name", .string(name)) }
        guard applied.name == name else {
            throw APIError.badRequest("the name of the object (\(applied.name)) does not match the name on the URL (\(name))")
        }
        let exists = buckets[resource.storageKey]?[Self.objectKey(resource.namespaced ? namespace : "", name)] != nil
        try checkIdentity(resource, namespace: namespace, object: &applied, creating: !exists)
        var warnings: [String] = []
        if catalog.isCustom(resource), let schema = catalog.schema(for: resource) {
            let unknown = SchemaValidator.validate(applied, schema: schema).unknownFields
            if !unknown.isEmpty, options.fieldValidation == "Strict" {
                throw APIError.badRequest("failed to create typed patch object (\(namespace.isEmpty ? "" : namespace + "/")\(name); "
                    + "\(resource.apiVersion), Kind=\(resource.kind)): " + unknown.map { ".\($0): field not declared in schema" }.joined(separator: ", "))
            }
            if case let .object(pruned) = SchemaValidator.prune(.object(applied), schema: schema) { applied = pruned }
            if !unknown.isEmpty, options.fieldValidation == "Warn" { warnings += unknown.map { "unknown field \"\($0)\"" } }
        }
        applied = Self.defaultListKeys(resource, applied)
        let live = try? get(resource, namespace: namespace, name: name)
        var object = try ServerSideApply.apply(live: live, applied: applied, manager: options.manager, force: options.force,
                                               apiVersion: resource.apiVersion, resource: resource, schema: mergeSchema(resource))
        let managed = object.metadata["managedFields"]
        object = try admit(resource, old: live, new: object, options: options, warnings: &warnings)
        object.setMetadata("managedFields", managed)
        return WriteResult(object: commit(resource, old: live, new: object, dryRun: options.dryRun), created: live == nil,
                           warnings: warnings)
    }

    /// Deletes one object; deleting a namespace deletes what is in it, deleting a CRD its objects.
    mutating func delete(_ resource: ResourceType, namespace: String, name: String, dryRun: Bool,
                         precondition: (uid: String?, resourceVersion: String?)) throws(APIError) -> JSONObject {
        let old = try get(resource, namespace: namespace, name: name)
        if let uid = precondition.uid, uid != old.metadata["uid"]?.stringValue {
            throw APIError(code: 409, reason: "Conflict", message: "Precondition failed: UID in precondition: \(uid), UID in object meta: \(old.metadata["uid"]?.stringValue ?? "")",
                           details: APIError.detailsFor(resource, name: name))
        }
        if let version = precondition.resourceVersion, version != old.resourceVersion {
            throw APIError(code: 409, reason: "Conflict", message: "Precondition failed: ResourceVersion in precondition: \(version), ResourceVersion in object meta: \(old.resourceVersion)",
                           details: APIError.detailsFor(resource, name: name))
        }
        if dryRun { return old }
        if resource.group.isEmpty, resource.plural == "namespaces", old.metadata["deletionTimestamp"] == nil {
            // Like Kubernetes: the namespace turns Terminating now; `finalizeNamespace` (the namespace
            // controller's work) removes its contents and then the namespace itself.
            var terminating = old
            terminating.setMetadata("deletionTimestamp", .string(WallTime.now().rfc3339))
            terminating["status"] = .object([("phase", "Terminating")])
            return commit(resource, old: old, new: terminating, dryRun: false)
        }
        if resource.group == "apiextensions.k8s.io", resource.plural == "customresourcedefinitions" {
            if let group = old["spec"]?["group"]?.stringValue, let plural = old["spec"]?["names"]?["plural"]?.stringValue {
                let key = StorageKey(group: group, plural: plural)
                for (objectKey, object) in buckets[key] ?? [:] { remove(key, objectKey, object) }
                buckets[key] = nil
            }
            catalog.unregister(crdName: name)
        }
        remove(resource.storageKey, Self.objectKey(resource.namespaced ? namespace : "", name), old)
        return old
    }

    /// Removes a terminating namespace's contents, then the namespace.
    mutating func finalizeNamespace(_ name: String) {
        let key = StorageKey(group: "", plural: "namespaces")
        guard let namespace = buckets[key]?[Self.objectKey("", name)], namespace.metadata["deletionTimestamp"] != nil else { return }
        for (bucketKey, bucket) in buckets where bucketKey != key {
            for (objectKey, object) in bucket where object.namespace == name { remove(bucketKey, objectKey, object) }
        }
        remove(key, Self.objectKey("", name), namespace)
    }

    private mutating func remove(_ key: StorageKey, _ objectKey: String, _ object: JSONObject) {
        buckets[key]?[objectKey] = nil
        revision += 1
        var last = object
        last.setMetadata("resourceVersion", .string(String(revision)))
        record(WatchEvent(type: "DELETED", object: last, revision: revision, key: key))
    }

    /// Stores `new` with the next resourceVersion, unless nothing changed or this is a dry run; a stored
    /// Job then runs as the Job controller would run it (`StoreState+Jobs`), in writes of its own.
    mutating func commit(_ resource: ResourceType, old: JSONObject?, new: JSONObject, dryRun: Bool) -> JSONObject {
        var object = new
        object["apiVersion"] = .string(resource.apiVersion)
        object["kind"] = .string(resource.kind)
        if let old {
            object.setMetadata("resourceVersion", old.metadata["resourceVersion"])
            if object.withoutManagedFieldTimes() == old.withoutManagedFieldTimes() { return old }
        }
        if dryRun {
            if old == nil { object.setMetadata("resourceVersion", nil) }
            return object
        }
        revision += 1
        object.setMetadata("resourceVersion", .string(String(revision)))
        let key = Self.objectKey(resource.namespaced ? object.namespace : "", object.name)
        buckets[resource.storageKey, default: [:]][key] = object
        if resource.group == "apiextensions.k8s.io", resource.plural == "customresourcedefinitions" {
            catalog.register(crd: object)
        }
        record(WatchEvent(type: old == nil ? "ADDED" : "MODIFIED", object: object, revision: revision, key: resource.storageKey,
                          previous: old))
        if simulateWorkloads, Self.isJob(resource) { settleJob(resource, objectKey: key) }
        return object
    }

    /// Fills in the namespace from the URL and refuses a body whose kind or namespace disagrees with it.
    private func checkIdentity(_ resource: ResourceType, namespace: String, object: inout JSONObject,
                               creating: Bool = false) throws(APIError) {
        if !object.kind.isEmpty, object.kind != resource.kind {
            throw APIError.badRequest("the kind of the object (\(object.kind)) does not match the kind of the resource (\(resource.kind))")
        }
        if resource.namespaced {
            if object.namespace.isEmpty { object.setMetadata("namespace", .string(namespace)) }
            guard object.namespace == namespace else {
                throw APIError.badRequest("the namespace of the provided object does not match the namespace sent on the request")
            }
            guard let owner = buckets[StorageKey(group: "", plural: "namespaces")]?[Self.objectKey("", namespace)] else {
                throw APIError.namespaceNotFound(namespace)
            }
            if creating, owner.metadata["deletionTimestamp"] != nil {
                throw APIError(code: 403, reason: "Forbidden",
                               message: "\(resource.groupResource) \"\(object.name)\" is forbidden: unable to create new content in namespace \(namespace) because it is being terminated",
                               details: APIError.detailsFor(resource, name: object.name))
            }
        } else {
            object.setMetadata("namespace", nil)
        }
        if object.name.isEmpty {
            throw APIError.invalid(resource, "", [FieldError(kind: .required, field: "metadata.name",
                                                             detail: "name or generateName is required")])
        }
    }

    static func randomSuffix() -> String {
        let alphabet = Array("bcdfghjklmnpqrstvwxz2456789")
        return String((0..<5).map { _ in alphabet.randomElement()! })
    }
}
