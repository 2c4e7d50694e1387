import FairwayCore
import FairwayFairness

/// GPU allocations per class as a text table, Markdown, JSON or an SVG bar chart: per tenant the
/// guarantee, the ideal fair point (weighted water-filling, for divisible work) and the band Kueue
/// is predicted to give it at steady state; per workload how it can be admitted.
public enum FairnessView {
    static let header = ["class", "capacity", "tenant", "guaranteed", "weight", "borrow", "lend", "demand", "fair point", "predicted"]

    static func band(_ t: TenantAllocation) -> String {
        guard let band = t.predicted else { return "-" }
        return band.min == band.max ? "\(band.min)" : "\(band.min)-\(band.max)"
    }

    static func capacity(_ c: ClassAllocation) -> String {
        "\(c.capacity) \(c.unit)" + (c.maxSharePercent.map { " (max \($0)%)" } ?? "") + (c.feasible ? "" : " infeasible")
    }

    static func rows(_ classes: [ClassAllocation]) -> [[String]] {
        var rows: [[String]] = []
        for c in classes {
            for (i, t) in c.tenants.enumerated() {
                rows.append([i == 0 ? c.gpuClass : "", i == 0 ? capacity(c) : "", t.tenant, "\(t.guaranteed)", "\(t.weight)",
                             t.borrowingLimit.map(String.init) ?? "-", t.lendingLimit.map(String.init) ?? "-",
                             "\(t.demand)", "\(t.fairPoint)", band(t)])
            }
        }
        return rows
    }

    static func workloadRows(_ classes: [ClassAllocation]) -> [[String]] {
        classes.flatMap { c in
            WorkloadGroups.group(c.workloads).map { g in
                [c.gpuClass, g.first.tenant, g.label, "\(g.first.gpus)", g.first.admission.rawValue, g.first.condition ?? ""]
            }
        }
    }

    public static func text(_ classes: [ClassAllocation], style: Style) -> String {
        guard !classes.isEmpty else { return "" }
        var out = style.bold("GPU allocation")
            + " (fair point: the ideal for divisible work; predicted: what Kueue holds for the tenant at steady state, least to most over \(classes.first { !$0.orders.isEmpty }?.orders.count ?? 0) arrival orders)\n"
            + TextTable.render([header] + rows(classes))
        let workloads = workloadRows(classes)
        if !workloads.isEmpty {
            out += "\n" + style.bold("Workloads at peak") + "\n"
                + TextTable.render([["class", "tenant", "workload", "units each", "admission", "condition"]] + workloads)
        }
        return out
    }

    public static func markdown(_ classes: [ClassAllocation], diagnostics: [Diagnostic]) -> String {
        var out = "### GPU allocation\n\n"
        if classes.isEmpty { out += "No GPU classes in the fairness policy.\n" }
        for c in classes {
            out += "**\(Markdown.escape(c.gpuClass))**: capacity \(c.capacity) \(Markdown.escape(c.unit))"
            out += c.maxSharePercent.map { ", no tenant above \($0)%" } ?? ""
            out += c.feasible ? "" : " — **infeasible**: the policy cannot hold"
            out += "\n\n| tenant | guaranteed | weight | demand | fair point | predicted (Kueue) | borrowing limit | lending limit |\n"
            out += "|---|--:|--:|--:|--:|--:|--:|--:|\n"
            for t in c.tenants {
                out += "| \(Markdown.escape(t.tenant)) | \(t.guaranteed) | \(t.weight) | \(t.demand) | \(t.fairPoint) | \(band(t)) | "
                    + "\(t.borrowingLimit.map(String.init) ?? "-") | \(t.lendingLimit.map(String.init) ?? "-") |\n"
            }
            if !c.workloads.isEmpty {
                out += "\n| workload | tenant | units each | admission |\n|---|---|--:|---|\n"
                for g in WorkloadGroups.group(c.workloads) {
                    let w = g.first
                    out += "| \(Markdown.escape(g.label)) | \(Markdown.escape(w.tenant)) | \(w.gpus) | \(w.admission.rawValue)"
                        + (w.condition.map { ": \(Markdown.escape($0))" } ?? "") + " |\n"
                }
            }
            out += "\n"
        }
        if !diagnostics.isEmpty {
            out += "#### Problems\n\n"
            for d in diagnostics {
                out += "- `\(d.location.map { "\($0)" } ?? "-")` **\(d.severity.rawValue)[\(d.code)]**: \(Markdown.escape(d.message))\n"
                for note in d.notes { out += "  - \(Markdown.escape("\(note)"))\n" }
                if let hint = d.hint { out += "  - hint: \(Markdown.escape(hint))\n" }
            }
        }
        return out
    }

    /// The classes as `fairway fairness` and `fairway plan` write them.
    public static func json(_ classes: [ClassAllocation]) -> JSONValue {
        JSONValueEncoder.document(classes.map(ClassAllocationRecord.init), fallback: .array([]))
    }

    /// The document `fairway fairness --output json` prints.
    public static func reportJSON(_ classes: [ClassAllocation], diagnostics: [Diagnostic]) -> JSONValue {
        ["formatVersion": 1, "classes": json(classes), "diagnostics": .array(diagnostics.map(DiagnosticsView.json))]
    }
}
