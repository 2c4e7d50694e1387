import FairwayCore
import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import NIOCore
import NIOSSL

/// FairwayTestCluster: an in-memory Kubernetes API server for tests, scripts and benchmarks, good
/// enough that the real kubectl and helm work against it. It owns the HTTP listener and its lifetime;
/// the API itself is `APIServer` over an `ObjectStore`. Test support only: nothing in the product
/// depends on it.
///
/// ```swift
/// let cluster = try await TestCluster.start()
/// try cluster.writeKubeconfig(to: path)
/// ... run kubectl ...
/// await cluster.stop()
/// ```
public final class TestCluster: Sendable {
    /// Where and how to listen, who may call, which faults to inject, whether to fake controller status.
    public struct Configuration: Sendable {
        public var host: String
        /// 0 picks a free port.
        public var port: Int
        /// Serve HTTPS with a self-signed certificate for 127.0.0.1 and localhost.
        public var tls: Bool
        /// Bearer tokens; empty (and no client certificates) means no authentication.
        public var tokens: [String: Authorizer.Grant]
        /// Users who authenticate with a TLS client certificate (needs `tls`): the cluster makes a
        /// client CA and one certificate per user, with the user's name as common name; see
        /// `clientCertificates`.
        public var clientCertificateUsers: [String: Authorizer.Grant]
        public var faults: [FaultRule]
        /// Write the status controllers would (deployments rolled out, pods running, Jobs completed).
        public var simulateWorkloads: Bool

        public init(host: String = "127.0.0.1", port: Int = 0, tls: Bool = false, tokens: [String: Authorizer.Grant] = [:],
                    clientCertificateUsers: [String: Authorizer.Grant] = [:], faults: [FaultRule] = [],
                    simulateWorkloads: Bool = true) {
            self.host = host
            self.port = port
            self.tls = tls
            self.tokens = tokens
            self.clientCertificateUsers = clientCertificateUsers
            self.faults = faults
            self.simulateWorkloads = simulateWorkloads
        }
    }

    public let server: APIServer
    /// `http://127.0.0.1:PORT` or `https://...`.
    public let url: URL
    public let port: Int
    /// The self-signed certificate (PEM) when serving TLS; clients trust it as their CA.
    public let certificatePEM: String?
    /// The client CA and each certificate user's certificate and key, when configured.
    public let clientCertificates: ClientCertificateAuthority?
    private let task: Task<Void, any Error>

    public var store: ObjectStore { server.store }
    public var faults: FaultPlan { server.faults }
    public var requestLog: RequestLog { server.requestLog }

    private init(server: APIServer, url: URL, port: Int, certificatePEM: String?, clientCertificates: ClientCertificateAuthority?,
                 task: Task<Void, any Error>) {
        self.server = server
        self.url = url
        self.port = port
        self.certificatePEM = certificatePEM
        self.clientCertificates = clientCertificates
        self.task = task
    }

    /// Starts listening and returns once the port is bound.
    public static func start(_ configuration: Configuration = Configuration()) async throws -> TestCluster {
        var certificates: [[UInt8]: Authorizer.Grant] = [:]
        var clientCertificates: ClientCertificateAuthority?
        if !configuration.clientCertificateUsers.isEmpty {
            guard configuration.tls else { throw TestClusterError("client certificates need tls") }
            let authority = try ClientCertificateAuthority.issue(users: configuration.clientCertificateUsers.keys.sorted())
            for (user, grant) in configuration.clientCertificateUsers {
                let pem = Array(authority.credentials[user]!.certificatePEM.utf8)
                certificates[try NIOSSLCertificate(bytes: pem, format: .pem).toDERBytes()] = grant
            }
            clientCertificates = authority
        }
        let server = APIServer(store: ObjectStore(simulateWorkloads: configuration.simulateWorkloads),
                               authorizer: Authorizer(tokens: configuration.tokens, certificates: certificates),
                               faults: FaultPlan(configuration.faults))
        var builder: HTTPServerBuilder = .http1()
        var certificatePEM: String?
        if configuration.tls {
            let material = try SelfSignedCertificate.generate()
            certificatePEM = material.certificatePEM
            var tls = TLSConfiguration.makeServerConfiguration(
                certificateChain: try NIOSSLCertificate.fromPEMBytes(Array(material.certificatePEM.utf8)).map { .certificate($0) },
                privateKey: .privateKey(try NIOSSLPrivateKey(bytes: Array(material.keyPEM.utf8), format: .pem)))
            if let clientCertificates {
                // Verify a client certificate when one is presented; token clients present none.
                tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMBytes(Array(clientCertificates.certificatePEM.utf8)))
                tls.certificateVerification = .optionalVerification
            }
            builder = try .tls(.http1(), tlsConfiguration: tls)
        }
        var logger = Logger(label: "fairway-testcluster")
        logger.logLevel = .critical
        let (ports, portContinuation) = AsyncStream<Int>.makeStream()
        let app = Application(
            responder: ClusterResponder(server: server), server: builder,
            configuration: ApplicationConfiguration(address: .hostname(configuration.host, port: configuration.port),
                                                    serverName: nil),
            onServerRunning: { channel in
                portContinuation.yield(channel.localAddress?.port ?? 0)
                portContinuation.finish()
            },
            logger: logger)
        let task = Task {
            defer { portContinuation.finish() }
            try await app.run()
        }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next(), port > 0 else {
            task.cancel()
            _ = try await task.value
            throw TestClusterError("the server did not start on \(configuration.host):\(configuration.port)")
        }
        let scheme = configuration.tls ? "https" : "http"
        server.advertisedAddress.withLock { $0 = "\(configuration.host):\(port)" }
        return TestCluster(server: server, url: URL(string: "\(scheme)://\(configuration.host):\(port)")!, port: port,
                           certificatePEM: certificatePEM, clientCertificates: clientCertificates, task: task)
    }

    /// Stops listening and waits for the server to finish.
    public func stop() async {
        task.cancel()
        _ = try? await task.value
    }

    /// Waits until the server stops (for the executable, which stops on a signal).
    public func wait() async throws {
        try await task.value
    }

    /// A kubeconfig for this cluster, authenticating with `token` or the client certificate of
    /// `certificateUser` when given.
    public func kubeconfig(token: String? = nil, certificateUser: String? = nil) -> String {
        Kubeconfig.text(server: url.absoluteString, certificatePEM: certificatePEM, token: token,
                        clientCertificate: certificateUser.flatMap { clientCertificates?.credentials[$0] })
    }

    public func writeKubeconfig(to path: String, token: String? = nil) throws {
        try Data(kubeconfig(token: token).utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
    }
}

/// The server could not start (port taken, no certificate).
public struct TestClusterError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
