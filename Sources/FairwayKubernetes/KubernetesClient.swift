import AsyncHTTPClient
import Foundation
import FairwayCore
import Logging
import NIOCore
import NIOSSL

/// A client for one Kubernetes API server: discovery, get, list, server-side apply, delete, and
/// `readLive` (what Fairway needs to plan). It owns one `HTTPClient` (a connection pool with the
/// connection's TLS settings), which must be shut down: use `withClient { }`, which always does, or
/// call `shutdown()`. A request after shutdown fails with `.shutDown`; a client dropped without
/// shutdown stops the program in debug builds.
///
/// Every request has a deadline and is retried by `Options.retry` (see `RetryPolicy` for which).
/// Errors are `KubernetesError`, which names the server and the object but never a credential.
public final class KubernetesClient: Sendable {
    /// How the client behaves; the defaults suit a real cluster.
    public struct Options: Sendable {
        public var retry = RetryPolicy()
        /// Seconds one request may take, retries and waits included.
        public var requestDeadline: Double = 60
        /// Seconds one attempt may take.
        public var attemptTimeout: Double = 30
        public var connectTimeout: Double = 5
        /// Requests in flight at once in `readLive` and discovery.
        public var concurrency = 16
        /// Items per page when listing.
        public var pageSize = 500
        public var userAgent = "fairway"
        /// Ask for aggregated discovery (two requests) before the per-group documents.
        public var aggregatedDiscovery = true
        /// Retries are logged at debug level; nothing secret is ever logged.
        public var logger = Logger(label: "fairway.kubernetes", factory: { _ in SwiftLogNoOpLogHandler() })

        public init() {}
    }

    /// Counters since the client was made.
    public struct Statistics: Sendable, Equatable {
        /// Attempts sent, retries included.
        public var requests = 0
        public var retries = 0
        /// Answers with 429 Too Many Requests.
        public var throttled = 0
        /// Answers with a retryable 5xx.
        public var serverErrors = 0
        /// Attempts that got no answer (refused, dropped, timed out).
        public var transportErrors = 0
    }

    public let connection: KubernetesConnection
    public let options: Options
    let http: HTTPClient
    /// The server URL requests go to: `connection.server`, or with `tls.serverName` as its host.
    let baseURL: String
    let tlsConfiguration: TLSConfiguration?
    let state = Locked(State())

    struct State {
        var isShutDown = false
        var statistics = Statistics()
        var discovery: Task<DiscoveryMap, any Error>?
        /// The TLS configuration with an exec plugin's client certificate, by certificate.
        var execTLS: (certificate: [UInt8], configuration: TLSConfiguration)?
    }

    /// Makes a client; it must be shut down (see `withClient`).
    public init(_ connection: KubernetesConnection, options: Options = Options()) throws(KubernetesError) {
        self.connection = connection
        self.options = options
        var configuration = HTTPClient.Configuration()
        configuration.timeout = .init(connect: .milliseconds(Int64(options.connectTimeout * 1000)))
        configuration.connectionPool.retryConnectionEstablishment = false
        // As many connections as requests in flight (the pool's default is 8).
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = max(8, options.concurrency)
        configuration.redirectConfiguration = .disallow
        configuration.httpVersion = .http1Only
        var baseURL = connection.server
        if connection.server.hasPrefix("https://") {
            let tls = try Self.tlsConfiguration(connection.tls, server: connection.server)
            configuration.tlsConfiguration = tls
            tlsConfiguration = tls
            if let name = connection.tls.serverName, let host = Self.host(of: connection.server), name != host {
                // Connect to the server's host, but ask for and verify the certificate of `name`.
                configuration.dnsOverride = [name: host.trimmingCharacters(in: ["[", "]"])]
                baseURL = connection.server.replacingFirst(host, with: name)
            }
        } else if connection.server.hasPrefix("http://") {
            tlsConfiguration = nil
        } else {
            throw KubernetesError(.configuration, "the server URL must start with https:// or http://", server: connection.server)
        }
        self.baseURL = baseURL
        http = HTTPClient(eventLoopGroupProvider: .shared(HTTPClient.defaultEventLoopGroup), configuration: configuration)
    }

    deinit {
        guard !state.withLock({ $0.isShutDown }) else { return }
        http.shutdown { _ in }
        assertionFailure("KubernetesClient for \(connection.server) was released without shutdown(); use KubernetesClient.withClient { }")
    }

    /// Closes the connections. Requests still running fail; later ones fail with `.shutDown`.
    /// Calling it again does nothing.
    public func shutdown() async throws {
        let already = state.withLock { state in
            defer { state.isShutDown = true }
            return state.isShutDown
        }
        if !already { try await http.shutdown() }
    }

    /// Runs `body` with a new client and shuts the client down afterwards, whether `body` throws or not.
    public static func withClient<Result>(_ connection: KubernetesConnection, options: Options = Options(),
                                          _ body: (KubernetesClient) async throws -> Result) async throws -> Result {
        let client = try KubernetesClient(connection, options: options)
        let result: Swift.Result<Result, any Error>
        do { result = .success(try await body(client)) } catch { result = .failure(error) }
        try await client.shutdown()
        return try result.get()
    }

    public var statistics: Statistics { state.withLock { $0.statistics } }

    static func tlsConfiguration(_ settings: KubernetesConnection.TLS, server: String) throws(KubernetesError) -> TLSConfiguration {
        var tls = TLSConfiguration.makeClientConfiguration()
        do {
            if let ca = settings.certificateAuthorityPEM {
                tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMBytes(ca))
            }
        } catch {
            throw KubernetesError(.configuration, "the certificate authority is not valid PEM: \(error)", server: server)
        }
        if settings.insecureSkipVerify { tls.certificateVerification = .none }
        if let certificate = settings.clientCertificatePEM, let key = settings.clientKeyPEM {
            try addClientCertificate(certificate, key: key.value, to: &tls, server: server)
        }
        return tls
    }

    static func addClientCertificate(_ certificate: [UInt8], key: [UInt8], to tls: inout TLSConfiguration,
                                     server: String) throws(KubernetesError) {
        do {
            tls.certificateChain = try NIOSSLCertificate.fromPEMBytes(certificate).map { .certificate($0) }
        } catch {
            throw KubernetesError(.configuration, "the client certificate is not valid PEM: \(error)", server: server)
        }
        do {
            tls.privateKey = .privateKey(try NIOSSLPrivateKey(bytes: key, format: .pem))
        } catch {
            // The key's bytes never go into the message.
            throw KubernetesError(.configuration, "the client key is not a valid PEM private key", server: server)
        }
    }

    /// The host of `https://host:port/...` (with brackets for IPv6).
    static func host(of url: String) -> String? {
        guard let start = url.range(of: "://")?.upperBound else { return nil }
        let rest = url[start...]
        let authority = rest.prefix { $0 != "/" }
        if authority.hasPrefix("[") { return authority.firstIndex(of: "]").map { String(authority[...$0]) } }
        return String(authority.prefix { $0 != ":" })
    }
}

extension String {
    func replacingFirst(_ target: String, with replacement: String) -> String {
        guard let range = range(of: target) else { return self }
        return replacingCharacters(in: range, with: replacement)
    }
}
