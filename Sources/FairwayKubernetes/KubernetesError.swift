import FairwayCore

/// A failed Kubernetes API call: what was asked (method, path, the object concerned), of which
/// server, and what went wrong: the HTTP status with the `Status` reason, message and causes the
/// server sent, or why no answer came. Never contains a credential.
///
/// Not errors: a GET that finds nothing (nil), a DELETE of something already gone, an apply that
/// changes nothing.
public struct KubernetesError: Error, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable {
        /// The server answered with an error status (see `status`, `reason`).
        case status = "api-status"
        /// No usable answer: connection refused or dropped, TLS failure, timeout.
        case transport = "transport"
        /// The answer was not the JSON expected.
        case badResponse = "bad-response"
        /// The credentials could not be had (token file, exec plugin).
        case credentials = "credentials"
        /// The server serves no resource for the object's apiVersion and kind (a CRD not installed yet).
        case unknownKind = "unknown-kind"
        /// The request's deadline passed before an answer came, retries included.
        case deadlineExceeded = "deadline-exceeded"
        /// The client was used after `shutdown()`.
        case shutDown = "client-shut-down"
        /// The connection settings cannot be used (a bad certificate or key, a bad server URL).
        case configuration = "configuration"
    }

    /// One entry of the `Status` details' causes (for 422 Invalid: a field; for an apply conflict: a
    /// field another manager owns).
    public struct Cause: Sendable, Equatable {
        public var reason: String
        public var message: String
        public var field: String
    }

    /// A field another field manager owns, from an apply's 409 Conflict.
    public struct Conflict: Sendable, Equatable {
        public var manager: String
        public var field: String
    }

    public var code: Code
    /// The HTTP status, when the server answered.
    public var status: Int?
    /// The `Status` reason (`NotFound`, `Conflict`, `Forbidden`, `Invalid`...).
    public var reason: String?
    public var message: String
    public var causes: [Cause]
    /// The object the request was about.
    public var key: ObjectKey?
    /// The server's URL.
    public var server: String
    public var method: String?
    public var path: String?
    /// How many attempts were made.
    public var attempts: Int

    public init(_ code: Code, _ message: String, server: String, status: Int? = nil, reason: String? = nil,
                causes: [Cause] = [], key: ObjectKey? = nil, method: String? = nil, path: String? = nil, attempts: Int = 1) {
        self.code = code
        self.message = message
        self.server = server
        self.status = status
        self.reason = reason
        self.causes = causes
        self.key = key
        self.method = method
        self.path = path
        self.attempts = attempts
    }

    /// The fields other managers own that an apply would have changed (empty unless this is an
    /// apply conflict). Apply again with `force` to take them over.
    public var conflicts: [Conflict] {
        causes.filter { $0.reason == "FieldManagerConflict" }.map { cause in
            let manager = cause.message.firstMatch(of: /conflict with "([^"]*)"/).map { String($0.1) } ?? cause.message
            return Conflict(manager: manager, field: cause.field)
        }
    }

    public var isNotFound: Bool { status == 404 }
    public var isConflict: Bool { status == 409 }
    public var isUnauthorized: Bool { status == 401 }
    public var isForbidden: Bool { status == 403 }

    /// A short, value-free label for metrics: `api-status-409`, `transport`...
    public var label: String { status.map { "\(code.rawValue)-\($0)" } ?? code.rawValue }

    /// `PATCH https://host/apis/... (ConfigMap/ns/name): 409 Conflict: Apply failed with 1 conflict: ...`.
    public var description: String {
        var text = [method, path.map { server + $0 } ?? server].compactMap { $0 }.joined(separator: " ")
        if let key { text += " (\(key))" }
        text += ": "
        if let status { text += reason.map { "\(status) \($0): " } ?? "\(status): " }
        text += message
        if attempts > 1 { text += " (after \(attempts) attempts)" }
        return text
    }
}

extension KubernetesError {
    /// The error for an HTTP error status, from the `Status` body when there is one.
    static func fromStatus(_ status: Int, body: [UInt8], server: String, method: String, path: String, key: ObjectKey?,
                           attempts: Int) -> KubernetesError {
        let json = try? JSONReader.parse(body)
        var message = json?["message"]?.stringValue ?? ""
        if message.isEmpty {
            let text = String(decoding: body.prefix(300), as: UTF8.self).trimmingWhitespace()
            message = text.isEmpty || json != nil ? "the server answered \(status) without a message" : text
        }
        let causes = json?["details"]?["causes"]?.arrayValue?.map { cause in
            Cause(reason: cause["reason"]?.stringValue ?? "", message: cause["message"]?.stringValue ?? "",
                  field: cause["field"]?.stringValue ?? "")
        } ?? []
        return KubernetesError(.status, message, server: server, status: status, reason: json?["reason"]?.stringValue,
                               causes: causes, key: key, method: method, path: path, attempts: attempts)
    }
}
