import FairwayCore
import FairwayDiff

/// What one apply step did: to which object, node group or release, with what outcome, and, where
/// readiness is defined, how the subject's health ended up. Never holds an object's body or a value.
public struct AppliedChange: Sendable, Hashable {
    public enum Outcome: String, Sendable, Codable {
        /// The change was made (and the subject became healthy, where that is waited for).
        case applied
        /// The change was tried and did not succeed; `error` says why.
        case failed
        /// The change was not tried because an earlier step failed.
        case skipped
    }

    /// What a step changes.
    public enum Subject: Sendable, Hashable, CustomStringConvertible {
        case object(ObjectKey)
        /// An EKS managed node group, by the pool (or live group) name the plan gives it.
        case nodeGroup(String)
        /// A Helm release, as `namespace/name`.
        case release(String)

        public var description: String {
            switch self {
            case let .object(key): "\(key)"
            case let .nodeGroup(name): "node group \(name)"
            case let .release(id): "release \(id)"
            }
        }
    }

    /// What a step does to its subject: an object's, a node group's or a release's action. The raw
    /// values are metric labels (`fairway_applied_changes_total{action}`) and report fields.
    public enum Action: String, Sendable, Hashable, CaseIterable, Codable, CustomStringConvertible {
        case create, update, delete, replace, install, upgrade, uninstall

        public init(_ action: Change.Action) { self = Action(rawValue: action.rawValue)! }
        public init(_ action: NodeGroupPlan.Action) { self = Action(rawValue: action.rawValue)! }
        public init(_ action: ReleasePlan.Action) { self = Action(rawValue: action.rawValue)! }

        public var description: String { rawValue }
    }

    /// A field another field manager owns, which the apply would have changed.
    public struct FieldConflict: Sendable, Hashable {
        public var manager: String
        public var field: String

        public init(manager: String, field: String) {
            self.manager = manager
            self.field = field
        }
    }

    public var subject: Subject
    public var action: Action
    public var outcome: Outcome
    public var error: String?
    /// Fields owned by other managers that stopped a server-side apply (re-run with force to take them).
    public var conflicts: [FieldConflict]
    /// How the subject's health ended: `ready`, `established`, `ACTIVE`, `queued by Kueue`...; nil
    /// when no readiness is defined for it or it was not waited for.
    public var health: String?
    /// The stage the step belongs to (`definitions`, `releases wave 1`, `prune`...).
    public var stage: String?
    /// Wall time of the step, waits included.
    public var seconds: Double?

    public init(subject: Subject, action: Action, outcome: Outcome, error: String? = nil, conflicts: [FieldConflict] = [],
                health: String? = nil, stage: String? = nil, seconds: Double? = nil) {
        self.subject = subject
        self.action = action
        self.outcome = outcome
        self.error = error
        self.conflicts = conflicts
        self.health = health
        self.stage = stage
        self.seconds = seconds
    }

    /// A change to the local state's objects.
    public init(action: Change.Action, key: ObjectKey, outcome: Outcome, error: String?) {
        self.init(subject: .object(key), action: Action(action), outcome: outcome, error: error)
    }

    /// The object changed, for object steps.
    public var key: ObjectKey? {
        if case let .object(key) = subject { return key }
        return nil
    }
}

/// What an apply did, step by step, in the order the steps were scheduled.
public struct ApplyReport: Sendable, Hashable {
    public var revision: String
    public var results: [AppliedChange]
    /// Wall time of the whole apply.
    public var seconds: Double?
    /// The apply was asked to stop (a shutdown) and did not start the stages after the one in progress.
    public var stopped: Bool

    public init(revision: String, results: [AppliedChange], seconds: Double? = nil, stopped: Bool = false) {
        self.revision = revision
        self.results = results
        self.seconds = seconds
        self.stopped = stopped
    }

    public var succeeded: Bool { !results.contains { $0.outcome != .applied } }
    public var appliedCount: Int { results.count(where: { $0.outcome == .applied }) }
    public var failedCount: Int { results.count(where: { $0.outcome == .failed }) }
    public var failed: AppliedChange? { results.first { $0.outcome == .failed } }
    public var skippedCount: Int { results.count(where: { $0.outcome == .skipped }) }
}

/// A request, from another task, that an apply stop after the stage in progress (graceful shutdown).
public final class ApplyStop: Sendable {
    private let requested = Locked(false)

    public init() {}

    public func request() { requested.withLock { $0 = true } }

    public var isRequested: Bool { requested.withLock { $0 } }
}

/// Why an apply did not start. Nothing was changed.
public struct ApplyRefusal: Error, Sendable, CustomStringConvertible {
    public let reasons: [Refusal]

    public init(reasons: [Refusal]) { self.reasons = reasons }

    public var description: String { reasons.map(\.message).joined(separator: "; ") }
}

/// How far an apply has got, for a progress bar or log lines.
public struct ApplyProgress: Sendable {
    public var done: Int
    public var total: Int
    /// The step just finished: `create ConfigMap/research/x`, `install release kueue-system/kueue`.
    public var step: String
    public var outcome: AppliedChange.Outcome

    public init(done: Int, total: Int, step: String, outcome: AppliedChange.Outcome) {
        self.done = done
        self.total = total
        self.step = step
        self.outcome = outcome
    }
}
