import FairwayCore
import Foundation

/// What an exec credential plugin handed out: a bearer token, or a client certificate and key, and
/// when it expires (nil: until the server refuses it).
public struct ExecCredential: Sendable, Equatable {
    public var token: Redacted<String>?
    public var clientCertificatePEM: [UInt8]?
    public var clientKeyPEM: Redacted<[UInt8]>?
    /// Seconds since 1970.
    public var expiry: Double?
}

/// Runs a kubeconfig exec credential plugin (`client.authentication.k8s.io/v1` or `v1beta1`) the way
/// kubectl does: the command with its arguments and extra environment, `KUBERNETES_EXEC_INFO` set
/// (with the cluster's details when `provideClusterInfo` is true), no standard input; then reads the
/// `ExecCredential` it prints. The credential is cached until `renewalMargin` seconds before it
/// expires (for ever when it names no expiry, until `invalidate()` after a 401); concurrent callers
/// share one run. Failures name the command and quote the first lines of its standard error, never
/// its standard output (which holds the secret).
public final class ExecCredentialPlugin: KubernetesTokenProvider, CustomStringConvertible {
    public let config: ExecConfig
    public let contextName: String?
    /// Renew this many seconds before the credential expires.
    public let renewalMargin: Double
    /// How long the plugin may run, in seconds.
    public let timeout: Double
    private let environment: [String: String]
    private let execInfo: String
    private let state = Locked<State>(State())

    private enum Lookup {
        case fresh(ExecCredential)
        case pending(Task<Result<ExecCredential, KubeconfigError>, Never>)
    }

    private struct State {
        var cached: ExecCredential?
        var running: Task<Result<ExecCredential, KubeconfigError>, Never>?
        var runs = 0
    }

    /// - Parameters:
    ///   - environment: the environment the plugin inherits (usually this process's); `config.env` is added to it.
    public init(_ config: ExecConfig, cluster: Kubeconfig.Cluster? = nil, tls: KubernetesConnection.TLS = .init(),
                environment: [String: String], context: String? = nil, renewalMargin: Double = 10, timeout: Double = 120) {
        self.config = config
        self.renewalMargin = renewalMargin
        self.timeout = timeout
        self.contextName = context
        self.environment = environment
        var spec: JSONObject = [("interactive", false)]
        if config.provideClusterInfo, let cluster {
            var info: JSONObject = [("server", .string(cluster.server))]
            if let ca = tls.certificateAuthorityPEM { info["certificate-authority-data"] = .string(Data(ca).base64EncodedString()) }
            if cluster.insecureSkipTLSVerify { info["insecure-skip-tls-verify"] = true }
            if let name = cluster.tlsServerName { info["tls-server-name"] = .string(name) }
            spec["cluster"] = .object(info)
        }
        execInfo = JSONWriter.string(.object([("kind", "ExecCredential"), ("apiVersion", .string(config.apiVersion)),
                                              ("spec", .object(spec))]))
    }

    public var description: String { "exec plugin \(config.command)" }

    /// How many times the plugin has run.
    public var runs: Int { state.withLock { $0.runs } }

    public func token() async throws -> KubernetesToken {
        let credential = try await credential()
        guard let token = credential.token else {
            throw failure(.execOutputInvalid, "returned a client certificate, not a token")
        }
        return KubernetesToken(value: token.value, expiry: credential.expiry)
    }

    /// The cached credential while it is fresh, otherwise the output of a new run.
    public func credential() async throws(KubeconfigError) -> ExecCredential {
        let now = Date().timeIntervalSince1970
        let margin = renewalMargin
        let lookup: Lookup = state.withLock { state in
            if let cached = state.cached, cached.expiry.map({ $0 - margin > now }) ?? true { return .fresh(cached) }
            if let running = state.running { return .pending(running) }
            let running = Task { await self.runAndCache() }
            state.running = running
            return .pending(running)
        }
        switch lookup {
        case let .fresh(credential): return credential
        case let .pending(task): return try await task.value.get()
        }
    }

