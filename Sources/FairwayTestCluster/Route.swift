/// Where a request goes, parsed from its path: discovery documents, OpenAPI, the admin endpoint, or
/// a resource path (`/api/v1/namespaces/ns/configmaps/name/status`).
enum Route: Sendable {
    case version
    case health
    case coreVersions
    case groups
    case group(String)
    case groupVersion(group: String, version: String)
    case openAPIV2
    case openAPIV3Index
    case openAPIV3(group: String, version: String)
    case admin([String])
    case resource(ResourcePath)
    case unknown

    init(path: String) {
        let segments = path.split(separator: "/").map(String.init)
        switch segments.first {
        case "version": self = .version
        case "healthz", "readyz", "livez": self = .health
        case "fairway-admin": self = .admin(Array(segments.dropFirst()))
        case "openapi":
            if segments.count == 2, segments[1] == "v2" { self = .openAPIV2 }
            else if segments.count == 2, segments[1] == "v3" { self = .openAPIV3Index }
            else if segments.count == 4, segments[1] == "v3", segments[2] == "api" { self = .openAPIV3(group: "", version: segments[3]) }
            else if segments.count == 5, segments[1] == "v3", segments[2] == "apis" { self = .openAPIV3(group: segments[3], version: segments[4]) }
            else { self = .unknown }
        case "api":
            if segments.count == 1 { self = .coreVersions }
            else if segments.count == 2 { self = .groupVersion(group: "", version: segments[1]) }
            else { self = ResourcePath(group: "", version: segments[1], rest: segments.dropFirst(2)).map(Route.resource) ?? .unknown }
        case "apis":
            if segments.count == 1 { self = .groups }
            else if segments.count == 2 { self = .group(segments[1]) }
            else if segments.count == 3 { self = .groupVersion(group: segments[1], version: segments[2]) }
            else { self = ResourcePath(group: segments[1], version: segments[2], rest: segments.dropFirst(3)).map(Route.resource) ?? .unknown }
        default: self = .unknown
        }
    }
}

/// A resource path: group, version, plural, and optionally namespace, name and subresource.
struct ResourcePath: Sendable {
    var group: String
    var version: String
    var namespace: String?
    var plural: String
    var name: String?
    var subresource: String?
    /// The old `/watch/` path form.
    var watchPrefix = false

    init?(group: String, version: String, rest: ArraySlice<String>) {
        var rest = Array(rest)
        self.group = group
        self.version = version
        if rest.first == "watch" { watchPrefix = true; rest.removeFirst() }
        // `namespaces/{ns}/{plural}...` is namespaced; `namespaces` and `namespaces/{name}[/status]` are the
        // Namespace objects themselves.
        if rest.count >= 3, rest[0] == "namespaces", !["status", "finalize"].contains(rest[2]) {
            namespace = rest[1]
            rest.removeFirst(2)
        }
        guard let plural = rest.first, rest.count <= 3 else { return nil }
        self.plural = plural
        name = rest.count > 1 ? rest[1] : nil
        subresource = rest.count > 2 ? rest[2] : nil
    }
}
