/// The identity of one Kubernetes object: API group, version, kind, namespace and name.
///
/// Keys order by apply order first (see `KindOrder`), then namespace and name, so sorting a set of
/// keys gives the order Fairway creates them in.
public struct ObjectKey: Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
    public let group: String
    public let version: String
    public let kind: String
    public let namespace: String?
    public let name: String
    /// `KindOrder.rank(of: kind)`, computed once: sorting tens of thousands of keys compares it often.
    private let kindRank: Int

    private enum CodingKeys: String, CodingKey {
        case group, version, kind, namespace, name
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        group = try c.decode(String.self, forKey: .group)
        version = try c.decode(String.self, forKey: .version)
        kind = try c.decode(String.self, forKey: .kind)
        namespace = try c.decodeIfPresent(String.self, forKey: .namespace)
        name = try c.decode(String.self, forKey: .name)
        kindRank = KindOrder.rank(of: kind)
    }

    public init(apiVersion: String, kind: String, namespace: String?, name: String) {
        kindRank = KindOrder.rank(of: kind)
        if let slash = apiVersion.firstIndex(of: "/") {
            group = String(apiVersion[..<slash])
            version = String(apiVersion[apiVersion.index(after: slash)...])
        } else {
            group = ""
            version = apiVersion
        }
        self.kind = kind
        self.namespace = namespace
        self.name = name
    }

    public var apiVersion: String { group.isEmpty ? version : "\(group)/\(version)" }

    /// Hashes the fields that tell keys apart in practice; equality still compares every field.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(name)
        hasher.combine(namespace)
        hasher.combine(kindRank)
    }

    /// `Kind/namespace/name` or `Kind/name`: what people read in plans and logs.
    public var description: String {
        if let namespace { return "\(kind)/\(namespace)/\(name)" }
        return "\(kind)/\(name)"
    }

    public static func < (lhs: ObjectKey, rhs: ObjectKey) -> Bool {
        if lhs.kindRank != rhs.kindRank { return lhs.kindRank < rhs.kindRank }
        if lhs.kind != rhs.kind { return lhs.kind < rhs.kind }
        if (lhs.namespace ?? "") != (rhs.namespace ?? "") { return (lhs.namespace ?? "") < (rhs.namespace ?? "") }
        if lhs.name != rhs.name { return lhs.name < rhs.name }
        return lhs.apiVersion < rhs.apiVersion
    }
}

/// An object Fairway wants to exist (or found to exist): its key and its whole JSON body.
public struct Manifest: Sendable, Hashable {
    public var key: ObjectKey
    public var body: JSONValue

    public init(key: ObjectKey, body: JSONValue) {
        self.key = key
        self.body = body
    }

    /// Builds a manifest from a body that carries apiVersion, kind and metadata.
    public init?(body: JSONValue) {
        guard let apiVersion = body["apiVersion"]?.stringValue, let kind = body["kind"]?.stringValue,
              let name = body["metadata"]?["name"]?.stringValue
        else { return nil }
        self.key = ObjectKey(
            apiVersion: apiVersion, kind: kind, namespace: body["metadata"]?["namespace"]?.stringValue, name: name)
        self.body = body
    }
}

/// The labels and annotations that mark what Fairway owns.
public enum Ownership {
    public static let managedByLabel = "app.kubernetes.io/managed-by"
    public static let managedByValue = "fairway"
    public static let sourceAnnotation = "fairway.dev/source"
    public static let tenantLabel = "fairway.dev/tenant"

    /// True when a body carries `app.kubernetes.io/managed-by: fairway`; only such objects are updated or pruned.
    public static func isOwned(_ body: JSONValue) -> Bool {
        body["metadata"]?["labels"]?[managedByLabel]?.stringValue == managedByValue
    }
}
