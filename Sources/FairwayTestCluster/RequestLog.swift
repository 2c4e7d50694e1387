import FairwayCore
import Foundation

/// One served request, for tests to assert on.
public struct RequestRecord: Sendable, Equatable {
    public var method: String
    public var path: String
    public var query: [String: String]
    /// The Kubernetes verb (`get`, `list`, `watch`, `create`, `update`, `patch`, `delete`...) or
    /// `discovery`, `openapi`, `admin`.
    public var verb: String
    public var contentType: String?
    public var userAgent: String
    public var status: Int
    /// A fault that was injected, if any (`latency`, `status`, `429`, `drop`).
    public var fault: String?
    public var milliseconds: Double

    var json: JSONValue {
        var object: JSONObject = [("method", .string(method)), ("path", .string(path))]
        if !query.isEmpty { object["query"] = .object(JSONObject(query.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })) }
        object["verb"] = .string(verb)
        if let contentType { object["contentType"] = .string(contentType) }
        object["userAgent"] = .string(userAgent)
        object["status"] = .int(Int64(status))
        if let fault { object["fault"] = .string(fault) }
        object["ms"] = .double((milliseconds * 1000).rounded() / 1000)
        return .object(object)
    }
}

/// Every request served, in order, up to a limit (the oldest are forgotten first).
public final class RequestLog: Sendable {
    private let records = Locked<[RequestRecord]>([])
    private let limit: Int

    public init(limit: Int = 100_000) { self.limit = limit }

    public var all: [RequestRecord] { records.withLock { $0 } }
    public func clear() { records.withLock { $0.removeAll() } }

    func append(_ record: RequestRecord) {
        records.withLock { records in
            records.append(record)
            // Trim in batches, so a full log costs no more per request than a short one.
            if records.count > limit + limit / 10 { records.removeFirst(records.count - limit) }
        }
    }
}

extension RequestLog {
    /// The log as JSON lines, one request each.
    public func jsonLines() -> String {
        all.map { JSONWriter.string($0.json) + "\n" }.joined()
    }
}
