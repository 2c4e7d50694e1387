import FairwayAgent
import FairwayApply
import FairwayCore
import FairwayModel
import FairwayPipeline
import FairwaySource
import FairwayTestSupport
import Foundation
import Logging
import Testing

/// The sync agent reports what its fetch noticed, as the CLI does: a force-push of the followed ref
/// is in the run (and so in the status, the log and an Event), not only in `fairway plan`'s output.
@Suite struct ReconcilerSourceNotesTests {
    /// A source whose ref was force-pushed from `previous` to the template's commit.
    struct ForcePushedSource: SyncSource {
        let displayURL = "https://git.example/platform.git"
        let ref = "main"
        func fetch() async -> Result<GitFetchOutcome, GitError> {
            .success(GitFetchOutcome(url: displayURL, ref: ref, commit: String(repeating: "b", count: 40),
                                     previousCommit: String(repeating: "a", count: 40), forcePushed: true, staleBecause: nil, notes: []))
        }
        func snapshot(commit: String, parseCache: ParseCache?) async -> Result<SourceSnapshot, GitError> {
            do {
                let read = try DirectorySource(root: Paths.template.path).read()
                return .success(SourceSnapshot(origin: displayURL, revision: commit, files: read.files, diagnostics: []))
            } catch {
                return .failure(GitError(.failed, "\(error)"))
            }
        }
    }

    @Test func aForcePushIsInTheRun() async throws {
        try await Kube.withClient { _, client in
            let target = ClusterTarget(name: "test", kubernetes: client, eks: nil, helm: nil)
            let reconciler = Reconciler(source: ForcePushedSource(), target: target, options: Reconciler.Options(),
                                        logger: Logger(label: "test"))
            // Stopped from the start: it fetches, evaluates and plans, and applies nothing (the
            // in-memory cluster has no CRDs to apply the template to).
            let stop = ApplyStop()
            stop.request()
            let run = await reconciler.reconcile(trigger: .start, stop: stop)
            #expect(run.sourceNotes == ["main was force-pushed: aaaaaaaaaaaa is not in the history of bbbbbbbbbbbb"], "\(run.sourceNotes)")
            var status = SyncStatus(repository: "https://git.example/platform.git", ref: "main")
            _ = status.record(run)
            #expect(status.lastRun?.sourceNotes == ["main was force-pushed: aaaaaaaaaaaa is not in the history of bbbbbbbbbbbb"])
            #expect(status.json["lastRun"]?["sourceNotes"] == ["main was force-pushed: aaaaaaaaaaaa is not in the history of bbbbbbbbbbbb"])
        }
    }
}
