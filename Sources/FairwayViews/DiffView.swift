import FairwayCore
import FairwayDiff
import FairwayFairness

extension GPUChange {
    /// "research a100: +4 guaranteed (10 -> 14), fair point 11 -> 12, Kueue 12 -> 12-14".
    public var summary: String {
        var parts: [String] = []
        let gb = guaranteedBefore ?? 0, ga = guaranteedAfter ?? 0
        if gb != ga { parts.append("\(ga > gb ? "+" : "")\(ga - gb) guaranteed (\(gb) -> \(ga))") }
        let tb = targetBefore ?? 0, ta = targetAfter ?? 0
        if tb != ta { parts.append("fair point \(tb) -> \(ta)") }
        if predictedBefore != predictedAfter {
            parts.append("Kueue \(Self.band(predictedBefore)) -> \(Self.band(predictedAfter))")
        }
        return "\(tenant) \(gpuClass): " + parts.joined(separator: ", ")
    }

    static func band(_ band: PredictedBand?) -> String {
        guard let band else { return "-" }
        return band.min == band.max ? "\(band.min)" : "\(band.min)-\(band.max)"
    }
}

public enum DiffView {
    /// The heading of the pull-request comment, also over the comment for a head that does not validate.
    public static let title = "Fairway: desired-state changes"

    public static func text(_ diff: DesiredStateDiff, style: Style) -> String {
        var out = DiagnosticsView.text(diff.diagnostics, style: style)
        out += style.bold("Desired state from \(diff.from.prefix(12)) to \(diff.to.prefix(12))") + "\n\n"
        if diff.plan.hasChanges {
            if !diff.plan.changes.isEmpty { out += PlanView.changeList(diff.plan.changes, style: style) + "\n" }
            out += PlanView.targetsText(Plan.targetsOnly(diff.plan), style: style)
        } else {
            out += style.green("No changes to the desired state.") + "\n\n"
        }
        out += PlanView.leftBehindText(diff.plan, style: style)
        if !diff.gpuChanges.isEmpty {
            out += style.bold("GPU allocation changes") + "\n"
            for change in diff.gpuChanges { out += "  \(change.summary)\n" }
            out += "\n"
        }
        out += style.bold("Diff:") + " " + ([PlanView.summary(diff.plan.counts)] + PlanView.targetSummary(diff.plan)).joined(separator: "; ") + ".\n"
        return out
    }

    public static func json(_ diff: DesiredStateDiff) -> JSONValue {
        let plan = diff.plan
        let planned = PlanDocument(plan, gpu: []).json
        var o = JSONObject([("formatVersion", 1), ("from", .string(diff.from)), ("to", .string(diff.to)), ("hasChanges", .bool(plan.hasChanges))])
        // The object, node group and release changes as a plan document has them; the GPU changes are
        // the diff's own (guarantee, fair point and predicted band per tenant), not the plan's guarantee moves.
        for key in ["summary", "tenants", "orphaned", "orphanedTargets", "changes", "nodeGroups", "releases"] { o[key] = planned[key] ?? .null }
        o["gpuChanges"] = JSONValueEncoder.document(diff.gpuChanges, fallback: .array([]))
        o["diagnostics"] = .array(diff.diagnostics.map(DiagnosticsView.json))
        return .object(o)
    }

    /// A pull-request comment: summary, per-tenant table, GPU changes, objects left behind, every
    /// diagnostic in a table (root causes first), and every object change in a collapsible section.
    public static func markdown(_ diff: DesiredStateDiff) -> String {
        let counts = diff.plan.counts
        var out = "## \(title)\n\n"
        out += "`\(diff.from.prefix(12))` → `\(diff.to.prefix(12))`: **\(counts.create) to create, \(counts.update) to update, \(counts.delete) to delete**"
        for part in PlanView.targetSummary(diff.plan) { out += "; \(part)" }
        out += "\n\n"
        out += PlanView.markdownTenantTable(diff.plan)
        if !diff.gpuChanges.isEmpty {
            out += "### GPU allocation\n\n"
            for change in diff.gpuChanges { out += "- \(change.summary)\n" }
            out += "\n"
        }
        out += PlanView.leftBehindMarkdown(diff.plan)
        if !diff.diagnostics.isEmpty {
            out += "### Diagnostics\n\n" + DiagnosticsView.markdownTable(diff.diagnostics)
        }
        if diff.plan.hasChanges {
            let total = diff.plan.changeCount
            let text = PlanView.changeList(diff.plan.changes, style: .plain) + PlanView.targetsText(Plan.targetsOnly(diff.plan), style: .plain)
            out += PlanView.markdownDetails(text, summary: "\(total) change\(total == 1 ? "" : "s")")
        } else {
            out += "No changes to the desired state.\n"
        }
        return out
    }

    /// GitHub workflow annotations for the diagnostics, a warning for objects left behind, and a
    /// notice with the totals.
    public static func github(_ diff: DesiredStateDiff) -> String {
        var out = GitHubAnnotations.render(diff.diagnostics)
        out += PlanView.leftBehindAnnotation(diff.plan)
        return out + GitHubAnnotations.notice("desired state \(diff.from.prefix(12)) -> \(diff.to.prefix(12)): "
            + ([PlanView.summary(diff.plan.counts)] + PlanView.targetSummary(diff.plan)).joined(separator: "; "))
    }
}
