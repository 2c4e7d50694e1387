@testable import FairwayAgent
import FairwayModel
import FairwayPipeline
import Testing

/// What the sync agent keeps of its last good commit between runs: neither the file contents nor
/// the desired state; planning the commit again renders the very desired state it evaluated to.
@Suite struct ReconcilerGoodTests {
    @Test func aKeptCommitRendersItsDesiredStateAgain() throws {
        let pipeline = Pipeline(loader: PlatformLoader(parseCache: ParseCache()))
        let evaluation = try pipeline.evaluate(path: RepoPaths.template.path)
        let desired = try #require(evaluation.desired)
        let kept = Reconciler.Good(commit: "c0ffee", evaluation: evaluation).compacted
        #expect(kept.evaluation.desired == nil && kept.evaluation.snapshot.files.isEmpty)
        #expect(kept.evaluation.platform.tenants.count == evaluation.platform.tenants.count)

        let again = try #require(kept.rendered(by: pipeline).evaluation.desired)
        #expect(again.revision == desired.revision)
        #expect(again.manifests == desired.manifests && again.tenants == desired.tenants)
        #expect(again.nodeGroups == desired.nodeGroups && again.helmReleases == desired.helmReleases)
    }
}
