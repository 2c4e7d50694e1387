import FairwayLive
import Foundation

extension Kubeconfig {
    /// Several files merged as kubectl merges the files in KUBECONFIG: for each cluster, user and
    /// context name, and for `current-context`, the first file that sets it wins; later files add
    /// only what earlier ones did not set.
    public static func merged(_ configs: [Kubeconfig]) -> Kubeconfig {
        var result = Kubeconfig()
        for config in configs {
            result.files += config.files
            result.currentContext = result.currentContext ?? config.currentContext
            result.clusters.merge(config.clusters) { first, _ in first }
            result.users.merge(config.users) { first, _ in first }
            result.contexts.merge(config.contexts) { first, _ in first }
        }
        return result
    }

    /// The connection for `context` (or the current context): the cluster's server and trust, the
    /// user's credentials, the context's namespace. Certificate files are read now; token files are
    /// read on use (they rotate). An exec plugin inherits `environment`; `execOverride` may return a
    /// native token provider to use instead of running it.
    public func connection(context override: String? = nil, environment: [String: String] = ProcessInfo.processInfo.environment,
                           execOverride: (@Sendable (ExecConfig) -> (any KubernetesTokenProvider)?)? = nil)
        throws(KubeconfigError) -> KubernetesConnection
    {
        let fileList = files.isEmpty ? nil : files.joined(separator: ", ")
        guard let name = override ?? currentContext else {
            throw KubeconfigError(.noCurrentContext, "no current-context is set; choose a context"
                                  + (contexts.isEmpty ? "" : " (one of: \(contexts.keys.sorted().joined(separator: ", ")))"),
                                  file: fileList)
        }
        guard let context = contexts[name] else {
            let known = contexts.isEmpty ? "there are none" : "known: \(contexts.keys.sorted().joined(separator: ", "))"
            throw KubeconfigError(.unknownContext, "context \"\(name)\" is not defined (\(known))", file: fileList, context: name)
        }
        let at = context.origin
        guard let cluster = clusters[context.cluster] else {
            throw KubeconfigError(.unknownCluster, "cluster \"\(context.cluster)\" is not defined", file: at.file, line: at.line,
                                  context: name)
        }
        var user = Kubeconfig.User()
        if !context.user.isEmpty {
            guard let found = users[context.user] else {
                throw KubeconfigError(.unknownUser, "user \"\(context.user)\" is not defined", file: at.file, line: at.line,
                                      context: name)
            }
            user = found
        }
        var tls = try Self.trust(cluster, context: name)
        let credentials = try Self.credentials(user, cluster: cluster, tls: &tls, context: name, environment: environment,
                                               execOverride: execOverride)
        return KubernetesConnection(server: cluster.server, tls: tls, credentials: credentials,
                                    namespace: context.namespace ?? "default", contextName: name)
    }

    private static func trust(_ cluster: Cluster, context: String) throws(KubeconfigError) -> KubernetesConnection.TLS {
        let at = cluster.origin
        func invalid(_ message: String) -> KubeconfigError {
            KubeconfigError(.invalidValue, message, file: at.file, line: at.line, context: context)
        }
        guard !cluster.server.isEmpty else { throw invalid("the cluster has no server") }
        guard cluster.server.hasPrefix("https://") || cluster.server.hasPrefix("http://") else {
            throw invalid("server '\(cluster.server)' must start with https:// or http://")
        }
        var tls = KubernetesConnection.TLS(insecureSkipVerify: cluster.insecureSkipTLSVerify, serverName: cluster.tlsServerName)
        if let data = cluster.certificateAuthorityData {
            tls.certificateAuthorityPEM = data
        } else if let path = cluster.certificateAuthority {
            tls.certificateAuthorityPEM = try readFile(path, what: "certificate-authority", origin: at, context: context)
        }
        if tls.insecureSkipVerify, tls.certificateAuthorityPEM != nil {
            throw invalid("insecure-skip-tls-verify cannot be combined with a certificate authority; remove one")
        }
        return tls
    }

    private static func credentials(_ user: User, cluster: Cluster, tls: inout KubernetesConnection.TLS, context: String,
                                    environment: [String: String],
                                    execOverride: (@Sendable (ExecConfig) -> (any KubernetesTokenProvider)?)?)
        throws(KubeconfigError) -> KubernetesConnection.Credentials
    {
        let at = user.origin
        func invalid(_ message: String) -> KubeconfigError {
            KubeconfigError(.invalidValue, message, file: at.file, line: at.line, context: context)
        }
        if let provider = user.authProvider {
            throw KubeconfigError(.unsupported, "auth-provider '\(provider)' is not supported; use an exec credential plugin",
                                  file: at.file, line: at.line, context: context)
        }
        let methods = [user.token != nil || user.tokenFile != nil, user.username != nil || user.password != nil, user.exec != nil]
        guard methods.filter({ $0 }).count <= 1 else {
            throw invalid("the user sets more than one of token, username/password and exec; keep one")
        }
        var certificate = user.clientCertificateData, key = user.clientKeyData?.value
        if certificate == nil, let path = user.clientCertificate {
            certificate = try readFile(path, what: "client-certificate", origin: at, context: context)
        }
        if key == nil, let path = user.clientKey { key = try readFile(path, what: "client-key", origin: at, context: context) }
        guard (certificate == nil) == (key == nil) else {
            throw invalid("a client certificate needs both client-certificate and client-key")
        }
        tls.clientCertificatePEM = certificate
        tls.clientKeyPEM = key.map(Redacted.init)

        if let path = user.tokenFile { return .token(TokenFileProvider(path: path)) }
        if let token = user.token { return .token(StaticTokenProvider(token.value)) }
        if let username = user.username {
            return .basic(username: username, password: user.password ?? Redacted(""))
        }
        if let exec = user.exec {
            if let native = execOverride?(exec) { return .token(native) }
            return .exec(ExecCredentialPlugin(exec, cluster: cluster, tls: tls, environment: environment, context: context))
        }
        return .none
    }

    private static func readFile(_ path: String, what: String, origin: Origin, context: String) throws(KubeconfigError) -> [UInt8] {
        do {
            return try FileIO.readAll(path)
        } catch {
            throw KubeconfigError(.unreadable, "cannot read \(what) '\(path)': \(error.message)", file: origin.file,
                                  line: origin.line, context: context)
        }
    }
}
