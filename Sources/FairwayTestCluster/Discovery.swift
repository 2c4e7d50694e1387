import FairwayCore

/// The discovery documents: `/version`, `/api`, `/apis`, `/apis/{group}`, the group-version resource
/// lists, and the aggregated discovery (`apidiscovery.k8s.io/v2`) kubectl and helm ask for first.
enum Discovery {
    static let version: JSONValue = .object([
        ("major", "1"), ("minor", "35"), ("emulationMajor", "1"), ("emulationMinor", "35"),
        ("minCompatibilityMajor", "1"), ("minCompatibilityMinor", "34"), ("gitVersion", "v1.35.0-fairway"),
        ("gitCommit", "0000000000000000000000000000000000000000"), ("gitTreeState", "clean"),
        ("buildDate", "2026-01-01T00:00:00Z"), ("goVersion", "go1.25.0"), ("compiler", "gc"), ("platform", "linux/amd64"),
    ])

    static func respond(_ route: Route, catalog: ResourceCatalog, accept: String, address: String) throws(APIError) -> APIResponse {
        let aggregated = accept.contains("as=APIGroupDiscoveryList") && accept.contains("g=apidiscovery.k8s.io")
        let discoveryVersion = accept.contains("v=v2;") || accept.contains("v=v2,") || accept.hasSuffix("v=v2") ? "v2" : "v2beta1"
        switch route {
        case .coreVersions:
            if aggregated { return aggregatedList(catalog, core: true, version: discoveryVersion) }
            return .json(.object([("kind", "APIVersions"), ("versions", ["v1"]),
                                  ("serverAddressByClientCIDRs", [.object([("clientCIDR", "0.0.0.0/0"), ("serverAddress", .string(address))])])]))
        case .groups:
            if aggregated { return aggregatedList(catalog, core: false, version: discoveryVersion) }
            let groups = catalog.groups.filter { !$0.name.isEmpty }.map { apiGroup($0.name, versions: $0.versions) }
            return .json(.object([("kind", "APIGroupList"), ("apiVersion", "v1"), ("groups", .array(groups))]))
        case let .group(name):
            guard let group = catalog.groups.first(where: { $0.name == name && !name.isEmpty }) else { throw APIError.pathNotFound() }
            var body = apiGroup(group.name, versions: group.versions).objectValue!
            body["kind"] = "APIGroup"
            body["apiVersion"] = "v1"
            return .json(.object(body))
        case let .groupVersion(group, version):
            let resources = catalog.resources(group: group, version: version)
            guard !resources.isEmpty else { throw APIError.pathNotFound() }
            var list: [JSONValue] = []
            for resource in resources {
                list.append(.object([
                    ("name", .string(resource.plural)), ("singularName", .string(resource.singular)),
                    ("namespaced", .bool(resource.namespaced)), ("kind", .string(resource.kind)),
                    ("verbs", .array(ResourceType.verbs.map(JSONValue.string))),
                    ("shortNames", .array(resource.shortNames.map(JSONValue.string))),
                    ("categories", .array(resource.categories.map(JSONValue.string))),
                ]))
                if APIServer.scalable.contains(resource.kind), !resource.group.isEmpty {
                    list.append(.object([("name", .string(resource.plural + "/scale")), ("singularName", ""),
                                         ("namespaced", true), ("kind", "Scale"), ("group", "autoscaling"), ("version", "v1"),
                                         ("verbs", ["get", "patch", "update"])]))
                }
                if resource.hasStatus {
                    list.append(.object([("name", .string(resource.plural + "/status")), ("singularName", ""),
                                         ("namespaced", .bool(resource.namespaced)), ("kind", .string(resource.kind)),
                                         ("verbs", ["get", "patch", "update"])]))
                }
            }
            return .json(.object([("kind", "APIResourceList"), ("apiVersion", "v1"),
                                  ("groupVersion", .string(group.isEmpty ? version : "\(group)/\(version)")),
                                  ("resources", .array(list))]))
        default:
            throw APIError.pathNotFound()
        }
    }

    private static func apiGroup(_ name: String, versions: [String]) -> JSONValue {
        let sorted = KubeVersion.sorted(versions)
        let entries: [JSONValue] = sorted.map { .object([("groupVersion", .string("\(name)/\($0)")), ("version", .string($0))]) }
        return .object([("name", .string(name)), ("versions", .array(entries)), ("preferredVersion", entries.first ?? .null)])
    }

    private static func aggregatedList(_ catalog: ResourceCatalog, core: Bool, version: String) -> APIResponse {
        var items: [JSONValue] = []
        for group in catalog.groups where group.name.isEmpty == core {
            let versions: [JSONValue] = KubeVersion.sorted(group.versions).map { groupVersion in
                let resources: [JSONValue] = catalog.resources(group: group.name, version: groupVersion).map { resource in
                    let kind: JSONValue = .object([("group", .string(resource.group)), ("version", .string(resource.version)),
                                                   ("kind", .string(resource.kind))])
                    var entry: JSONObject = [
                        ("resource", .string(resource.plural)), ("responseKind", kind),
                        ("scope", resource.namespaced ? "Namespaced" : "Cluster"),
                        ("singularResource", .string(resource.singular)),
                        ("verbs", .array(ResourceType.verbs.map(JSONValue.string))),
                    ]
                    if !resource.shortNames.isEmpty { entry["shortNames"] = .array(resource.shortNames.map(JSONValue.string)) }
                    if !resource.categories.isEmpty { entry["categories"] = .array(resource.categories.map(JSONValue.string)) }
                    var subresources: [JSONValue] = []
                    if resource.hasStatus {
                        subresources.append(.object([("subresource", "status"), ("responseKind", kind), ("verbs", ["get", "patch", "update"])]))
                    }
                    if APIServer.scalable.contains(resource.kind), !resource.group.isEmpty {
                        subresources.append(.object([("subresource", "scale"),
                                                     ("responseKind", .object([("group", "autoscaling"), ("version", "v1"), ("kind", "Scale")])),
                                                     ("verbs", ["get", "patch", "update"])]))
                    }
                    if !subresources.isEmpty { entry["subresources"] = .array(subresources) }
                    return .object(entry)
                }
                return .object([("version", .string(groupVersion)), ("resources", .array(resources)), ("freshness", "Current")])
            }
            var metadata = JSONObject()
            if !core { metadata["name"] = .string(group.name) }
            items.append(.object([("metadata", .object(metadata)), ("versions", .array(versions))]))
        }
        let body: JSONValue = .object([("kind", "APIGroupDiscoveryList"), ("apiVersion", .string("apidiscovery.k8s.io/\(version)")),
                                       ("metadata", .object(JSONObject())), ("items", .array(items))])
        return .json(body, contentType: "application/json;g=apidiscovery.k8s.io;v=\(version);as=APIGroupDiscoveryList")
    }
}

/// Kubernetes' version priority: GA before beta before alpha, higher numbers first (`v1`, `v1beta2`,
/// `v1beta1`, `v1alpha1`), anything else last, alphabetically.
enum KubeVersion {
    static func sorted(_ versions: [String]) -> [String] {
        versions.sorted { rank($0) < rank($1) }
    }

    private static func rank(_ version: String) -> (Int, Int, Int, String) {
        let pattern = /^v(\d+)(?:(alpha|beta)(\d+))?$/
        guard let match = version.wholeMatch(of: pattern), let major = Int(match.1) else { return (3, 0, 0, version) }
        let level = match.2 == nil ? 0 : (match.2 == "beta" ? 1 : 2)
        let minor = match.3.flatMap { Int($0) } ?? 0
        return (level, -major, -minor, version)
    }
}
