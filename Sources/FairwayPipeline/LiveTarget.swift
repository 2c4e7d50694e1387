import FairwayApply
import FairwayCore
import FairwayDiff
import FairwayLive
import FairwayRender
import FairwaySource
import Logging

/// A live state read asynchronously for planning: a cluster (its Kubernetes API, and where
/// configured its EKS node groups and Helm releases). The local state is read synchronously, in
/// parallel with evaluation (`Pipeline.evaluateAndPlan(source:live:)`).
public protocol LiveTarget: Sendable {
    /// How the target is named to people: "cluster ml-prod (https://...)".
    var name: String { get }
    /// Reads what the plan needs for a valid evaluation: owned objects, desired objects already
    /// there, and the node groups and releases where the target has them.
    func read(for evaluation: Evaluation) async throws(PipelineError) -> LiveSnapshot
}

extension Pipeline {
    /// Evaluates the snapshot `source` gives, then reads the target and plans. The plan is nil when
    /// the repository has errors (nothing is read from the target then). Reading the source (a Git
    /// fetch) and evaluating block, so they run on a thread of their own, off Swift's cooperative pool.
    public func evaluateAndPlan(source: @escaping @Sendable () throws(PipelineError) -> SourceSnapshot, target: some LiveTarget,
                                maxDeletions: Int? = nil, adopt: Set<String> = []) async throws(PipelineError) -> (evaluation: Evaluation, plan: Plan?) {
        let pipeline = self
        let evaluated = await Blocking.run { () -> Result<Evaluation, PipelineError> in
            do throws(PipelineError) { return .success(pipeline.evaluate(try source())) } catch { return .failure(error) }
        }
        let evaluation = try evaluated.get()
        guard evaluation.isValid else { return (evaluation, nil) }
        let live = try await target.read(for: evaluation)
        return (evaluation, try plan(evaluation, live: live, maxDeletions: maxDeletions, adopt: adopt))
    }
}

/// A live state the sync agent plans against and applies to: `ClusterTarget` for a real cluster,
/// `MemoryClusterTarget` for an in-memory one (tests of the reconciler's decisions).
public protocol SyncTarget: LiveTarget {
    /// The applier that changes this target; `charts` is a directory of local charts to install from.
    func applier(for evaluation: Evaluation, options: ClusterApplier.Options, charts: String?, logger: Logger) -> ClusterApplier
}
