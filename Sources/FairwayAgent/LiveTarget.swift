import FairwayCore
import FairwayDiff
import FairwayLive
import FairwayRender
import FairwaySource

/// Where the desired state is planned against and applied to: the embedded local state, or a
/// cluster (its Kubernetes API, and where configured its EKS node groups and Helm releases).
public protocol LiveTarget: Sendable {
    /// How the target is named to people: "local state .fairway/state", "cluster ml-prod (https://...)".
    var name: String { get }
    /// Reads what the plan needs for a valid evaluation: owned objects, desired objects already
    /// there, and the node groups and releases where the target has them.
    func read(for evaluation: Evaluation) async throws(PipelineError) -> LiveSnapshot
}

/// The embedded local state (a directory), which needs no cluster.
public struct LocalTarget: LiveTarget {
    public let store: LocalStateStore

    public init(store: LocalStateStore) { self.store = store }

    public var name: String { "local state \(store.root)" }

    public func read(for evaluation: Evaluation) async throws(PipelineError) -> LiveSnapshot {
        try Pipeline().readLive(store)
    }
}

extension Pipeline {
    /// Evaluates the snapshot `source` gives while the target is read, then plans. The plan is nil
    /// when the repository has errors (nothing is read from the target then).
    public func evaluateAndPlan(source: () throws(PipelineError) -> SourceSnapshot, target: some LiveTarget,
                                maxDeletions: Int? = nil) async throws(PipelineError) -> (evaluation: Evaluation, plan: Plan?) {
        let evaluation = evaluate(try source())
        guard evaluation.isValid else { return (evaluation, nil) }
        let live = try await target.read(for: evaluation)
        return (evaluation, try plan(evaluation, live: live, maxDeletions: maxDeletions))
    }
}
