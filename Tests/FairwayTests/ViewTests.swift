import Testing
import FairwayCore
import FairwayDiff
import FairwayViews

/// Views colour only when asked, and render plans and diagnostics as documented.
@Suite struct ViewTests {
    static let diagnostic = Diagnostic.error("unknown-field", "unknown field `x` in `spec`",
                                             at: SourceLocation(path: "tenants/a.yaml", line: 3, column: 5),
                                             hint: "did you mean `y`?")

    @Test func diagnosticsPrintLikeACompiler() {
        let text = DiagnosticsView.text([Self.diagnostic], style: .plain)
        #expect(text == "tenants/a.yaml:3:5: error[unknown-field]: unknown field `x` in `spec`\n  hint: did you mean `y`?\n")
    }

    @Test func colourOnlyWhenAsked() {
        #expect(!DiagnosticsView.text([Self.diagnostic], style: .plain).contains("\u{1B}["))
        #expect(DiagnosticsView.text([Self.diagnostic], style: Style(colored: true)).contains("\u{1B}[31m"))
    }

    @Test func planTextShowsFieldChangesAndTotals() {
        let key = ObjectKey(apiVersion: "v1", kind: "ResourceQuota", namespace: "research", name: "tenant-quota")
        let plan = Plan(revision: "abc123", liveSerial: 3, changes: [
            Change(action: .update, key: key, tenant: "research",
                   fields: [FieldChange(path: "spec.hard[\"requests.cpu\"]", before: "256", after: "300")],
                   desired: [:]),
        ], unchanged: 51, orphaned: [], blockers: [])
        let text = PlanView.text(plan, gpu: [], style: .plain)
        #expect(text.contains("  ~ ResourceQuota/research/tenant-quota\n      ~ spec.hard[\"requests.cpu\"]: \"256\" -> \"300\"\n"))
        #expect(text.contains("research:  0 to create, 1 to update, 0 to delete"))
        #expect(text.hasSuffix("Plan: 0 to create, 1 to update, 0 to delete; 51 unchanged.\n"))
        let json = PlanView.json(plan, gpu: [])
        #expect(json.objectValue?.keys == ["formatVersion", "revision", "liveSerial", "hasChanges", "canApply", "summary",
                                           "tenants", "refusals", "refusalCodes", "orphaned", "orphanedTargets", "changes", "gpu", "nodeGroups", "releases",
                                           "gpuChanges"])
        #expect(json["changes"]?.arrayValue?.first?["fields"] == [["path": "spec.hard[\"requests.cpu\"]", "before": "256", "after": "300"]])
    }

    @Test func refusedPlanSaysWhy() {
        let plan = Plan(revision: "r", liveSerial: 0, changes: [], unchanged: 0, orphaned: [],
                        blockers: [.tooManyDeletions(9, limit: 1)])
        #expect(!plan.canApply)
        #expect(PlanView.text(plan, gpu: [], style: .plain).contains("refused: the plan deletes 9 objects; the limit is 1 (spec.reconcile.maxDeletions or --max-deletions)"))
    }
}
