import FairwayCore
import Foundation

/// What the API server does to every object it stores: identity and bookkeeping (uid,
/// creationTimestamp, generation), keeping status apart where it is a subresource, a few defaults,
/// validation (names, CRD schemas, CRD definitions), and the status a controller would write.
extension StoreState {
    mutating func admit(_ resource: ResourceType, old: JSONObject?, new: JSONObject, options: WriteOptions,
                        warnings: inout [String], subresource: String? = nil) throws(APIError) -> JSONObject {
        var object = new
        object["apiVersion"] = .string(resource.apiVersion)
        object["kind"] = .string(resource.kind)
        if let old {
            object.setMetadata("uid", old.metadata["uid"])
            object.setMetadata("creationTimestamp", old.metadata["creationTimestamp"])
        } else {
            object.setMetadata("uid", .string(UUID().uuidString.lowercased()))
            object.setMetadata("creationTimestamp", .string(WallTime.now().rfc3339))
        }
        if resource.hasStatus, subresource != "status" { object["status"] = old?["status"] }

        if let requester = options.requester, requester.byRBAC {
            let rbac = RBAC(state: self), namespace = resource.namespaced ? object.namespace : nil
            // A server-side apply that creates needs create as well as patch.
            if old == nil, !rbac.allows(requester, RBAC.Request(verb: "create", group: resource.group, resource: resource.plural,
                                                                 namespace: namespace, name: object.name)) {
                throw Authorizer.forbidden(requester, verb: "create", resource: resource, namespace: namespace, name: object.name)
            }
            try rbac.checkEscalation(requester, writing: object, resource: resource)
        }
        applyDefaults(resource, old: old, object: &object)
        if catalog.isCustom(resource), let schema = catalog.schema(for: resource) {
            object = try checkCustom(resource, object, schema: schema, options: options, warnings: &warnings)
        }
        var errors = Self.nameErrors(resource, object.name)
        if resource.group == "apiextensions.k8s.io", resource.kind == "CustomResourceDefinition" {
            errors += Self.definitionErrors(object)
        }
        if !errors.isEmpty { throw APIError.invalid(resource, object.name, errors) }

        if Self.hasGeneration(resource, catalog: catalog) {
            let generation = old?.metadata["generation"] ?? .int(1)
            if let old, old.specPart() != object.specPart(), case let .int(number) = generation {
                object.setMetadata("generation", .int(number + 1))
            } else {
                object.setMetadata("generation", generation)
            }
        }
        if subresource != "status" { writeControllerStatus(resource, &object) }
        return object
    }

    /// Whether Kubernetes keeps `metadata.generation` for a kind: custom resources and the built-in kinds
    /// with a desired state that controllers act on, not plain data such as ConfigMaps or RBAC objects.
    static func hasGeneration(_ resource: ResourceType, catalog: ResourceCatalog) -> Bool {
        if catalog.isCustom(resource) { return true }
        switch resource.group {
        case "apps", "batch", "autoscaling", "policy", "apiextensions.k8s.io": return true
        case "networking.k8s.io": return resource.kind != "IngressClass"
        case "": return resource.kind == "Pod"
        default: return false
        }
    }

    private func checkCustom(_ resource: ResourceType, _ object: JSONObject, schema: JSONValue, options: WriteOptions,
                             warnings: inout [String]) throws(APIError) -> JSONObject {
        var object = object
        if case let .object(withoutNulls) = Self.dropNulls(.object(object)) { object = withoutNulls }
        if case let .object(defaulted) = SchemaDefaults.apply(.object(object), schema: schema) {
            let metadata = object["metadata"]
            object = defaulted
            object["metadata"] = metadata
        }
        let result = SchemaValidator.validate(object, schema: schema)
        if !result.unknownFields.isEmpty {
            switch options.fieldValidation {
            case "Strict":
                let list = result.unknownFields.map { "unknown field \"\($0)\"" }.joined(separator: ", ")
                throw APIError.badRequest("\(resource.kind) in version \"\(resource.version)\" cannot be handled as a "
                    + "\(resource.kind): strict decoding error: \(list)")
            case "Warn": warnings += result.unknownFields.map { "unknown field \"\($0)\"" }
            default: break
            }
            if case let .object(pruned) = SchemaValidator.prune(.object(object), schema: schema) { object = pruned }
        }
        if !result.errors.isEmpty { throw APIError.invalid(resource, object.name, result.errors) }
        return object
    }

    private static func dropNulls(_ value: JSONValue) -> JSONValue {
        switch value {
        case let .object(object):
            return .object(JSONObject(object.compactMap { $0.value == .null ? nil : ($0.key, dropNulls($0.value)) }))
        case let .array(items): return .array(items.map(dropNulls))
        default: return value
        }
    }

    static func nameErrors(_ resource: ResourceType, _ name: String) -> [FieldError] {
        if resource.group == "rbac.authorization.k8s.io" {
            if name.contains("/") || name.contains("%") || name == "." || name == ".." {
                return [FieldError(kind: .invalid, field: "metadata.name", value: .string(name),
                                   detail: "may not contain '/' or '%'")]
            }
            return []
        }
        let label = resource.group.isEmpty && resource.plural == "namespaces"
        let pattern = label ? #"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"# : #"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$"#
        if name.utf8.count <= (label ? 63 : 253), PatternCache.shared.matches(pattern, name) { return [] }
        let detail = label
            ? "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
            : "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
        return [FieldError(kind: .invalid, field: "metadata.name", value: .string(name), detail: detail)]
    }

