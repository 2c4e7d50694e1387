import FairwayCore

/// The live objects Fairway plans against.
public struct LiveObjects: Sendable {
    /// Every object labelled `app.kubernetes.io/managed-by: fairway` of the kinds read, and every
    /// desired object that exists without that label (an unowned object in the way).
    public var objects: [ObjectKey: Manifest]
    /// `metadata.resourceVersion` of each object found.
    public var resourceVersions: [ObjectKey: String]
    /// Kinds the server does not serve (their CRD is not installed yet): they have no live objects.
    public var missingKinds: [GroupVersionKind]

    /// The objects in apply order.
    public var manifests: [Manifest] { objects.keys.sorted().map { objects[$0]! } }
}

extension KubernetesClient {
    /// Reads what Fairway needs to plan, in few requests:
    ///
    /// 1. for each kind in `kinds` (and of `desired`) that discovery knows, one cluster-wide LIST of
    ///    the objects Fairway owns (`app.kubernetes.io/managed-by=fairway`), paged;
    /// 2. for desired objects not among them, one LIST of namespaces (which also answers for desired
    ///    Namespaces), then a GET of each remaining object whose namespace exists, at most
    ///    `options.concurrency` at once, so an object in the way is seen even when Fairway does not own it.
    ///
    /// Discovery is used as cached; call `refreshDiscovery()` first when CRDs may have been created.
    public func readLive(kinds: Set<GroupVersionKind>, desired: [ObjectKey]) async throws -> LiveObjects {
        let map = try await discovery()
        let allKinds = kinds.union(desired.map(GroupVersionKind.init)).sorted()
        let served = allKinds.compactMap(map.resource(for:))
        var live = LiveObjects(objects: [:], resourceVersions: [:], missingKinds: allKinds.filter { map.resource(for: $0) == nil })

        let selector = "\(Ownership.managedByLabel)=\(Ownership.managedByValue)"
        let owned = try await withBoundedConcurrency(served, limit: options.concurrency) { resource in
            try await self.list(resource, namespace: nil, labelSelector: selector, fieldSelector: nil, pageSize: nil).items
        }
        for manifest in owned.joined() { live.add(manifest) }

        var remaining = desired.filter { live.objects[$0] == nil && map.resource(for: GroupVersionKind($0)) != nil }
        guard !remaining.isEmpty else { return live }
        let namespaceKind = GroupVersionKind(group: "", version: "v1", kind: "Namespace")
        let namespaces = try await list(try await resource(for: namespaceKind), namespace: nil, labelSelector: nil,
                                        fieldSelector: nil, pageSize: nil).items
        let wanted = Set(remaining)
        var liveNamespaces = Set<String>()
        for namespace in namespaces {
            liveNamespaces.insert(namespace.key.name)
            if wanted.contains(namespace.key) { live.add(namespace) }
        }
        remaining = remaining.filter { key in
            guard live.objects[key] == nil, GroupVersionKind(key) != namespaceKind else { return false }
            guard map.resource(for: GroupVersionKind(key))!.namespaced else { return true }
            return liveNamespaces.contains(key.namespace ?? connection.namespace)
        }
        let found = try await withBoundedConcurrency(remaining, limit: options.concurrency) { key in
            try await self.get(key)
        }
        for manifest in found.compactMap({ $0 }) { live.add(manifest) }
        return live
    }
}

extension LiveObjects {
    mutating func add(_ manifest: Manifest) {
        objects[manifest.key] = manifest
        if let version = manifest.body["metadata"]?["resourceVersion"]?.stringValue { resourceVersions[manifest.key] = version }
    }
}
