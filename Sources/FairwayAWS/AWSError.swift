/// A failure talking to AWS or finding credentials for it: what kind, which endpoint, operation or
/// file (and line) it concerns, and what AWS said (HTTP status, error code, message, request id).
///
/// An error never carries credentials: messages are written by Fairway or returned by AWS, never
/// built from a secret key, a session token or a web identity token. Not errors: an empty node-group
/// list, or credentials that are about to expire (they are refreshed).
public struct AWSError: Error, Sendable, CustomStringConvertible {
    /// The kind of failure; new kinds can be added without breaking callers.
    public struct Kind: Hashable, Sendable, CustomStringConvertible {
        let name: String
        public var description: String { name }

        /// AWS answered with an error status.
        public static let service = Kind(name: "service")
        /// No credentials were found anywhere in the chain.
        public static let noCredentials = Kind(name: "no-credentials")
        /// A shared config or credentials file, or a setting, is malformed or incomplete.
        public static let configuration = Kind(name: "configuration")
        /// The endpoint could not be reached (refused, DNS, TLS, connection reset).
        public static let unreachable = Kind(name: "unreachable")
        /// The request or the whole call ran past its deadline.
        public static let timeout = Kind(name: "timeout")
        /// AWS answered with something Fairway could not read.
        public static let invalidResponse = Kind(name: "invalid-response")
        /// A credential_process command failed or printed something unusable.
        public static let credentialProcess = Kind(name: "credential-process")
        /// The endpoint does not implement the operation (emulators such as moto lack some).
        public static let unsupported = Kind(name: "unsupported")
        /// The task making the call was cancelled.
        public static let cancelled = Kind(name: "cancelled")
    }

    public let kind: Kind
    public let message: String
    /// The HTTP status AWS answered with.
    public var status: Int?
    /// AWS's error code (`ResourceNotFoundException`), from `X-Amzn-ErrorType` or the body.
    public var code: String?
    public var requestId: String?
    /// The API operation (`DescribeNodegroup`).
    public var operation: String?
    /// The endpoint the request went to (scheme, host and port; never a query string).
    public var endpoint: String?
    /// A file the error concerns, and the line in it.
    public var path: String?
    public var line: Int?
    /// How many attempts were made before giving up.
    public var attempts: Int?

    public init(_ kind: Kind, _ message: String, status: Int? = nil, code: String? = nil, requestId: String? = nil,
                operation: String? = nil, endpoint: String? = nil, path: String? = nil, line: Int? = nil) {
        self.kind = kind
        self.message = message
        self.status = status
        self.code = code
        self.requestId = requestId
        self.operation = operation
        self.endpoint = endpoint
        self.path = path
        self.line = line
    }

    /// A short label without values, for metrics: `aws.service.ResourceNotFoundException`, `aws.unreachable`.
    public var label: String {
        if kind == .service, let code { return "aws.service.\(code)" }
        return "aws.\(kind.name)"
    }

    /// Whether AWS said the thing asked about does not exist.
    public var isNotFound: Bool { code == "ResourceNotFoundException" || code == "NotFoundException" || status == 404 }

    public var description: String {
        var text = ""
        if let path { text += line.map { "\(path):\($0): " } ?? "\(path): " }
        if let operation { text += "\(operation)" }
        if let endpoint { text += operation == nil ? "\(endpoint)" : " at \(endpoint)" }
        if operation != nil || endpoint != nil { text += ": " }
        if let code { text += "\(code): " }
        text += message
        var details: [String] = []
        if let status { details.append("HTTP \(status)") }
        if let attempts, attempts > 1 { details.append("\(attempts) attempts") }
        if let requestId { details.append("request id \(requestId)") }
        if !details.isEmpty { text += " (\(details.joined(separator: ", ")))" }
        return text
    }
}
