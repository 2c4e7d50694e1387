/// The contents of one kubeconfig file, or of several merged by kubectl's rules: named clusters,
/// users and contexts, and the current context. Paths in it are already absolute (resolved against
/// the directory of the file that named them), and every entry remembers the file and line it came
/// from, for messages. Secrets are `Redacted`, so printing a `Kubeconfig` shows none.
///
/// `Kubeconfig.parse` reads one file, `merged(_:)` combines several, and `connection(context:...)`
/// turns the chosen context into a `KubernetesConnection`; `KubeconfigLoader` does all three.
public struct Kubeconfig: Sendable {
    public var clusters: [String: Cluster]
    public var users: [String: User]
    public var contexts: [String: Context]
    public var currentContext: String?
    /// The files read, in order (for messages).
    public var files: [String]

    public init(clusters: [String: Cluster] = [:], users: [String: User] = [:], contexts: [String: Context] = [:],
                currentContext: String? = nil, files: [String] = []) {
        self.clusters = clusters
        self.users = users
        self.contexts = contexts
        self.currentContext = currentContext
        self.files = files
    }

    /// Where an entry was read: a file and the line its entry starts on.
    public struct Origin: Sendable, Equatable {
        public var file: String
        public var line: Int?

        public init(file: String, line: Int?) {
            self.file = file
            self.line = line
        }
    }

    /// How to reach and trust an API server.
    public struct Cluster: Sendable, Equatable {
        public var server: String
        /// An absolute path to a PEM bundle of CA certificates.
        public var certificateAuthority: String?
        public var certificateAuthorityData: [UInt8]?
        public var insecureSkipTLSVerify: Bool
        /// The name to verify the server's certificate against instead of the server URL's host.
        public var tlsServerName: String?
        public var origin: Origin

        public init(server: String, certificateAuthority: String? = nil, certificateAuthorityData: [UInt8]? = nil,
                    insecureSkipTLSVerify: Bool = false, tlsServerName: String? = nil,
                    origin: Origin = Origin(file: "", line: nil)) {
            self.server = server
            self.certificateAuthority = certificateAuthority
            self.certificateAuthorityData = certificateAuthorityData
            self.insecureSkipTLSVerify = insecureSkipTLSVerify
            self.tlsServerName = tlsServerName
            self.origin = origin
        }
    }

    /// How to authenticate: a token or token file, a client certificate, a username and password,
    /// or an exec credential plugin (at most one of token, basic and exec; a certificate may go with any).
    public struct User: Sendable, Equatable {
        public var token: Redacted<String>?
        /// An absolute path to a file holding the token, re-read when it changes.
        public var tokenFile: String?
        public var clientCertificate: String?
        public var clientCertificateData: [UInt8]?
        public var clientKey: String?
        public var clientKeyData: Redacted<[UInt8]>?
        public var username: String?
        public var password: Redacted<String>?
        public var exec: ExecConfig?
        /// The name of an `auth-provider` (gcp, azure, oidc): not supported, reported when used.
        public var authProvider: String?
        public var origin: Origin

        public init(origin: Origin = Origin(file: "", line: nil)) { self.origin = origin }
    }

    /// A cluster, a user and a default namespace.
    public struct Context: Sendable, Equatable {
        public var cluster: String
        public var user: String
        public var namespace: String?
        public var origin: Origin

        public init(cluster: String, user: String, namespace: String? = nil, origin: Origin = Origin(file: "", line: nil)) {
            self.cluster = cluster
            self.user = user
            self.namespace = namespace
            self.origin = origin
        }
    }
}

/// An exec credential plugin as a kubeconfig user names it (`client.authentication.k8s.io/v1` or
/// `v1beta1`): the command, its arguments and extra environment, and whether it wants the cluster's
/// details in `KUBERNETES_EXEC_INFO`. Callers may replace a plugin with a native token provider
/// (see `KubeconfigLoader.load(execOverride:)`), e.g. for `aws eks get-token --cluster-name X`.
public struct ExecConfig: Sendable, Equatable {
    public struct EnvVar: Sendable, Equatable {
        public var name: String
        public var value: String

        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    public var apiVersion: String
    /// The program: a name looked up on PATH, or a path (relative paths were resolved against the
    /// kubeconfig's directory).
    public var command: String
    public var args: [String]
    public var env: [EnvVar]
    public var provideClusterInfo: Bool
    /// What kubectl would print when the command is missing.
    public var installHint: String?

    public static let supportedAPIVersions = ["client.authentication.k8s.io/v1", "client.authentication.k8s.io/v1beta1"]

    public init(apiVersion: String = "client.authentication.k8s.io/v1", command: String, args: [String] = [],
                env: [EnvVar] = [], provideClusterInfo: Bool = false, installHint: String? = nil) {
        self.apiVersion = apiVersion
        self.command = command
        self.args = args
        self.env = env
        self.provideClusterInfo = provideClusterInfo
        self.installHint = installHint
    }

    /// The value of the argument after `flag` (`--cluster-name X` or `--cluster-name=X`).
    public func argument(after flag: String) -> String? {
        for (index, arg) in args.enumerated() {
            if arg == flag, index + 1 < args.count { return args[index + 1] }
            if arg.hasPrefix(flag + "=") { return String(arg.dropFirst(flag.count + 1)) }
        }
        return nil
    }
}
