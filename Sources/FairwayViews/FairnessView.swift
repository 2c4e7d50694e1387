import FairwayCore
import FairwayFairness

/// GPU allocations per class as a text table, Markdown, JSON or an SVG bar chart.
public enum FairnessView {
    static let header = ["class", "capacity", "tenant", "guaranteed", "weight", "borrow", "lend", "demand", "target"]

    static func rows(_ classes: [ClassAllocation]) -> [[String]] {
        var rows: [[String]] = []
        for c in classes {
            let capacity = "\(c.capacity) \(c.unit)" + (c.maxSharePercent.map { " (max \($0)%)" } ?? "")
            for (i, t) in c.tenants.enumerated() {
                rows.append([i == 0 ? c.gpuClass : "", i == 0 ? capacity : "", t.tenant, "\(t.guaranteed)", "\(t.weight)",
                             t.borrowingLimit.map(String.init) ?? "-", t.lendingLimit.map(String.init) ?? "-",
                             "\(t.demand)", "\(t.target)"])
            }
        }
        return rows
    }

    public static func text(_ classes: [ClassAllocation], style: Style) -> String {
        guard !classes.isEmpty else { return "" }
        return style.bold("GPU allocation") + " (target: what each tenant gets when all ask for their demand)\n"
            + TextTable.render([header] + rows(classes))
    }

    public static func markdown(_ classes: [ClassAllocation], diagnostics: [Diagnostic]) -> String {
        var out = "### GPU allocation\n\n"
        if classes.isEmpty { out += "No GPU classes in the fairness policy.\n" }
        for c in classes {
            out += "**\(c.gpuClass)**: capacity \(c.capacity) \(c.unit)"
            out += c.maxSharePercent.map { ", no tenant above \($0)%" } ?? ""
            out += "\n\n| tenant | guaranteed | weight | demand | target | borrowing limit | lending limit |\n"
            out += "|---|--:|--:|--:|--:|--:|--:|\n"
            for t in c.tenants {
                out += "| \(t.tenant) | \(t.guaranteed) | \(t.weight) | \(t.demand) | \(t.target) | "
                    + "\(t.borrowingLimit.map(String.init) ?? "-") | \(t.lendingLimit.map(String.init) ?? "-") |\n"
            }
            out += "\n"
        }
        if !diagnostics.isEmpty {
            out += "#### Problems\n\n"
            for d in diagnostics {
                out += "- `\(d.location.map { "\($0)" } ?? "-")` **\(d.severity.rawValue)[\(d.code)]**: \(d.message)\n"
                for note in d.notes { out += "  - \(note)\n" }
                if let hint = d.hint { out += "  - hint: \(hint)\n" }
            }
        }
        return out
    }

    public static func json(_ classes: [ClassAllocation]) -> JSONValue {
        .array(classes.map { c in
            [
                "name": .string(c.gpuClass),
                "capacity": .int(Int64(c.capacity)),
                "unit": .string(c.unit),
                "maxSharePercent": c.maxSharePercent.map { .int(Int64($0)) } ?? .null,
                "tenants": .array(c.tenants.map { t in
                    [
                        "name": .string(t.tenant),
                        "guaranteed": .int(Int64(t.guaranteed)),
                        "weight": .int(Int64(t.weight)),
                        "demand": .int(Int64(t.demand)),
                        "borrowingLimit": t.borrowingLimit.map { .int(Int64($0)) } ?? .null,
                        "lendingLimit": t.lendingLimit.map { .int(Int64($0)) } ?? .null,
                        "target": .int(Int64(t.target)),
                    ]
                }),
            ]
        })
    }

    /// The document `fairway fairness --output json` prints.
    public static func reportJSON(_ classes: [ClassAllocation], diagnostics: [Diagnostic]) -> JSONValue {
        ["formatVersion": 1, "classes": json(classes), "diagnostics": .array(diagnostics.map(DiagnosticsView.json))]
    }
}
