import FairwayCore
import FairwayYAML
import Foundation

/// The Kubernetes API as HTTP requests and responses, over an `ObjectStore`: authentication and
/// authorization, fault injection, routing to discovery, OpenAPI, resources and the admin endpoint,
/// and the request log. Independent of the HTTP server, so tests can call `handle` directly.
public final class APIServer: Sendable {
    public let store: ObjectStore
    public let faults: FaultPlan
    public let requestLog: RequestLog
    let authorizer: Authorizer
    /// host:port clients reach the server at, for `/api`'s serverAddressByClientCIDRs.
    let advertisedAddress: Locked<String>
    /// How long a deleted namespace stays Terminating before it and its contents are removed.
    let namespaceTerminationDelay: Duration

    public init(store: ObjectStore = ObjectStore(), authorizer: Authorizer = Authorizer(), faults: FaultPlan = FaultPlan(),
                requestLog: RequestLog = RequestLog(), namespaceTerminationDelay: Duration = .milliseconds(500)) {
        self.namespaceTerminationDelay = namespaceTerminationDelay
        self.store = store
        self.authorizer = authorizer
        self.faults = faults
        self.requestLog = requestLog
        advertisedAddress = Locked("127.0.0.1:6443")
    }

    public func handle(_ request: APIRequest) async -> APIResponse {
        let started = ContinuousClock.now
        let route = Route(path: request.path)
        let verb = Self.verb(of: request, route: route)
        var fault: String?
        var response: APIResponse?
        if case .admin = route {} else {
            for effect in faults.effects(method: request.method, verb: verb, path: request.path, query: request.query) {
                switch effect {
                case let .latency(milliseconds):
                    try? await Task.sleep(for: .milliseconds(milliseconds))
                    fault = fault ?? "latency"
                case let .status(code):
                    fault = "status"
                    response = response ?? .error(Self.injected(code))
                case let .tooManyRequests(seconds):
                    fault = "429"
                    response = response ?? .error(APIError(code: 429, reason: "TooManyRequests",
                                                           message: "Too many requests, please try again later.",
                                                           retryAfterSeconds: seconds))
                case .dropConnection:
                    fault = "drop"
                    response = response ?? APIResponse(status: 200, body: .drop)
                }
            }
        }
        if response == nil {
            do { response = try serve(request, route: route, verb: verb) } catch { response = .error(error) }
        }
        let result = response!
        let elapsed = ContinuousClock.now - started
        requestLog.append(RequestRecord(
            method: request.method, path: request.path, query: request.query, verb: verb,
            contentType: request.body.isEmpty ? nil : request.contentType, userAgent: request.userAgent,
            status: result.status, fault: fault,
            milliseconds: Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15))
        return result
    }

    private static func injected(_ code: Int) -> APIError {
        switch code {
        case 500: return APIError(code: 500, reason: "InternalError", message: "Internal error occurred: injected fault")
        case 503: return APIError(code: 503, reason: "ServiceUnavailable", message: "the server is currently unable to handle the request")
        case 504: return APIError(code: 504, reason: "Timeout", message: "the server was unable to return a response in the time allotted")
        case 409: return APIError(code: 409, reason: "Conflict", message: "injected conflict")
        case 410:
            return APIError(code: 410, reason: "Expired",
                            message: "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.")
        default: return APIError(code: code, reason: "InternalError", message: "injected fault (\(code))")
        }
    }

    /// The Kubernetes verb of a request, or `discovery`, `openapi`, `admin`, `health`.
    static func verb(of request: APIRequest, route: Route) -> String {
        switch route {
        case .resource(let path):
            switch request.method {
            case "GET":
                if path.watchPrefix || ["true", "1"].contains(request.query["watch"] ?? "") { return "watch" }
                return path.name == nil ? "list" : "get"
            case "POST": return "create"
            case "PUT": return "update"
            case "PATCH": return "patch"
            case "DELETE": return path.name == nil ? "deletecollection" : "delete"
            default: return request.method.lowercased()
            }
        case .openAPIV2, .openAPIV3, .openAPIV3Index: return "openapi"
        case .admin: return "admin"
        case .health: return "health"
        case .unknown: return "unknown"
        default: return "discovery"
        }
    }

    private func serve(_ request: APIRequest, route: Route, verb: String) throws(APIError) -> APIResponse {
        let grant = try authorizer.authenticate(request.headers["authorization"], certificate: request.clientCertificate)
        switch route {
        case .version: return .json(Discovery.version)
        case .health: return APIResponse(status: 200, headers: [("Content-Type", "text/plain")], body: .bytes(Array("ok".utf8)))
        case .coreVersions, .groups, .group, .groupVersion:
            let catalog = store.state.withLock { $0.catalog }
            return try Discovery.respond(route, catalog: catalog, accept: request.accept, address: advertisedAddress.withLock { $0 })
        case .openAPIV2: throw APIError.pathNotFound()
        case .openAPIV3Index: return .json(OpenAPI.index(store.state.withLock { $0.catalog }))
        case let .openAPIV3(group, version):
            guard let document = OpenAPI.document(group: group, version: version, catalog: store.state.withLock { $0.catalog }) else {
                throw APIError.pathNotFound()
            }
            return .json(document)
        case let .admin(segments):
            guard grant.allows("*") else {
                throw APIError(code: 403, reason: "Forbidden", message: "the admin endpoint needs a token with every verb")
            }
            return try admin(request, segments: segments)
        case let .resource(path):
            return try serveResource(request, path: path, verb: verb, grant: grant)
        case .unknown:
            throw APIError.pathNotFound()
        }
    }

    /// The request body as JSON (or YAML, for apply patches).
    static func body(of request: APIRequest) throws(APIError) -> JSONValue {
        let bytes = request.body
        if request.contentType.hasPrefix("application/vnd.kubernetes.protobuf") {
            do { return try Protobuf.decodeObject(bytes) } catch { throw APIError.unsupportedMediaType(error.message) }
        }
        guard let first = bytes.first(where: { ![0x20, 0x0a, 0x0d, 0x09].contains($0) }) else {
            throw APIError.badRequest("the request body is empty")
        }
        if first == UInt8(ascii: "{") || first == UInt8(ascii: "[") {
            do { return try JSONReader.parse(bytes) } catch { throw APIError.badRequest("error decoding body: \(error)") }
        }
        if request.contentType.hasPrefix("application/apply-patch+yaml") || request.contentType.hasPrefix("application/yaml") {
            let stream: YAMLStream
            do {
                stream = try YAMLParser.parse(bytes, limits: YAMLLimits(maxBytes: 64 << 20, maxAliasExpansion: 100_000, maxDepth: 512))
            } catch { throw APIError.badRequest("error decoding YAML: \(error)") }
            if let problem = stream.problems.first { throw APIError.badRequest("error decoding YAML: \(problem)") }
            guard let document = stream.documents.first else { throw APIError.badRequest("the request body is empty") }
            return document.jsonValue()
        }
        throw APIError.unsupportedMediaType(request.contentType)
    }
}
