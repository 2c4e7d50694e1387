import FairwayCore

/// An open watch: which objects it wants and where its events go.
struct Watcher: Sendable {
    var key: StorageKey
    var resource: ResourceType
    var namespace: String?
    var labels: LabelSelector?
    var fields: FieldSelector?
    var continuation: AsyncStream<WatchEvent>.Continuation

    func wants(_ event: WatchEvent) -> Bool {
        guard event.key == key else { return false }
        if let namespace, resource.namespaced, event.object.namespace != namespace { return false }
        if let labels, !labels.matches(event.object.labels) { return false }
        if let fields, !fields.matches(event.object) { return false }
        return true
    }
}

/// Recording changes and serving them to watches, from a past resourceVersion or from now.
extension StoreState {
    mutating func record(_ event: WatchEvent) {
        history.append(event)
        if history.count > Self.historyLimit { history.removeFirst(history.count - Self.historyLimit / 2) }
        for watcher in watchers.values where watcher.wants(event) {
            var served = event
            served.object = self.served(event.object, as: watcher.resource)
            watcher.continuation.yield(served)
        }
    }

    /// Opens a watch. Events after `since` are replayed first; with no `since` (or "0"), every matching
    /// object is sent as ADDED first. A `since` older than the remembered history fails with 410 Gone.
    mutating func openWatch(_ watcher: Watcher, since: String?) throws(APIError) -> (id: Int, replay: [WatchEvent]) {
        var replay: [WatchEvent] = []
        if let since, !since.isEmpty, since != "0" {
            guard let version = Int64(since) else { throw APIError.badRequest("invalid resource version \"\(since)\"") }
            if let oldest = history.first?.revision, version < oldest - 1, version < revision {
                throw APIError(code: 410, reason: "Expired", message: "too old resource version: \(version) (\(oldest - 1))")
            }
            replay = history.filter { $0.revision > version && watcher.wants($0) }
        } else {
            let page = try list(watcher.resource, namespace: watcher.namespace, labels: watcher.labels, fields: watcher.fields,
                                limit: nil, continueToken: nil)
            replay = page.items.map { WatchEvent(type: "ADDED", object: $0, revision: revision, key: watcher.key) }
        }
        replay = replay.map { var event = $0; event.object = served(event.object, as: watcher.resource); return event }
        nextWatcherID += 1
        watchers[nextWatcherID] = watcher
        return (nextWatcherID, replay)
    }

    mutating func closeWatch(_ id: Int) {
        watchers.removeValue(forKey: id)?.continuation.finish()
    }
}
