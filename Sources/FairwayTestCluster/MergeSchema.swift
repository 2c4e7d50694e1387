import FairwayCore

/// How the lists at one place in an object merge: replaced whole (atomic), as a set of scalars, or
/// as a map keyed by some of their items' fields. Built-in kinds use a table of Kubernetes' merge
/// keys (the `patchMergeKey`/`listMapKeys` of the core types); custom resources use their CRD schema's
/// `x-kubernetes-list-type` and `x-kubernetes-list-map-keys`. Used by strategic merge patch and by
/// server-side apply.
struct MergeSchema: Sendable {
    /// Kubernetes' `x-kubernetes-list-type`.
    enum ListType: Equatable, Sendable {
        case atomic
        case set
        case map(keys: [String])
    }

    private enum Source: Sendable {
        case builtin(field: String?, parent: String?)
        case schema(JSONValue?)
    }

    private let source: Source

    static let builtin = MergeSchema(source: .builtin(field: nil, parent: nil))

    static func custom(_ schema: JSONValue?) -> MergeSchema { MergeSchema(source: .schema(schema)) }

    /// The schema of member `field` of an object at this place.
    func child(_ field: String) -> MergeSchema {
        switch source {
        case let .builtin(current, _):
            return MergeSchema(source: .builtin(field: field, parent: current))
        case let .schema(node):
            if field == "metadata", node?["properties"]?["metadata"]?["properties"] == nil {
                return MergeSchema(source: .builtin(field: "metadata", parent: nil))
            }
            if let property = node?["properties"]?[field] { return .custom(property) }
            if case .object? = node?["additionalProperties"] { return .custom(node?["additionalProperties"]) }
            return .custom(nil)
        }
    }

    /// The schema of the items of a list at this place.
    func items() -> MergeSchema {
        switch source {
        case .builtin: return self
        case let .schema(node): return .custom(node?["items"])
        }
    }

    var listType: ListType {
        switch source {
        case let .builtin(field, parent):
            guard let field else { return .atomic }
            return Self.builtinLists[field + "|" + (parent ?? "")] ?? Self.builtinLists[field] ?? .atomic
        case let .schema(node):
            switch node?["x-kubernetes-list-type"]?.stringValue {
            case "map":
                return .map(keys: node?["x-kubernetes-list-map-keys"]?.arrayValue?.compactMap(\.stringValue) ?? [])
            case "set": return .set
            default: return .atomic
            }
        }
    }

    /// Whether an object here is replaced whole rather than merged member by member.
    var isAtomicMap: Bool {
        if case let .schema(node) = source { return node?["x-kubernetes-map-type"]?.stringValue == "atomic" }
        return false
    }

    /// Merge keys of the built-in kinds, by field name, or by "field|parent" where the parent decides.
    private static let builtinLists: [String: ListType] = [
        "containers": .map(keys: ["name"]),
        "initContainers": .map(keys: ["name"]),
        "ephemeralContainers": .map(keys: ["name"]),
        "env": .map(keys: ["name"]),
        "volumes": .map(keys: ["name"]),
        "volumeMounts": .map(keys: ["mountPath"]),
        "volumeDevices": .map(keys: ["devicePath"]),
        "imagePullSecrets": .map(keys: ["name"]),
        "ports|containers": .map(keys: ["containerPort", "protocol"]),
        "ports|initContainers": .map(keys: ["containerPort", "protocol"]),
        "ports|spec": .map(keys: ["port", "protocol"]),
        "conditions": .map(keys: ["type"]),
        "hostAliases": .map(keys: ["ip"]),
        "topologySpreadConstraints": .map(keys: ["topologyKey", "whenUnsatisfiable"]),
        "resourceClaims": .map(keys: ["name"]),
        "ownerReferences": .map(keys: ["uid"]),
        "finalizers": .set,
    ]
}
