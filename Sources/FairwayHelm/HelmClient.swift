import FairwayCore
import Foundation
import Logging

/// Helm live state and Helm operations, through the helm CLI (v3 or v4): which releases are installed
/// (with their chart, version, revision, status and user-supplied values) for Diff, and
/// `upgradeInstall`, `uninstall` and `recoverStuck` for Apply.
///
/// The client owns how helm is run: which executable, which kubeconfig and context, which extra
/// environment (helm's HOME, cache and config directories), and a deadline on every call, after which
/// helm is terminated. Values are handed to helm in a private file, never on its command line, and
/// every error and log line is redacted (`HelmRedaction`). The helm version is detected once per client
/// (`version()`), and the v3/v4 flag differences follow from it.
public struct HelmClient: Sendable {
    /// The helm executable: a path, or a name looked up on PATH.
    public let executable: String
    /// The kubeconfig helm uses (`--kubeconfig`); nil leaves it to helm (KUBECONFIG, ~/.kube/config).
    public let kubeconfig: String?
    /// The kubeconfig context (`--kube-context`); nil uses the current one.
    public let kubeContext: String?
    /// Variables set for helm on top of this process's environment (HOME, HELM_CACHE_HOME...).
    public let environment: [String: String]
    /// How long a call that reads (list, get, history, version) may take before helm is terminated.
    /// Operations get their helm `--timeout` plus this much.
    public let deadline: Duration
    /// Where private values files are made (in a fresh 0700 directory each time).
    public let temporaryDirectory: String
    let logger: Logger
    private let detected = DetectedVersion()

    public init(executable: String = "helm", kubeconfig: String? = nil, kubeContext: String? = nil,
                environment: [String: String] = [:], deadline: Duration = .seconds(60),
                temporaryDirectory: String? = nil, logger: Logger) {
        self.executable = executable
        self.kubeconfig = kubeconfig
        self.kubeContext = kubeContext
        self.environment = environment
        self.deadline = deadline
        self.temporaryDirectory = temporaryDirectory ?? ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        self.logger = logger
    }

    /// The helm version (`helm version --short`), detected on the first call and remembered.
    /// Throws `helmNotFound` when the executable is missing and `unsupportedVersion` unless it is v3 or v4.
    public func version() async throws(HelmError) -> HelmVersion {
        if let known = detected.value { return known }
        let outcome = try await run(.version, ["version", "--short"], cluster: false)
        guard let version = HelmVersion(short: outcome.stdoutText) else {
            throw HelmError(.invalidOutput, .version,
                            message: "\(executable) printed '\(outcome.stdoutText.trimmedWhitespace.prefix(80))', not a helm version")
        }
        guard version.isSupported else {
            throw HelmError(.unsupportedVersion, .version,
                            message: "helm \(version) at \(executable) is not supported; Fairway needs helm v3 or v4")
        }
        detected.value = version
        return version
    }

