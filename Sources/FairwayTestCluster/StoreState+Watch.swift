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
        event.key == key && matches(event.object)
    }

    private func matches(_ object: JSONObject) -> Bool {
        if let namespace, resource.namespaced, object.namespace != namespace { return false }
        if let labels, !labels.matches(object.labels) { return false }
        if let fields, !fields.matches(object) { return false }
        return true
    }

    /// The event as this watch sees it: a change that moves an object into or out of the selection
    /// reads as ADDED or DELETED; nil when the watch does not see the change at all.
    func view(of event: WatchEvent) -> WatchEvent? {
        guard event.key == key else { return nil }
        let now = matches(event.object)
        guard event.type == "MODIFIED", let previous = event.previous else { return now ? event : nil }
        var seen = event
        switch (matches(previous), now) {
        case (true, true): return event
        case (false, true): seen.type = "ADDED"
        case (true, false): seen.type = "DELETED"
        case (false, false): return nil
        }
        return seen
    }
}

/// Recording changes and serving them to watches, from a past resourceVersion or from now.
extension StoreState {
    mutating func record(_ event: WatchEvent) {
        var kept = event
        kept.previous = nil
        history.append(kept)
        if history.count > Self.historyLimit { history.removeFirst(history.count - Self.historyLimit / 2) }
        var ended: [Int] = []
        for (id, watcher) in watchers {
            guard var seen = watcher.view(of: event) else { continue }
            seen.object = served(seen.object, as: watcher.resource)
            seen.previous = nil
            if case .terminated = watcher.continuation.yield(seen) { ended.append(id) }
        }
        for id in ended { watchers[id] = nil }
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
