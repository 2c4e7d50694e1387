import FairwayCore
import Foundation

/// Every object in the cluster, the catalog of kinds, the global `resourceVersion` counter, recent
/// changes (for watches that start in the past) and the open watches. One lock guards it all, so
/// requests on any thread see one consistent history.
public final class ObjectStore: Sendable {
    let state: Locked<StoreState>

    public init(simulateWorkloads: Bool = true) {
        state = Locked(StoreState(simulateWorkloads: simulateWorkloads))
        state.withLock { state in
            for namespace in ["default", "kube-system", "kube-public", "kube-node-lease"] {
                _ = try? state.create(state.catalog.resource(group: "", version: "v1", plural: "namespaces")!, namespace: "",
                                      body: [("apiVersion", "v1"), ("kind", "Namespace"), ("metadata", .object([("name", .string(namespace))]))],
                                      options: WriteOptions(manager: "fairway-testcluster"))
            }
            for object in BootstrapRoles.objects {
                guard let resource = state.catalog.resource(apiVersion: object.apiVersion, kind: object.kind) else { continue }
                _ = try? state.create(resource, namespace: "", body: object, options: WriteOptions(manager: "fairway-testcluster"))
            }
        }
    }

    /// The number of objects stored, over all kinds.
    public var objectCount: Int { state.withLock { $0.buckets.values.reduce(0) { $0 + $1.count } } }

    /// The current global resourceVersion.
    public var resourceVersion: Int64 { state.withLock { $0.revision } }

    /// A stored object by API version, kind, namespace ("" for cluster-scoped) and name.
    public func object(apiVersion: String, kind: String, namespace: String = "", name: String) -> JSONObject? {
        state.withLock { state in
            guard let resource = state.catalog.resource(apiVersion: apiVersion, kind: kind) else { return nil }
            return try? state.get(resource, namespace: namespace, name: name)
        }
    }

    /// Every stored object of one kind, sorted by namespace and name.
    public func objects(apiVersion: String, kind: String) -> [JSONObject] {
        state.withLock { state in
            guard let resource = state.catalog.resource(apiVersion: apiVersion, kind: kind),
                  let bucket = state.buckets[resource.storageKey] else { return [] }
            return bucket.keys.sorted().map { state.served(bucket[$0]!, as: resource) }
        }
    }
}

/// How a write was asked for: `dryRun`, `fieldManager`, `force` and `fieldValidation` parameters.
struct WriteOptions: Sendable {
    var dryRun = false
    var manager: String
    var force = false
    /// Strict, Warn or Ignore.
    var fieldValidation = "Warn"
    /// Who writes, for RBAC's escalation checks and for creating through server-side apply; nil
    /// for the cluster's own writes.
    var requester: Authorizer.Grant? = nil
}

/// The outcome of a write: the object as stored (or as it would be, on a dry run), whether it was
/// created, and warnings for the `Warning` header.
struct WriteResult: Sendable {
    var object: JSONObject
    var created: Bool
    var warnings: [String] = []
}

/// A change as watches see it. `previous` (live events only, not kept in the history) lets a watch
/// with a selector see an object that stops matching as DELETED and one that starts matching as ADDED.
struct WatchEvent: Sendable {
    var type: String
    var object: JSONObject
    var revision: Int64
    var key: StorageKey
    var previous: JSONObject? = nil
}

/// The store's mutable state; only `ObjectStore.state`'s lock hands it out.
struct StoreState {
    var catalog = ResourceCatalog()
    /// Objects by storage key, then by "namespace/name".
    var buckets: [StorageKey: [String: JSONObject]] = [:]
    var revision: Int64 = 0
    var history: [WatchEvent] = []
    var watchers: [Int: Watcher] = [:]
    var nextWatcherID = 0
    var nextClusterIP = 10
    let simulateWorkloads: Bool

    static let historyLimit = 20_000

    init(simulateWorkloads: Bool) { self.simulateWorkloads = simulateWorkloads }

    static func objectKey(_ namespace: String, _ name: String) -> String { namespace + "/" + name }

    /// The object as a client of `resource`'s version sees it.
    func served(_ object: JSONObject, as resource: ResourceType) -> JSONObject {
        guard object.apiVersion != resource.apiVersion else { return object }
        var copy = object
        copy["apiVersion"] = .string(resource.apiVersion)
        return copy
    }

    func get(_ resource: ResourceType, namespace: String, name: String) throws(APIError) -> JSONObject {
        guard let object = buckets[resource.storageKey]?[Self.objectKey(resource.namespaced ? namespace : "", name)] else {
            throw APIError.notFound(resource, name)
        }
        return served(object, as: resource)
    }

    /// One page of a list: its items, the resourceVersion it was read at, and where the next page starts.
    struct ListPage {
        var items: [JSONObject]
        var revision: Int64
        var continueToken: String?
        var remaining: Int
    }

    func list(_ resource: ResourceType, namespace: String?, labels: LabelSelector?, fields: FieldSelector?,
              limit: Int?, continueToken: String?) throws(APIError) -> ListPage {
        let bucket = buckets[resource.storageKey] ?? [:]
        var keys = bucket.keys.sorted()
        if let namespace, resource.namespaced { keys = keys.filter { $0.hasPrefix(namespace + "/") } }
        if let continueToken {
            guard let data = Data(base64Encoded: continueToken), let after = String(data: data, encoding: .utf8) else {
                throw APIError.badRequest("continue key is not valid: illegal base64 data")
            }
            keys = keys.filter { $0 > after }
        }
        var items: [JSONObject] = []
        var lastKey: String?
        var matchedAfterLimit = 0
        for key in keys {
            let object = bucket[key]!
            if let labels, !labels.matches(object.labels) { continue }
            if let fields, !fields.matches(object) { continue }
            if let limit, limit > 0, items.count >= limit { matchedAfterLimit += 1; continue }
            items.append(served(object, as: resource))
            lastKey = key
        }
        let token = matchedAfterLimit > 0 ? lastKey.map { Data($0.utf8).base64EncodedString() } : nil
        return ListPage(items: items, revision: revision, continueToken: token, remaining: matchedAfterLimit)
    }
}
