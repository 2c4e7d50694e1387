import FairwayCore

/// One kind of object the test cluster serves: its group, version, names, scope and verbs, as
/// discovery shows it. Owns nothing but its description; objects live in `ObjectStore`.
public struct ResourceType: Sendable, Hashable {
    public var group: String
    public var version: String
    public var kind: String
    public var plural: String
    public var singular: String
    public var namespaced: Bool
    public var shortNames: [String]
    public var categories: [String]
    /// Whether `status` is a subresource: writes to the object keep the stored status.
    public var hasStatus: Bool

    public init(group: String, version: String, kind: String, plural: String, singular: String? = nil,
                namespaced: Bool, shortNames: [String] = [], categories: [String] = [], hasStatus: Bool = false) {
        self.group = group
        self.version = version
        self.kind = kind
        self.plural = plural
        self.singular = singular ?? kind.lowercased()
        self.namespaced = namespaced
        self.shortNames = shortNames
        self.categories = categories
        self.hasStatus = hasStatus
    }

    public var apiVersion: String { group.isEmpty ? version : "\(group)/\(version)" }
    /// `configmaps` or `deployments.apps`: how Kubernetes names a resource in its messages.
    public var groupResource: String { group.isEmpty ? plural : "\(plural).\(group)" }
    /// `ConfigMap` or `RayCluster.ray.io`: how Kubernetes names a kind in 422 messages.
    public var groupKind: String { group.isEmpty ? kind : "\(kind).\(group)" }
    /// The key objects are stored under: versions of one resource share their objects.
    var storageKey: StorageKey { StorageKey(group: group, plural: plural) }

    static let verbs = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"]
}

/// Where objects of one resource are stored, whichever version they are served as.
struct StorageKey: Hashable, Sendable {
    var group: String
    var plural: String
}
