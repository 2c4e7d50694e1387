/// The identity of one Kubernetes object: API group, version, kind, namespace and name.
///
/// Keys order by apply order first (see `KindFacts`), then namespace and name, so sorting a set of
/// keys gives the order Fairway creates them in.
public struct ObjectKey: Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
    /// The fields live in one immutable object, so copying a key (plans and dictionaries copy
    /// tens of thousands) costs one reference count, and the hash is computed once.
    private final class Storage: Sendable {
        let group: String
        let version: String
        let kind: String
        let namespace: String?
        let name: String
        /// `KindFacts.rank(of: kind)`: sorting tens of thousands of keys compares it often.
        let kindRank: Int
        /// The fields that tell keys apart in practice, hashed once; equality still compares all.
        let hash: Int

        init(group: String, version: String, kind: String, namespace: String?, name: String) {
            self.group = group
            self.version = version
            self.kind = kind
            self.namespace = namespace
            self.name = name
            kindRank = KindFacts.rank(of: kind)
            var hasher = Hasher()
            hasher.combine(name)
            hasher.combine(namespace)
            hasher.combine(kindRank)
            hash = hasher.finalize()
        }
    }

    private let storage: Storage

    public var group: String { storage.group }
    public var version: String { storage.version }
    public var kind: String { storage.kind }
    public var namespace: String? { storage.namespace }
    public var name: String { storage.name }

    private enum CodingKeys: String, CodingKey {
        case group, version, kind, namespace, name
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        storage = Storage(group: try c.decode(String.self, forKey: .group),
                          version: try c.decode(String.self, forKey: .version),
                          kind: try c.decode(String.self, forKey: .kind),
                          namespace: try c.decodeIfPresent(String.self, forKey: .namespace),
                          name: try c.decode(String.self, forKey: .name))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(group, forKey: .group)
        try c.encode(version, forKey: .version)
        try c.encode(kind, forKey: .kind)
        try c.encodeIfPresent(namespace, forKey: .namespace)
        try c.encode(name, forKey: .name)
    }

    public init(apiVersion: String, kind: String, namespace: String?, name: String) {
        let group: String, version: String
        if let slash = apiVersion.firstIndex(of: "/") {
            group = String(apiVersion[..<slash])
            version = String(apiVersion[apiVersion.index(after: slash)...])
        } else {
            group = ""
            version = apiVersion
        }
        storage = Storage(group: group, version: version, kind: kind, namespace: namespace, name: name)
    }

    public var apiVersion: String { group.isEmpty ? version : "\(group)/\(version)" }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(storage.hash)
    }

    public static func == (lhs: ObjectKey, rhs: ObjectKey) -> Bool {
        if lhs.storage === rhs.storage { return true }
        let l = lhs.storage, r = rhs.storage
        return l.hash == r.hash && l.name == r.name && l.namespace == r.namespace && l.kind == r.kind
            && l.group == r.group && l.version == r.version
    }

    /// `Kind/namespace/name` or `Kind/name`: what people read in plans and logs.
    public var description: String {
        if let namespace { return "\(kind)/\(namespace)/\(name)" }
        return "\(kind)/\(name)"
    }

    public static func < (lhs: ObjectKey, rhs: ObjectKey) -> Bool {
        let l = lhs.storage, r = rhs.storage
        if l === r { return false }
        if l.kindRank != r.kindRank { return l.kindRank < r.kindRank }
        if l.kind != r.kind { return l.kind < r.kind }
        if (l.namespace ?? "") != (r.namespace ?? "") { return (l.namespace ?? "") < (r.namespace ?? "") }
        if l.name != r.name { return l.name < r.name }
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
    /// The GPU class of a rendered object or node.
    public static let gpuClassLabel = "fairway.dev/gpu-class"

    /// `body` with its source annotation set to `value`; unchanged when it carries none.
    public static func settingSource(_ value: String, in body: JSONValue) -> JSONValue {
        guard case var .object(object) = body, case var .object(metadata)? = object["metadata"],
              case var .object(annotations)? = metadata["annotations"], annotations[sourceAnnotation] != nil
        else { return body }
        annotations[sourceAnnotation] = .string(value)
        metadata["annotations"] = .object(annotations)
        object["metadata"] = .object(metadata)
        return .object(object)
    }

    /// True when a body carries `app.kubernetes.io/managed-by: fairway`; only such objects are updated or pruned.
    /// helm's record of a release (a Secret or ConfigMap labelled `owner: helm`) never is: helm copies
    /// release labels onto it, but it is helm's.
    public static func isOwned(_ body: JSONValue) -> Bool {
        guard let labels = body["metadata"]?["labels"] else { return false }
        return labels[managedByLabel]?.stringValue == managedByValue && labels["owner"]?.stringValue != "helm"
    }
}
