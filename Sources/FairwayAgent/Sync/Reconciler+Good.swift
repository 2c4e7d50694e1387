import FairwayPipeline
extension Reconciler.Good {
    /// What the agent keeps of a good commit between runs: the platform (its documents are shared
    /// with the parse cache), the fairness report and the diagnostics, without the file contents
    /// (parsed already) and without the desired state (61,012 objects, about 90 MB, at 1,000
    /// tenants), which `rendered(by:)` renders again when the commit is planned again.
    var compacted: Self {
        var kept = self
        kept.evaluation.desired = nil
        kept.evaluation.snapshot.files = []
        return kept
    }

    /// Ready to plan: the desired state, when it was dropped, rendered again from the platform. A
    /// valid platform always renders the same objects, so this is the desired state `Pipeline`
    /// rendered when it evaluated the commit.
    func rendered(by pipeline: Pipeline) -> Self {
        guard evaluation.desired == nil else { return self }
        var good = self
        good.evaluation.desired = pipeline.render(evaluation.platform)
        return good
    }
}
