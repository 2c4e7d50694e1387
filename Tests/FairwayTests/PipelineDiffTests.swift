import FairwayAgent
import FairwayCore
import FairwayDiff
import FairwayPipeline
import FairwaySource
import FairwayViews
import Testing

/// `Pipeline.diff(from:to:)`, the pull-request preview as the library computes it (the CLI only renders it).
@Suite struct PipelineDiffTests {
    static func evaluate(_ files: [String: String], revision: String) -> Evaluation {
        let snapshot = SourceSnapshot(origin: "test", revision: revision,
                                      files: files.sorted { $0.key < $1.key }.map { SourceFile(path: $0.key, bytes: Array($0.value.utf8)) },
                                      diagnostics: [])
        return Pipeline().evaluate(snapshot)
    }

    @Test func aQuotaChangeIsAnUpdateAndGuaranteesThatMoveAreListed() throws {
        let base = Self.evaluate(ReconcilerTests.Platform.files(), revision: "base")
        var files = ReconcilerTests.Platform.files(quotaCPU: "96")
        files["policies/default.yaml"] = try #require(files["policies/default.yaml"])
            .replacingOccurrences(of: "research: {guaranteed: 2, borrowingLimit: 2}", with: "research: {guaranteed: 1, borrowingLimit: 3}")
        let head = Self.evaluate(files, revision: "head")
        #expect(head.isValid, "\(head.diagnostics.filter { $0.severity == .error })")
        guard let diff = Pipeline().diff(from: base, to: head, fromName: "main") else { return }
        #expect(diff.from == "base" && diff.to == "head")
        #expect(diff.plan.changes.contains { $0.action == .update && $0.key == ReconcilerTests.quota })
        #expect(diff.gpuChanges.contains { $0.tenant == "research" && $0.guaranteedBefore == 2 && $0.guaranteedAfter == 1 }, "\(diff.gpuChanges)")
        #expect(!diff.diagnostics.contains { $0.code == "base-invalid" })
    }

    @Test func anInvalidBaseMakesEverythingNewAndAnInvalidHeadHasNoDiff() throws {
        let broken = Self.evaluate(ReconcilerTests.Platform.broken, revision: "broken")
        let good = Self.evaluate(ReconcilerTests.Platform.files(), revision: "good")
        guard let diff = Pipeline().diff(from: broken, to: good, fromName: "main") else {
            Issue.record("a valid head has a diff")
            return
        }
        #expect(diff.plan.counts.create == diff.plan.changes.count && diff.plan.counts.create > 10)
        #expect(diff.diagnostics.contains { $0.code == "base-invalid" && $0.message.contains("--from revision main") })
        #expect(Pipeline().diff(from: good, to: broken, fromName: "main") == nil)
    }
}

/// The diff's JSON is rendered from the diff, member by member, not made by deleting keys from a
/// plan's JSON: a member added to plans (as `refusalCodes` was) does not leak into it.
@Suite struct DiffJSONTests {
    @Test func theDiffHasExactlyItsOwnMembers() {
        let base = PipelineDiffTests.evaluate(ReconcilerTests.Platform.files(), revision: "base")
        let head = PipelineDiffTests.evaluate(ReconcilerTests.Platform.files(quotaCPU: "96"), revision: "head")
        guard let diff = Pipeline().diff(from: base, to: head, fromName: "main") else {
            Issue.record("a valid head has a diff")
            return
        }
        let json = DiffView.json(diff)
        #expect(json.objectValue?.keys == ["formatVersion", "from", "to", "hasChanges", "summary", "tenants", "orphaned", "orphanedTargets",
                                           "changes", "nodeGroups", "releases", "gpuChanges", "diagnostics"])
        #expect((json["summary"]?["update"]?.intValue ?? 0) >= 1)
    }
}
