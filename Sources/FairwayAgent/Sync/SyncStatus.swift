import FairwayCore
import FairwayFairness
import FairwayPipeline

/// Where the agent stands, as people read it from the status ConfigMap (`fairway status`): the
/// commit last fetched and last applied, the last run's result and plan totals, the errors that
/// stand, the fairness summary and who leads. Built up run by run; a no-op run changes nothing here.
public struct SyncStatus: Sendable, Equatable {
    public static let currentFormatVersion = 1

    public var repository = ""
    public var ref = ""
    public var leader: String?
    public var lastFetchedCommit: String?
    public var lastFetchedAt: String?
    public var lastAppliedCommit: String?
    public var lastAppliedAt: String?
    /// The last run that did something (a no-op run is not recorded).
    public var lastRun: RunSummary?
    /// The result of that run (`applied`, `invalid`, `failed`, ...).
    public var result: SyncRun.Result?
    /// A result this agent does not know (written by another version), kept as read.
    public internal(set) var unknownResult: String?
    /// The errors that stand after that run, one line each.
    public var errors: [String] = []
    /// Per GPU class: capacity, unit, guaranteed total and each tenant's guarantee and target.
    public var fairness: [ClassSummary] = []

    public init(repository: String = "", ref: String = "") {
        self.repository = repository
        self.ref = ref
    }

    /// Takes in a run's outcome. Returns false when nothing changed (a no-op run).
    @discardableResult
    public mutating func record(_ run: SyncRun) -> Bool {
        let before = self
        if let commit = run.fetchedCommit, commit != lastFetchedCommit {
            lastFetchedCommit = commit
            lastFetchedAt = run.startedAt.rfc3339
        }
        guard run.result != .noop else { return self != before }
        result = run.result
        unknownResult = nil
        errors = run.errors
        if let commit = run.appliedCommit, commit != lastAppliedCommit || run.report != nil {
            lastAppliedCommit = commit
            lastAppliedAt = run.startedAt.adding(seconds: run.seconds).rfc3339
        }
        if let stale = run.fetchStale { errors.insert("fetch failed, using the last fetched commit: \(stale)", at: 0) }
        lastRun = RunSummary(run)
        if !run.fairness.isEmpty { fairness = run.fairness.map(ClassSummary.init) }
        return true
    }

    /// True when someone should look: errors stand, or the last run neither applied nor found the
    /// cluster in sync (`fairway status` exits 2).
    public var needsAttention: Bool {
        !errors.isEmpty || unknownResult != nil || !(result.map { [.applied, .inSync].contains($0) } ?? true)
    }
}
