/// Why a kubeconfig, an in-cluster configuration or a credential plugin could not give a usable
/// connection. Names the file (and line, where the YAML parser or the node gives one) and the
/// context concerned; never contains a token, password or key.
public struct KubeconfigError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable {
        /// No kubeconfig file was found (KUBECONFIG unset or naming no existing file, no ~/.kube/config).
        case noConfiguration = "kubeconfig-missing"
        case unreadable = "kubeconfig-unreadable"
        /// Not YAML, or YAML of the wrong shape.
        case malformed = "kubeconfig-malformed"
        /// A value that is present but cannot be used (bad base64, an unsupported scheme, two auth methods).
        case invalidValue = "kubeconfig-invalid-value"
        case noCurrentContext = "kubeconfig-no-context"
        case unknownContext = "kubeconfig-unknown-context"
        case unknownCluster = "kubeconfig-unknown-cluster"
        case unknownUser = "kubeconfig-unknown-user"
        /// An auth method Fairway does not implement (auth-provider).
        case unsupported = "kubeconfig-unsupported"
        /// The exec credential plugin could not run or exited non-zero.
        case execFailed = "exec-plugin-failed"
        /// The exec credential plugin printed something other than a usable ExecCredential.
        case execOutputInvalid = "exec-plugin-output-invalid"
        /// Not running in a pod: KUBERNETES_SERVICE_HOST/PORT or the service account token is missing.
        case notInCluster = "not-in-cluster"
        case tokenFileUnreadable = "token-file-unreadable"
    }

    public var code: Code
    public var message: String
    public var file: String?
    public var line: Int?
    public var context: String?

    public init(_ code: Code, _ message: String, file: String? = nil, line: Int? = nil, context: String? = nil) {
        self.code = code
        self.message = message
        self.file = file
        self.line = line
        self.context = context
    }

    /// A short, value-free label for metrics.
    public var label: String { code.rawValue }

    /// `file:line: message (context "name")`.
    public var description: String {
        var text = ""
        if let file { text += line.map { "\(file):\($0): " } ?? "\(file): " }
        text += message
        if let context { text += " (context \"\(context)\")" }
        return text
    }
}
