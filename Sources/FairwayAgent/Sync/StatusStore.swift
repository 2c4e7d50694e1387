import FairwayCore
import FairwayKubernetes
import FairwayLive
import FairwayPipeline

/// The agent's status ConfigMap and its Events, in the agent's namespace. The ConfigMap holds the
/// whole status as JSON (`status.json`) and the headline fields as their own keys, so `kubectl get
/// configmap fairway-status -o yaml` reads well too. Events go out on failures (and on applies),
/// once per reason and commit, so a commit that stays invalid does not flood the namespace.
public final class StatusStore: Sendable {
    public static let defaultName = "fairway-status"
    static let fieldManager = "fairway-agent"

    let client: KubernetesClient
    public let namespace: String
    public let name: String
    private let lastEvent = Locked<String?>(nil)

    public init(client: KubernetesClient, namespace: String, name: String = StatusStore.defaultName) {
        self.client = client
        self.namespace = namespace
        self.name = name
    }

    var key: ObjectKey { ObjectKey(apiVersion: "v1", kind: "ConfigMap", namespace: namespace, name: name) }

    /// The status as last written; nil when there is none yet.
    public func read() async throws -> SyncStatus? {
        guard let object = try await client.get(key), let text = object.body["data"]?["status.json"]?.stringValue else { return nil }
        return SyncStatus(json: try JSONReader.parse(Array(text.utf8)))
    }

    /// Writes the status (server-side apply as `fairway-agent`).
    public func write(_ status: SyncStatus) async throws {
        var data: JSONObject = [("status.json", .string(JSONWriter.string(status.json, pretty: true)))]
        data["result"] = .string(status.result?.rawValue ?? "")
        data["lastFetchedCommit"] = .string(status.lastFetchedCommit ?? "")
        data["lastAppliedCommit"] = .string(status.lastAppliedCommit ?? "")
        data["lastAppliedAt"] = .string(status.lastAppliedAt ?? "")
        data["errors"] = .string(status.errors.joined(separator: "\n"))
        let body: JSONValue = [
            "apiVersion": "v1", "kind": "ConfigMap",
            "metadata": ["name": .string(name), "namespace": .string(namespace),
                         "labels": ["app.kubernetes.io/name": "fairway", "app.kubernetes.io/component": "sync-status"]],
            "data": .object(data),
        ]
        _ = try await client.apply(Manifest(body: body)!, fieldManager: Self.fieldManager, force: true, returning: false)
    }

    /// Records a Kubernetes Event about the status ConfigMap, unless the same reason and message
    /// were the last one sent.
    public func event(type: String, reason: String, message: String, reportingInstance: String) async throws {
        let signature = "\(reason)\n\(message)"
        guard lastEvent.withLock({ $0 }) != signature else { return }
        let now = WallTime.now()
        let suffix = String(UInt64(now.secondsSince1970 * 1e6), radix: 16)
        let body: JSONValue = [
            "apiVersion": "v1", "kind": "Event",
            "metadata": ["name": .string("\(name).\(suffix)"), "namespace": .string(namespace)],
            "involvedObject": ["apiVersion": "v1", "kind": "ConfigMap", "namespace": .string(namespace), "name": .string(name)],
            "type": .string(type), "reason": .string(reason), "message": .string(String(message.prefix(1024))),
            "source": ["component": "fairway-sync"],
            "reportingComponent": "fairway.dev/sync", "reportingInstance": .string(reportingInstance),
            "firstTimestamp": .string(now.rfc3339), "lastTimestamp": .string(now.rfc3339), "count": 1,
        ]
        _ = try await client.create(Manifest(body: body)!)
        lastEvent.withLock { $0 = signature }
    }
}
