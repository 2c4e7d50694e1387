import FairwayCore

/// Watches as a stream of JSON lines (`{"type":"ADDED","object":{...}}`): past events or the current
/// objects first, then live changes, until `timeoutSeconds` or the client goes away. Supports
/// `sendInitialEvents` (ending with the `k8s.io/initial-events-end` bookmark) and periodic bookmarks.
extension APIServer {
    func watch(_ resource: ResourceType, namespace: String?, name: String?, query: [String: String]) throws(APIError) -> APIResponse {
        let labels = try query["labelSelector"].map { text throws(APIError) in try APIError.labelSelector(text) }
        var fieldText = query["fieldSelector"] ?? ""
        if let name { fieldText += (fieldText.isEmpty ? "" : ",") + "metadata.name=\(name)" }
        let fields = fieldText.isEmpty ? nil : FieldSelector(parsing: fieldText)
        let initialEvents = query["sendInitialEvents"] == "true"
        let (events, continuation) = AsyncStream<WatchEvent>.makeStream()
        let watcher = Watcher(key: resource.storageKey, resource: resource, namespace: namespace, labels: labels,
                              fields: fields, continuation: continuation)
        let since = initialEvents ? nil : query["resourceVersion"]
        let (id, replay) = try store.state.withLock { state throws(APIError) in try state.openWatch(watcher, since: since) }
        let store = self.store
        // Not the store's lock here, but a task that takes it later: a watch ends when its client goes away,
        // and the runtime may call this while it cancels the pump below and holds that task's lock; a
        // write that holds the store's lock and yields an event to the pump waits for the pump's lock,
        // so taking the store's lock here deadlocks the server (seen with helm, which drops a Job's watch
        // the moment it completes). `record` also drops watchers whose stream has ended.
        continuation.onTermination = { _ in Task { store.state.withLock { _ = $0.watchers.removeValue(forKey: id) } } }

        let timeout = query["timeoutSeconds"].flatMap { Int($0) } ?? 1800
        let bookmarks = query["allowWatchBookmarks"] == "true"
        let stream = AsyncStream<[UInt8]> { out in
            let pump = Task {
                for event in replay { out.yield(Self.line(event.type, .object(event.object))) }
                if initialEvents {
                    out.yield(Self.line("BOOKMARK", Self.bookmark(resource, revision: store.resourceVersion, initialEventsEnd: true)))
                }
                for await event in events { out.yield(Self.line(event.type, .object(event.object))) }
                out.finish()
            }
            let ticker = Task {
                var waited = 0
                while waited < timeout, !Task.isCancelled {
                    try? await Task.sleep(for: .seconds(1))
                    waited += 1
                    if bookmarks, waited % 5 == 0 {
                        out.yield(Self.line("BOOKMARK", Self.bookmark(resource, revision: store.resourceVersion, initialEventsEnd: false)))
                    }
                }
                continuation.finish()
            }
            out.onTermination = { _ in
                pump.cancel()
                ticker.cancel()
                continuation.finish()
            }
        }
        return APIResponse(status: 200, headers: [("Content-Type", "application/json")],
                           body: .stream(stream))
    }

    static func line(_ type: String, _ object: JSONValue) -> [UInt8] {
        var bytes = JSONWriter.bytes(.object([("type", .string(type)), ("object", object)]))
        bytes.append(0x0a)
        return bytes
    }

    static func bookmark(_ resource: ResourceType, revision: Int64, initialEventsEnd: Bool) -> JSONValue {
        var metadata: JSONObject = [("resourceVersion", .string(String(revision)))]
        if initialEventsEnd { metadata["annotations"] = .object([("k8s.io/initial-events-end", "true")]) }
        return .object([("kind", .string(resource.kind)), ("apiVersion", .string(resource.apiVersion)), ("metadata", .object(metadata))])
    }
}
