import Foundation
import FairwayCore

/// A request as the cluster's handlers see it, free of the HTTP server's types.
public struct APIRequest: Sendable {
    public var method: String
    public var path: String
    public var query: [String: String]
    /// Header names in lower case.
    public var headers: [String: String]
    public var body: [UInt8]
    /// The TLS client certificate the peer presented and the server verified (DER), if any.
    public var clientCertificate: [UInt8]?

    public init(method: String, path: String, query: [String: String] = [:], headers: [String: String] = [:], body: [UInt8] = [],
                clientCertificate: [UInt8]? = nil) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
        self.clientCertificate = clientCertificate
    }

    var contentType: String { headers["content-type"] ?? "application/json" }
    var accept: String { headers["accept"] ?? "" }
    var userAgent: String { headers["user-agent"] ?? "" }

    /// Parses `a=b&c=d` (percent-decoded, `+` as space).
    static func parseQuery(_ text: Substring) -> [String: String] {
        var result: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = decode(parts[0])
            result[key] = parts.count > 1 ? decode(parts[1]) : ""
        }
        return result
    }

    private static func decode(_ text: Substring) -> String {
        let spaced = text.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
    }
}

/// What a handler answers: a status, headers and a body that is bytes, a stream of watch events, or a
/// connection to drop (fault injection).
public struct APIResponse: Sendable {
    /// The response body.
    public enum Body: Sendable {
        case bytes([UInt8])
        case stream(AsyncStream<[UInt8]>)
        case drop
    }

    public var status: Int
    public var headers: [(String, String)]
    public var body: Body

    init(status: Int, headers: [(String, String)] = [], body: Body) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    static func json(_ value: JSONValue, status: Int = 200, contentType: String = "application/json",
                     warnings: [String] = []) -> APIResponse {
        var headers = [("Content-Type", contentType)]
        for warning in warnings {
            let quoted = warning.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            headers.append(("Warning", "299 - \"\(quoted)\""))
        }
        return APIResponse(status: status, headers: headers, body: .bytes(JSONWriter.bytes(value)))
    }

    static func error(_ error: APIError) -> APIResponse {
        var response = json(error.status, status: error.code)
        if let seconds = error.retryAfterSeconds { response.headers.append(("Retry-After", String(seconds))) }
        return response
    }
}

