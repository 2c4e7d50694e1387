/// Why a plan may not be applied, as a value: a stable code (a metric label, a key for tools) and
/// the sentence people read, which names the object and the way forward.
public struct Refusal: Sendable, Hashable, CustomStringConvertible {
    public enum Code: String, Sendable, Hashable, CaseIterable {
        /// An object Fairway would write exists and is not Fairway's (take it over with `--adopt`).
        case unownedObject = "unowned-object"
        /// More deletions than `spec.reconcile.maxDeletions` or `--max-deletions` allow.
        case tooManyDeletions = "too-many-deletions"
        /// The live state changed since the plan was made.
        case staleLiveState = "stale-live-state"
        /// The plan changes EKS node groups and no EKS access was given.
        case noEKSAccess = "no-eks-access"
        /// The plan changes Helm releases and no helm was given.
        case noHelm = "no-helm"
        /// A body carries the mask of a sensitive value, which must never be written.
        case maskedValue = "masked-value"
        /// The plan deletes a tenant namespace (or volumes) where work still runs.
        case busyNamespace = "busy-namespace"
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }

    /// The deletion guard's refusal of `count` deletions over `limit`.
    public static func tooManyDeletions(_ count: Int, limit: Int) -> Refusal {
        Refusal(.tooManyDeletions, "the plan deletes \(count) objects; the limit is \(limit) (spec.reconcile.maxDeletions or --max-deletions)")
    }
}