    /// Runs helm with `arguments` (plus the kubeconfig and context flags when `cluster`), and returns
    /// what it printed. A non-zero exit, a missing executable or a passed deadline throw `HelmError`,
    /// with helm's standard error redacted by `redaction`.
    @discardableResult
    func run(_ operation: HelmOperation, release: String? = nil, _ arguments: [String], cluster: Bool = true,
             deadline: Duration? = nil, redaction: HelmRedaction = HelmRedaction()) async throws(HelmError) -> ChildProcess.Outcome {
        let environment = ProcessInfo.processInfo.environment.merging(["NO_COLOR": "1"].merging(self.environment) { $1 }) { $1 }
        let path = try resolvedExecutable(environment, operation)
        var arguments = arguments
        if cluster {
            if let kubeconfig { arguments += ["--kubeconfig", kubeconfig] }
            if let kubeContext { arguments += ["--kube-context", kubeContext] }
        }
        let limit = deadline ?? self.deadline
        logger.debug("helm run", metadata: ["helm.operation": "\(operation.rawValue)", "helm.release": "\(release ?? "")"])
        let outcome: ChildProcess.Outcome
        do {
            outcome = try await ChildProcess.run(path, arguments, environment: environment, timeout: limit.seconds)
        } catch {
            throw HelmError(.helmNotFound, operation, release: release,
                            message: "helm not found at \(path) (\(error.reason)); install helm or pass --helm PATH")
        }
        if outcome.timedOut {
            throw HelmError(.timedOut, operation, release: release,
                            message: "helm did not finish within \(limit.goSeconds) and was stopped",
                            stderr: Self.cleaned(outcome.stderrText, redaction))
        }
        guard outcome.status == 0 else {
            let stderr = Self.cleaned(outcome.stderrText, redaction)
            let (code, message) = Self.classify(stderr, status: outcome.status)
            // Value-free: the caller reports the error itself, with helm's (redacted) words.
            logger.debug("helm failed", metadata: ["helm.operation": "\(operation.rawValue)", "helm.release": "\(release ?? "")",
                                                  "helm.exit_status": "\(outcome.status)", "error.code": "\(code.rawValue)"])
            throw HelmError(code, operation, release: release, exitStatus: outcome.status, message: message, stderr: stderr)
        }
        return outcome
    }

    /// The executable's path: as given when it names a path, else looked up on PATH.
    private func resolvedExecutable(_ environment: [String: String], _ operation: HelmOperation) throws(HelmError) -> String {
        let manager = FileManager.default
        if executable.contains("/") {
            guard manager.isExecutableFile(atPath: executable) else {
                throw HelmError(.helmNotFound, operation, message: "helm not found at \(executable); install helm or pass --helm PATH")
            }
            return executable
        }
        let directories = (environment["PATH"] ?? "").split(separator: ":")
        for directory in directories where manager.isExecutableFile(atPath: "\(directory)/\(executable)") {
            return "\(directory)/\(executable)"
        }
        throw HelmError(.helmNotFound, operation,
                        message: "helm not found at \(executable) (not on PATH); install helm or pass --helm PATH")
    }

    /// Standard error as a report may show it: redacted, trimmed, at most 4,000 characters.
    static func cleaned(_ stderr: String, _ redaction: HelmRedaction) -> String {
        let text = redaction.apply(stderr).trimmedWhitespace
        return text.count > 4_000 ? String(text.prefix(4_000)) + " ..." : text
    }

    /// What helm's standard error says went wrong, as a code and Fairway's explanation.
    static func classify(_ stderr: String, status: Int32) -> (HelmError.Code, String) {
        let text = stderr.lowercased()
        if text.contains("another operation") && text.contains("in progress") {
            return (.operationInProgress,
                    "the release is locked in a pending state: another helm operation is running on it, or one was "
                        + "interrupted; if none is running, recover it (HelmClient.recoverStuck rolls it back to its last "
                        + "deployed revision, or uninstalls a release that was never deployed)")
        }
        if text.contains("kubernetes cluster unreachable") {
            return (.clusterUnreachable, "the Kubernetes API server cannot be reached; check the kubeconfig and context")
        }
        if text.contains("release: not found") || text.contains("release not found") {
            return (.releaseNotFound, "no such release")
        }
        if (text.contains("chart \"") || text.contains("path \"")) && text.contains("not found")
            || text.contains("failed to download") || text.contains("failed to fetch") {
            return (.chartNotFound, "the chart or its pinned version is not in the repository")
        }
        if text.contains("context deadline exceeded") || text.contains("timed out waiting for the condition") {
            return (.notReady, "the release's resources did not become ready within the timeout")
        }
        return (.failed, "helm failed with exit status \(status)")
    }
}

/// The helm version, once detected; shared by copies of a client.
private final class DetectedVersion: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: HelmVersion?

    var value: HelmVersion? {
        get { lock.withLock { stored } }
        set { lock.withLock { stored = newValue } }
    }
}
