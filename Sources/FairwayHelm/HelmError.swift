/// What a helm call was doing when it failed: the subcommand, as a value-free label.
public enum HelmOperation: String, Sendable, Hashable, Codable {
    case version = "version"
    case list = "list"
    case getValues = "get values"
    case getMetadata = "get metadata"
    case history = "history"
    case showChart = "show chart"
    case upgradeInstall = "upgrade --install"
    case uninstall = "uninstall"
    case rollback = "rollback"
}

/// A helm call that failed: which operation, on which release, helm's exit status and its standard
/// error (trimmed, bounded, and redacted: the values file's path and the release's string values
/// are replaced by `<redacted>`, so a secret passed in values never reaches a log or a report).
///
/// Not errors: an empty release list, a release without user-supplied values (an empty object), and
/// `recoverStuck` on a release that is not stuck (`HelmRecovery.notStuck`).
public struct HelmError: Error, Sendable, CustomStringConvertible {
    /// Why the call failed, as a short value-free label usable in metrics.
    public enum Code: String, Sendable {
        /// The helm executable is not there or cannot be run.
        case helmNotFound = "helm-not-found"
        /// helm runs but is not v3 or v4.
        case unsupportedVersion = "helm-unsupported-version"
        /// The Kubernetes API server named by the kubeconfig cannot be reached.
        case clusterUnreachable = "cluster-unreachable"
        /// The chart, or the pinned version of it, is not in the repository.
        case chartNotFound = "chart-not-found"
        /// A local chart (`chartOverride`) is not the chart and version the release pins.
        case chartVersionMismatch = "chart-version-mismatch"
        /// No such release in that namespace.
        case releaseNotFound = "release-not-found"
        /// The release is locked in a pending state: another helm operation runs, or one was interrupted
        /// (see `HelmClient.recoverStuck`).
        case operationInProgress = "operation-in-progress"
        /// helm's own `--timeout` passed while it waited for the release's resources to become ready.
        case notReady = "not-ready"
        /// helm did not finish before the client's deadline and was terminated.
        case timedOut = "timed-out"
        /// The values are not an object (helm values are a map).
        case invalidValues = "invalid-values"
        /// helm succeeded but printed something other than its `-o json` output.
        case invalidOutput = "invalid-output"
        /// The private values file could not be written.
        case io = "io"
        /// Any other failure; helm's standard error says why.
        case failed = "helm-failed"
    }

    public let code: Code
    public let operation: HelmOperation
    /// `namespace/name` of the release concerned, when there is one.
    public let release: String?
    /// helm's exit status, when it ran to an end.
    public let exitStatus: Int32?
    /// What went wrong, in Fairway's words (never containing values).
    public let message: String
    /// helm's standard error, trimmed and redacted.
    public let stderr: String

    public init(_ code: Code, _ operation: HelmOperation, release: String? = nil, exitStatus: Int32? = nil,
                message: String, stderr: String = "") {
        self.code = code
        self.operation = operation
        self.release = release
        self.exitStatus = exitStatus
        self.message = message
        self.stderr = stderr
    }

    /// A short, value-free label for metrics and log metadata.
    public var label: String { code.rawValue }

    public var description: String {
        var text = "helm \(operation.rawValue)"
        if let release { text += " \(release)" }
        if let exitStatus { text += " (exit \(exitStatus))" }
        text += ": \(message)"
        if !stderr.isEmpty && stderr != message { text += "\n\(stderr)" }
        return text
    }
}
