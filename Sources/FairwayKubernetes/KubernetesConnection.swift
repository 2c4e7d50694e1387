/// Everything a `KubernetesClient` needs to reach one API server: its URL, how to trust it, how to
/// authenticate, and the default namespace. Made by `KubeconfigLoader` or `InClusterConfig`, or
/// directly by tests. Holds no secret in a printable form.
public struct KubernetesConnection: Sendable {
    /// `https://host:port` (or `http://`), without a trailing slash.
    public var server: String
    public var tls: TLS
    public var credentials: Credentials
    /// The namespace for objects that name none (the context's, or the pod's, or `default`).
    public var namespace: String
    /// The kubeconfig context this came from; nil in-cluster. For messages.
    public var contextName: String?

    public init(server: String, tls: TLS = TLS(), credentials: Credentials = .none, namespace: String = "default",
                contextName: String? = nil) {
        self.server = server.hasSuffix("/") ? String(server.dropLast()) : server
        self.tls = tls
        self.credentials = credentials
        self.namespace = namespace
        self.contextName = contextName
    }

    /// How to trust the server and, optionally, which client certificate to present.
    public struct TLS: Sendable, Equatable {
        /// PEM certificates to trust instead of the system's roots.
        public var certificateAuthorityPEM: [UInt8]?
        public var insecureSkipVerify: Bool
        /// Verify the server's certificate for this name instead of the URL's host.
        public var serverName: String?
        public var clientCertificatePEM: [UInt8]?
        public var clientKeyPEM: Redacted<[UInt8]>?

        public init(certificateAuthorityPEM: [UInt8]? = nil, insecureSkipVerify: Bool = false, serverName: String? = nil,
                    clientCertificatePEM: [UInt8]? = nil, clientKeyPEM: Redacted<[UInt8]>? = nil) {
            self.certificateAuthorityPEM = certificateAuthorityPEM
            self.insecureSkipVerify = insecureSkipVerify
            self.serverName = serverName
            self.clientCertificatePEM = clientCertificatePEM
            self.clientKeyPEM = clientKeyPEM
        }
    }

    /// How requests authenticate (besides a client certificate in `tls`).
    public enum Credentials: Sendable {
        case none
        /// `Authorization: Bearer`, from a static token, a token file, or a native provider.
        case token(any KubernetesTokenProvider)
        case basic(username: String, password: Redacted<String>)
        /// An exec credential plugin, which may hand out a token or a client certificate.
        case exec(ExecCredentialPlugin)
    }
}
