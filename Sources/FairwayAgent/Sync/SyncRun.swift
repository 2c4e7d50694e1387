import FairwayApply
import FairwayCore
import FairwayDiff
import FairwayFairness
import FairwayPipeline

/// What one sync iteration did: why it ran, which commit it fetched and reconciled, how long each
/// stage took, what the plan held and what the apply did. A value: status, metrics, events and logs
/// are all made from it.
public struct SyncRun: Sendable {
    /// Why the iteration ran.
    public enum Trigger: String, Sendable {
        /// The fetch interval elapsed.
        case interval
        /// A verified push webhook.
        case webhook
        /// The agent started, or became the leader.
        case start
    }

    /// How the iteration ended. The raw values are metric labels.
    public enum Result: String, Sendable, CaseIterable {
        /// No new commit and no drift check due: nothing was done beyond the fetch.
        case noop
        /// The cluster already matched the commit.
        case inSync = "in-sync"
        /// Changes were applied and all succeeded.
        case applied
        /// The new commit was refused before planning: parse or schema errors, a failed fairness
        /// check, a refused signature. The last good commit stays applied.
        case invalid
        /// The plan was refused before anything was changed: the deletion guard, unowned objects,
        /// tenant namespaces with running work.
        case refused
        /// Fetching, reading the cluster or applying failed; the next iteration tries again.
        case failed
        /// A shutdown stopped the apply between stages.
        case stopped
    }

    /// Why a run ended as it did, beyond its result: the label `reason` of
    /// `fairway_sync_runs_total{result,reason}`, so alerts tell a deletion guard from an unreachable
    /// API server. `none` for runs that did what they should; a refused run's reason is its
    /// refusal's code.
    public struct Reason: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        public let rawValue: String
        public init?(rawValue: String) {
            guard Self.allCases.contains(where: { $0.rawValue == rawValue }) else { return nil }
            self.rawValue = rawValue
        }
        private init(_ rawValue: String) { self.rawValue = rawValue }
        /// The reason a refusal gives a run.
        public init(_ code: Refusal.Code) { rawValue = code.rawValue }

        public var description: String { rawValue }

        public static let none = Reason("none")
        /// invalid: the commit has parse, schema, fairness or other errors.
        public static let invalidRepository = Reason("invalid-repository")
        /// invalid: the commit cannot be read (a refused signature, a corrupt object).
        public static let commitUnusable = Reason("commit-unusable")
        public static let fetchFailed = Reason("fetch-failed")
        public static let readFailed = Reason("read-failed")
        public static let planFailed = Reason("plan-failed")
        /// failed: the namespaces the plan deletes could not be checked for running work.
        public static let busyCheckFailed = Reason("busy-check-failed")
        /// failed: a step of the apply failed.
        public static let applyFailed = Reason("apply-failed")
        public static let shutdown = Reason("shutdown")
        public static let busyNamespace = Reason(.busyNamespace)
        public static let tooManyDeletions = Reason(.tooManyDeletions)

        /// The reasons a run with `result` can have (every pair is exported from the start, at zero).
        public static func possible(for result: Result) -> [Reason] {
            switch result {
            case .noop, .inSync, .applied: [.none]
            case .invalid: [.invalidRepository, .commitUnusable]
            case .failed: [.fetchFailed, .readFailed, .planFailed, .busyCheckFailed, .applyFailed]
            case .stopped: [.shutdown]
            case .refused: Refusal.Code.allCases.map(Reason.init)
            }
        }

        /// Every reason, each once.
        public static let allCases: [Reason] = [.none] + Result.allCases.flatMap(possible).filter { $0 != .none }
    }

    /// Stage timings, in seconds; the keys are metric labels.
    public enum Stage: String, Sendable, CaseIterable {
        case fetch, evaluate, read, plan, apply
    }

    public var id: String
    public var trigger: Trigger
    public var result: Result = .noop
    public var reason: Reason = .none
    public var startedAt: WallTime
    public var seconds: Double = 0
    public var stages: [Stage: Double] = [:]
    /// The commit the followed ref pointed at.
    public var fetchedCommit: String?
    /// The fetch failed and `fetchedCommit` is the cache's last good commit.
    public var fetchStale: String?
    /// What the fetch noticed besides staleness: a force-push, a corrupt cache cloned again.
    public var sourceNotes: [String] = []
    /// The commit planned against the cluster (the fetched one, or the last good one when the fetched
    /// commit is invalid and a drift check was due).
    public var reconciledCommit: String?
    /// True when the commit was unchanged and this was a drift check.
    public var driftCheck = false
    public var planCounts: ChangeCounts?
    public var nodeGroupChanges = 0
    public var releaseChanges = 0
    /// Changes found when the commit was already applied: drift, corrected by this run.
    public var drift = 0
    public var report: ApplyReport?
    /// What went wrong, one line each, with file:line:column where there is one. Never a value.
    public var errors: [String] = []
    public var fairness: [ClassAllocation] = []

    public init(id: String, trigger: Trigger, startedAt: WallTime) {
        self.id = id
        self.trigger = trigger
        self.startedAt = startedAt
    }

    /// The commit the cluster is at after this run: the reconciled commit when the run applied it or
    /// found the cluster in sync (a drift check of the last good commit while the head is invalid
    /// counts when its apply succeeded); nil otherwise.
    public var appliedCommit: String? {
        let applied = [.applied, .inSync].contains(result) || (result == .invalid && report?.succeeded == true)
        return applied ? reconciledCommit : nil
    }

    /// Changes of every kind the plan held.
    public var plannedChanges: Int { (planCounts?.total ?? 0) + nodeGroupChanges + releaseChanges }
}
