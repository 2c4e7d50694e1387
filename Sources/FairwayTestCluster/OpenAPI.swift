import FairwayCore

/// OpenAPI v3 documents, as far as clients need them: one per group-version, listing each kind's
/// paths with the `x-kubernetes-group-version-kind` extension and the query parameters the server
/// supports (kubectl and helm look for `fieldValidation` on PATCH to decide to validate server-side),
/// and custom resources' schemas from their CRDs.
enum OpenAPI {
    static func index(_ catalog: ResourceCatalog) -> JSONValue {
        var paths = JSONObject()
        for group in catalog.groups {
            for version in group.versions {
                let key = group.name.isEmpty ? "api/\(version)" : "apis/\(group.name)/\(version)"
                let hash = String(UInt64(bitPattern: Int64(catalog.resources(group: group.name, version: version).count &* 7919 &+ catalog.types.count)), radix: 16)
                paths[key] = .object([("serverRelativeURL", .string("/openapi/v3/\(key)?hash=\(hash)"))])
            }
        }
        return .object([("paths", .object(paths))])
    }

    static func document(group: String, version: String, catalog: ResourceCatalog) -> JSONValue? {
        let resources = catalog.resources(group: group, version: version)
        guard !resources.isEmpty else { return nil }
        let prefix = group.isEmpty ? "/api/\(version)" : "/apis/\(group)/\(version)"
        var paths = JSONObject()
        var schemas = JSONObject()
        for resource in resources {
            let gvk: JSONValue = .object([("group", .string(group)), ("version", .string(version)), ("kind", .string(resource.kind))])
            let schemaName = "\(group.isEmpty ? "io.k8s.api.core" : group).\(version).\(resource.kind)"
            let reference: JSONValue = .object([("$ref", .string("#/components/schemas/\(schemaName)"))])
            let base = resource.namespaced ? "\(prefix)/namespaces/{namespace}/\(resource.plural)" : "\(prefix)/\(resource.plural)"
            paths[base] = .object([
                ("get", operation("list", gvk, reference, ["labelSelector", "fieldSelector", "limit", "continue", "watch", "resourceVersion", "timeoutSeconds"])),
                ("post", operation("post", gvk, reference, ["dryRun", "fieldManager", "fieldValidation"])),
            ])
            paths[base + "/{name}"] = .object([
                ("get", operation("get", gvk, reference, [])),
                ("put", operation("put", gvk, reference, ["dryRun", "fieldManager", "fieldValidation"])),
                ("patch", operation("patch", gvk, reference, ["dryRun", "fieldManager", "fieldValidation", "force"])),
                ("delete", operation("delete", gvk, reference, ["dryRun", "gracePeriodSeconds", "propagationPolicy"])),
            ])
            var schema = catalog.schema(for: resource)?.objectValue ?? [("type", "object"), ("x-kubernetes-preserve-unknown-fields", true)]
            schema["x-kubernetes-group-version-kind"] = [gvk]
            schemas[schemaName] = .object(schema)
        }
        return .object([
            ("openapi", "3.0.0"), ("info", .object([("title", "Kubernetes"), ("version", "v1.35.0")])),
            ("paths", .object(paths)), ("components", .object([("schemas", .object(schemas))])),
        ])
    }

    private static func operation(_ action: String, _ gvk: JSONValue, _ reference: JSONValue, _ parameters: [String]) -> JSONValue {
        .object([
            ("x-kubernetes-action", .string(action)),
            ("x-kubernetes-group-version-kind", gvk),
            ("parameters", .array(parameters.map { .object([("name", .string($0)), ("in", "query"), ("schema", .object([("type", "string")]))]) })),
            ("responses", .object([("200", .object([("description", "OK"),
                                                   ("content", .object([("application/json", .object([("schema", reference)]))]))]))])),
        ])
    }
}
