import FairwayCore

/// The kinds the cluster serves: the built-in ones and those of every CustomResourceDefinition stored,
/// with each CRD version's `openAPIV3Schema`. Discovery, routing and validation read it.
struct ResourceCatalog: Sendable {
    private(set) var types: [ResourceType] = BuiltinResources.all
    /// openAPIV3Schema by "group/version/Kind", for custom resources.
    private(set) var schemas: [String: JSONValue] = [:]
    /// The CRD name (`plural.group`) each custom type came from.
    private var crdTypes: [String: [ResourceType]] = [:]

    func resource(group: String, version: String, plural: String) -> ResourceType? {
        types.first { $0.plural == plural && $0.group == group && $0.version == version }
    }

    func resource(apiVersion: String, kind: String) -> ResourceType? {
        types.first { $0.apiVersion == apiVersion && $0.kind == kind }
    }

    func schema(for resource: ResourceType) -> JSONValue? {
        schemas["\(resource.group)/\(resource.version)/\(resource.kind)"]
    }

    func isCustom(_ resource: ResourceType) -> Bool {
        schemas["\(resource.group)/\(resource.version)/\(resource.kind)"] != nil
    }

    /// Groups in discovery order (core first, then by first appearance), each with its versions.
    var groups: [(name: String, versions: [String])] {
        var result: [(name: String, versions: [String])] = []
        for type in types {
            if let index = result.firstIndex(where: { $0.name == type.group }) {
                if !result[index].versions.contains(type.version) { result[index].versions.append(type.version) }
            } else {
                result.append((type.group, [type.version]))
            }
        }
        return result
    }

    func resources(group: String, version: String) -> [ResourceType] {
        types.filter { $0.group == group && $0.version == version }
    }

    /// The types a CRD defines, one per served version; empty when the CRD is not usable.
    static func types(of crd: JSONObject) -> [(ResourceType, JSONValue?)] {
        guard let spec = crd["spec"]?.objectValue, let group = spec["group"]?.stringValue,
              let names = spec["names"]?.objectValue, let kind = names["kind"]?.stringValue,
              let plural = names["plural"]?.stringValue, case let .array(versions)? = spec["versions"]
        else { return [] }
        let namespaced = spec["scope"]?.stringValue != "Cluster"
        return versions.compactMap { version -> (ResourceType, JSONValue?)? in
            guard let name = version["name"]?.stringValue, version["served"] != .bool(false) else { return nil }
            let type = ResourceType(
                group: group, version: name, kind: kind, plural: plural, singular: names["singular"]?.stringValue,
                namespaced: namespaced, shortNames: names["shortNames"]?.arrayValue?.compactMap(\.stringValue) ?? [],
                categories: names["categories"]?.arrayValue?.compactMap(\.stringValue) ?? [],
                hasStatus: version.value(at: ["subresources", "status"]) != nil)
            return (type, version.value(at: ["schema", "openAPIV3Schema"]))
        }
    }

    mutating func register(crd: JSONObject) {
        unregister(crdName: crd.name)
        let defined = Self.types(of: crd)
        for (type, schema) in defined {
            types.append(type)
            schemas["\(type.group)/\(type.version)/\(type.kind)"] = schema ?? .object([("type", "object"),
                ("x-kubernetes-preserve-unknown-fields", true)])
        }
        crdTypes[crd.name] = defined.map(\.0)
    }

    mutating func unregister(crdName: String) {
        guard let old = crdTypes.removeValue(forKey: crdName) else { return }
        types.removeAll { old.contains($0) }
        for type in old { schemas["\(type.group)/\(type.version)/\(type.kind)"] = nil }
    }
}
