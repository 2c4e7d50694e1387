import FairwayCore

/// FairwayLive owns what is really there: reading live objects for Diff and changing them for Apply.
/// The embedded local state (a directory, one file per object) implements these protocols; the
/// Kubernetes (`KubernetesClient`), EKS (`EKSClient`) and Helm (`HelmClient`) clients are asynchronous
/// and are joined into a plan target by FairwayPipeline's `ClusterTarget`.

/// Reads live objects.
public protocol LiveStateReader: Sendable {
    /// Every object the state holds (for Kubernetes: the objects Fairway owns).
    func listObjects() throws(LiveStateError) -> [Manifest]
    /// A number that changes whenever the state changes, to detect stale plans.
    func serial() throws(LiveStateError) -> Int
}

/// Changes live objects.
///
/// A writer may stage changes and make them durable in `flush()`; callers flush at each stage
/// boundary and before reporting changes as done. A writer that changes things at once flushes nothing.
public protocol LiveStateWriter: Sendable {
    func put(_ manifest: Manifest) throws(LiveStateError)
    func delete(_ key: ObjectKey) throws(LiveStateError)
    /// Makes every change since the last flush durable, in the order it was made.
    func flush() throws(LiveStateError)
    /// Records that a revision was applied and bumps the serial (flushing first).
    func recordApplied(revision: String) throws(LiveStateError)
}

/// A failure reading or writing live state, naming the object or file concerned.
public struct LiveStateError: Error, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable {
        case io = "io"
        case corrupt = "corrupt-state"
        case locked = "state-locked"
        case notLocked = "not-locked"
    }

    public let code: Code
    public let message: String
    public let path: String?

    public init(_ code: Code, _ message: String, path: String? = nil) {
        self.code = code
        self.message = message
        self.path = path
    }

    public var description: String {
        if let path { return "\(path): \(message)" }
        return message
    }
}