    /// The checks kube-apiserver makes on a CustomResourceDefinition that matter to serving it.
    static func definitionErrors(_ crd: JSONObject) -> [FieldError] {
        var errors: [FieldError] = []
        let spec = crd["spec"]
        let group = spec?["group"]?.stringValue ?? ""
        let plural = spec?["names"]?["plural"]?.stringValue ?? ""
        if group.isEmpty { errors.append(FieldError(kind: .required, field: "spec.group", detail: "")) }
        if plural.isEmpty { errors.append(FieldError(kind: .required, field: "spec.names.plural", detail: "")) }
        if spec?["names"]?["kind"]?.stringValue?.isEmpty ?? true {
            errors.append(FieldError(kind: .required, field: "spec.names.kind", detail: ""))
        }
        if !group.isEmpty, !plural.isEmpty, crd.name != "\(plural).\(group)" {
            errors.append(FieldError(kind: .invalid, field: "metadata.name", value: .string(crd.name),
                                     detail: "must be spec.names.plural+\".\"+spec.group"))
        }
        if let scope = spec?["scope"]?.stringValue, !["Namespaced", "Cluster"].contains(scope) {
            errors.append(FieldError(kind: .notSupported, field: "spec.scope", value: .string(scope),
                                     detail: "supported values: \"Cluster\", \"Namespaced\""))
        }
        let versions = spec?["versions"]?.arrayValue ?? []
        if versions.isEmpty { errors.append(FieldError(kind: .required, field: "spec.versions", detail: "must have exactly one version marked as storage version")) }
        else if versions.filter({ $0["storage"] == .bool(true) }).count != 1 {
            errors.append(FieldError(kind: .invalid, field: "spec.versions", value: spec?["versions"],
                                     detail: "must have exactly one version marked as storage version"))
        }
        return errors
    }

    /// Defaults Kubernetes fills in that clients rely on: service cluster IPs, port protocols, secret
    /// `stringData`, the namespace name label.
    private mutating func applyDefaults(_ resource: ResourceType, old: JSONObject?, object: inout JSONObject) {
        switch (resource.group, resource.kind) {
        case ("", "Namespace"):
            var labels = object.metadata["labels"]?.objectValue ?? JSONObject()
            labels["kubernetes.io/metadata.name"] = .string(object.name)
            object.setMetadata("labels", .object(labels))
            var spec = object["spec"]?.objectValue ?? JSONObject()
            if spec["finalizers"] == nil { spec["finalizers"] = ["kubernetes"] }
            object["spec"] = .object(spec)
        case ("", "Secret"):
            if case let .object(stringData)? = object["stringData"] {
                var data = object["data"]?.objectValue ?? JSONObject()
                for (key, value) in stringData { data[key] = .string(Data((value.stringValue ?? "").utf8).base64EncodedString()) }
                object["data"] = .object(data)
                object["stringData"] = nil
            }
            if object["type"] == nil { object["type"] = "Opaque" }
        case ("", "Service"):
            guard case var .object(spec)? = object["spec"] else { break }
            if spec["type"] == nil { spec["type"] = "ClusterIP" }
            if spec["type"] != "ExternalName", spec["clusterIP"] == nil {
                let ip = old?["spec"]?["clusterIP"] ?? .string(nextServiceIP())
                spec["clusterIP"] = ip
                spec["clusterIPs"] = .array([ip])
            }
            if spec["sessionAffinity"] == nil { spec["sessionAffinity"] = "None" }
            if case let .array(ports)? = spec["ports"] {
                spec["ports"] = .array(ports.map { port in
                    guard case var .object(p) = port else { return port }
                    if p["protocol"] == nil { p["protocol"] = "TCP" }
                    if p["targetPort"] == nil, let number = p["port"] { p["targetPort"] = number }
                    return .object(p)
                })
            }
            object["spec"] = .object(spec)
        default:
            break
        }
        object = Self.defaultListKeys(resource, object)
    }

    /// Defaults the fields that key lists (`protocol` of ports), so an applied configuration that omits
    /// them merges into the stored object rather than beside it.
    static func defaultListKeys(_ resource: ResourceType, _ object: JSONObject) -> JSONObject {
        if resource.group.isEmpty, resource.kind == "Service", case var .object(spec)? = object["spec"],
           case let .array(ports)? = spec["ports"] {
            var copy = object
            spec["ports"] = .array(ports.map { port in
                guard case var .object(fields) = port else { return port }
                if fields["protocol"] == nil { fields["protocol"] = "TCP" }
                return .object(fields)
            })
            copy["spec"] = .object(spec)
            return copy
        }
        guard ["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob", "Pod"].contains(resource.kind),
              !resource.group.isEmpty || resource.kind == "Pod",
              case let .object(defaulted) = defaultContainerPorts(.object(object)) else { return object }
        return defaulted
    }

    private mutating func nextServiceIP() -> String {
        nextClusterIP += 1
        return "10.96.\(nextClusterIP / 250).\(nextClusterIP % 250 + 1)"
    }

    /// Sets `protocol: TCP` on container ports wherever pod specs sit in workload objects.
    private static func defaultContainerPorts(_ value: JSONValue) -> JSONValue {
        switch value {
        case var .object(object):
            for (key, member) in object {
                if key == "containers" || key == "initContainers", case let .array(containers) = member {
                    object[key] = .array(containers.map(defaultPortsOfContainer))
                } else {
                    object[key] = defaultContainerPorts(member)
                }
            }
            return .object(object)
        case let .array(items): return .array(items.map(defaultContainerPorts))
        default: return value
        }
    }

    private static func defaultPortsOfContainer(_ value: JSONValue) -> JSONValue {
        guard case var .object(container) = value, case let .array(ports)? = container["ports"] else { return value }
        container["ports"] = .array(ports.map { port in
            guard case var .object(fields) = port else { return port }
            if fields["protocol"] == nil { fields["protocol"] = "TCP" }
            return .object(fields)
        })
        return .object(container)
    }
}
