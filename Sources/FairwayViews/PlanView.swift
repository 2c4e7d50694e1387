import FairwayCore
import FairwayDiff
import FairwayFairness

/// A plan as terraform-like text or as the documented JSON document.
public enum PlanView {
    public static func text(_ plan: Plan, gpu: [ClassAllocation], style: Style) -> String {
        var out = ""
        if plan.hasChanges {
            out += style.bold("Fairway will make these changes") + " (revision \(plan.revision)):\n\n"
            if !plan.changes.isEmpty { out += changeList(plan.changes, style: style) + "\n" }
            out += targetsText(plan, style: style)
        } else {
            out += style.green("No changes.") + " The live state matches revision \(plan.revision).\n\n"
        }
        out += leftBehindText(plan, style: style)
        out += FairnessView.text(gpu, style: style)
        if !gpu.isEmpty { out += "\n" }
        let byTenant = plan.countsByTenant
        if !byTenant.isEmpty {
            out += style.bold("Per tenant") + "\n"
            out += TextTable.render(byTenant.map { [$0.tenant + ":", summary($0.counts)] })
            out += "\n"
        }
        let counts = plan.counts
        out += style.bold("Plan:") + " \(summary(counts)); \(plan.unchanged) unchanged.\n"
        for part in targetSummary(plan) { out += style.bold("Plan:") + " \(part).\n" }
        for refusal in plan.refusals { out += style.red("refused") + ": \(refusal.message)\n" }
        return out
    }

    static func summary(_ c: ChangeCounts) -> String {
        "\(c.create) to create, \(c.update) to update, \(c.delete) to delete"
    }

    /// One block per change, in the plan's order.
    static func changeList(_ changes: [Change], style: Style) -> String {
        changes.map { line($0, style: style) }.joined()
    }

    static func line(_ change: Change, style: Style) -> String {
        switch change.action {
        case .create: return "  " + style.green("+ \(change.key)") + "\n"
        case .delete: return "  " + style.red("- \(change.key)") + "\n"
        case .update:
            let adopted = change.adopted ? " (adopted: made outside Fairway, taken over by this apply)" : ""
            return "  " + style.yellow("~ \(change.key)") + adopted + "\n" + fieldLines(change.fields, indent: "      ", style: style)
        }
    }

    /// The document `fairway plan --output json` prints (format documented in docs/json-output.md).
    public static func json(_ plan: Plan, gpu: [ClassAllocation]) -> JSONValue { PlanDocument(plan, gpu: gpu).json }
}