    /// Forgets the cached credential (after the server refused it), so the next call runs the plugin.
    public func invalidate() {
        state.withLock { $0.cached = nil }
    }

    private func runAndCache() async -> Result<ExecCredential, KubeconfigError> {
        let result: Result<ExecCredential, KubeconfigError>
        do { result = .success(try await run()) } catch { result = .failure(error) }
        state.withLock { state in
            state.running = nil
            state.runs += 1
            if case let .success(credential) = result { state.cached = credential }
        }
        return result
    }

    private func run() async throws(KubeconfigError) -> ExecCredential {
        var env = environment
        for variable in config.env { env[variable.name] = variable.value }
        env["KUBERNETES_EXEC_INFO"] = execInfo
        let outcome: ChildProcess.Outcome
        do {
            outcome = try await ChildProcess.run(config.command, config.args, environment: env, timeout: timeout)
        } catch {
            throw failure(.execFailed, "could not start: \(error.reason)" + (config.installHint.map { "\n\($0)" } ?? ""))
        }
        guard !outcome.timedOut else { throw failure(.execFailed, "did not finish within \(Int(timeout)) seconds") }
        guard outcome.status == 0 else {
            // exit 127 from /usr/bin/env: the command is not on PATH.
            let hint = outcome.status == 127 ? config.installHint.map { "\n\($0)" } ?? "" : ""
            throw failure(.execFailed, "exited with status \(outcome.status)" + stderrExcerpt(outcome.stderrText) + hint)
        }
        return try parse(outcome.stdout)
    }

    /// The first lines of the plugin's standard error, without any token this plugin handed out before.
    private func stderrExcerpt(_ text: String) -> String {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: true).prefix(3).map { String($0.prefix(300)) }
        if let token = state.withLock({ $0.cached?.token?.value }), !token.isEmpty {
            lines = lines.map { $0.replacingOccurrences(of: token, with: "<redacted>") }
        }
        return lines.isEmpty ? "" : ": " + lines.joined(separator: " | ")
    }

    func parse(_ stdout: [UInt8]) throws(KubeconfigError) -> ExecCredential {
        let json: JSONValue
        do { json = try JSONReader.parse(stdout) } catch {
            throw failure(.execOutputInvalid, "printed no ExecCredential JSON (\(error.reason) at byte \(error.offset))")
        }
        guard json["kind"]?.stringValue == "ExecCredential" else {
            throw failure(.execOutputInvalid, "printed JSON whose kind is not ExecCredential")
        }
        guard json["apiVersion"]?.stringValue == config.apiVersion else {
            throw failure(.execOutputInvalid, "printed apiVersion '\(json["apiVersion"]?.stringValue ?? "")', "
                          + "but the kubeconfig asks for \(config.apiVersion)")
        }
        guard let status = json["status"]?.objectValue else { throw failure(.execOutputInvalid, "printed no status") }
        var credential = ExecCredential()
        if let token = status["token"]?.stringValue, !token.isEmpty { credential.token = Redacted(token) }
        credential.clientCertificatePEM = status["clientCertificateData"]?.stringValue.map { Array($0.utf8) }
        credential.clientKeyPEM = status["clientKeyData"]?.stringValue.map { Redacted(Array($0.utf8)) }
        guard (credential.clientCertificatePEM == nil) == (credential.clientKeyPEM == nil) else {
            throw failure(.execOutputInvalid, "returned only one of clientCertificateData and clientKeyData")
        }
        guard credential.token != nil || credential.clientCertificatePEM != nil else {
            throw failure(.execOutputInvalid, "returned neither a token nor a client certificate")
        }
        if let text = status["expirationTimestamp"]?.stringValue {
            guard let seconds = WallTime(rfc3339: text)?.secondsSince1970 else {
                throw failure(.execOutputInvalid, "returned an expirationTimestamp that is not RFC 3339: '\(text)'")
            }
            credential.expiry = seconds
        }
        return credential
    }

    private func failure(_ code: KubeconfigError.Code, _ message: String) -> KubeconfigError {
        KubeconfigError(code, "exec plugin '\(config.command)' \(message)", context: contextName)
    }
}
