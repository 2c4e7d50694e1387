import FairwayApply
import FairwayCore
@testable import FairwayDiff
@testable import FairwayFairness
@testable import FairwayAgent
import FairwayPipeline
import Testing

/// The status the agent publishes: built run by run; an invalid commit keeps the last applied
/// commit and shows its errors; a no-op run changes nothing; the JSON reads back the same.
@Suite struct SyncStatusTests {
    static func run(_ result: SyncRun.Result, fetched: String, reconciled: String? = nil, errors: [String] = [],
                    report: ApplyReport? = nil) -> SyncRun {
        var run = SyncRun(id: "1", trigger: .interval, startedAt: WallTime(secondsSince1970: 1_795_000_000))
        run.result = result
        run.fetchedCommit = fetched
        run.reconciledCommit = reconciled
        run.errors = errors
        run.report = report
        var counts = ChangeCounts()
        counts.create = 2
        counts.update = 1
        run.planCounts = counts
        run.seconds = 1.5
        run.fairness = [ClassAllocation(gpuClass: "a100", capacity: 16, unit: "gpu", maxSharePercent: nil,
                                        tenants: [TenantAllocation(tenant: "research", guaranteed: 8, weight: 1, borrowingLimit: nil,
                                                                   lendingLimit: nil, demand: 8, target: 10)])]
        return run
    }

    @Test func anInvalidCommitKeepsTheLastAppliedCommitAndShowsItsErrors() throws {
        var status = SyncStatus(repository: "https://git.example/platform.git", ref: "main")
        let applied = status.record(Self.run(.applied, fetched: "aaa", reconciled: "aaa", report: ApplyReport(revision: "aaa", results: [])))
        #expect(applied)
        #expect(status.lastAppliedCommit == "aaa" && status.errors.isEmpty && status.result == .applied)
        #expect(!status.needsAttention)
        let error = "tenants/broken.yaml:3:11: error[yaml-syntax]: did not find expected ','"
        let invalid = status.record(Self.run(.invalid, fetched: "bbb", errors: [error]))
        #expect(invalid)
        #expect(status.lastFetchedCommit == "bbb")
        #expect(status.lastAppliedCommit == "aaa")
        #expect(status.result == .invalid && status.errors == [error])
        #expect(status.needsAttention)
        #expect(status.fairness.first?.tenants.first?.target == 10)
        #expect(status.json["fairness"]?.arrayValue?.first?["tenants"]?.arrayValue?.first?["target"] == 10)

        // A no-op run (same commit, nothing due) changes nothing.
        let before = status
        let noop = status.record(Self.run(.noop, fetched: "bbb"))
        #expect(!noop)
        #expect(status == before)

        // The JSON in the ConfigMap reads back to the same status.
        let text = JSONWriter.string(status.json, pretty: true)
        #expect(SyncStatus(json: try JSONReader.parse(Array(text.utf8))) == status)
        #expect(status.json["lastRun"]?["plan"]?["create"] == 2)
        #expect(status.lastRun?.plan?.create == 2 && status.lastRun?.result == .invalid)
    }

    /// A status written by another version (no reason, a result this one does not know) still reads:
    /// what is missing takes its default, an unknown result is kept and needs attention.
    @Test func anOlderOrForeignStatusStillReads() throws {
        let status = SyncStatus(json: try JSONReader.parse(Array(#"{"repository": "r", "ref": "main", "result": "exploded", "lastRun": {"trigger": "webhook", "plan": {"create": "two"}}}"#.utf8)))
        #expect(status.result == nil && status.unknownResult == "exploded")
        #expect(status.lastRun?.trigger == .webhook && status.lastRun?.reason == nil)
        #expect(status.lastRun?.plan?.create == 0)
        #expect(status.needsAttention)
        #expect(status.json["result"] == "exploded")
    }
}
