import FairwayCore

/// An API group, version and kind, e.g. `apps/v1 Deployment`.
public struct GroupVersionKind: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var group: String
    public var version: String
    public var kind: String

    public init(group: String, version: String, kind: String) {
        self.group = group
        self.version = version
        self.kind = kind
    }

    public init(apiVersion: String, kind: String) {
        let key = ObjectKey(apiVersion: apiVersion, kind: kind, namespace: nil, name: "")
        self.init(group: key.group, version: key.version, kind: kind)
    }

    public init(_ key: ObjectKey) { self.init(group: key.group, version: key.version, kind: key.kind) }

    public var apiVersion: String { group.isEmpty ? version : "\(group)/\(version)" }
    public var description: String { "\(apiVersion) \(kind)" }

    public static func < (lhs: Self, rhs: Self) -> Bool { (lhs.group, lhs.version, lhs.kind) < (rhs.group, rhs.version, rhs.kind) }
}

/// One kind a server serves: where its objects live (resource plural), whether they are namespaced,
/// and which verbs the server allows on them.
public struct APIResource: Sendable, Hashable {
    public var kind: GroupVersionKind
    /// The resource name in paths, e.g. `deployments`.
    public var plural: String
    public var namespaced: Bool
    public var verbs: [String]

    public init(kind: GroupVersionKind, plural: String, namespaced: Bool, verbs: [String]) {
        self.kind = kind
        self.plural = plural
        self.namespaced = namespaced
        self.verbs = verbs
    }

    /// `/api/v1` or `/apis/{group}/{version}`.
    public var groupVersionPath: String {
        kind.group.isEmpty ? "/api/\(kind.version)" : "/apis/\(kind.group)/\(kind.version)"
    }

    /// The path of the collection (in `namespace`, or cluster-wide when nil) or of the object `name`.
    public func path(namespace: String?, name: String? = nil) -> String {
        var path = groupVersionPath
        if namespaced, let namespace { path += "/namespaces/\(namespace)" }
        path += "/\(plural)"
        if let name { path += "/\(name)" }
        return path
    }
}

/// What discovery found: every kind the server serves, by group, version and kind.
public struct DiscoveryMap: Sendable {
    public private(set) var resources: [GroupVersionKind: APIResource]

    public init(_ resources: [APIResource] = []) {
        self.resources = [:]
        for resource in resources where self.resources[resource.kind] == nil { self.resources[resource.kind] = resource }
    }

    public func resource(for kind: GroupVersionKind) -> APIResource? { resources[kind] }

    public func resource(apiVersion: String, kind: String) -> APIResource? {
        resources[GroupVersionKind(apiVersion: apiVersion, kind: kind)]
    }

    public var count: Int { resources.count }
}
