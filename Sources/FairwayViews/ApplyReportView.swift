import FairwayApply
import FairwayCore

/// Apply reports and progress lines.
public enum ApplyReportView {
    public static func text(_ report: ApplyReport, style: Style) -> String {
        var out = ""
        let took = report.seconds.map { " in " + String(format: "%.1f s", $0) } ?? ""
        if report.succeeded {
            out += style.green("Apply complete.") + " \(report.appliedCount) change(s) applied\(took) (revision \(report.revision)).\n"
        } else {
            out += style.red("Apply failed.") + " \(report.appliedCount) applied, \(report.failedCount) failed, "
                + "\(report.skippedCount) not attempted\(took) (revision \(report.revision)). Nothing else was changed; "
                + "run apply again to converge.\n"
        }
        for result in report.results where result.outcome == .failed {
            out += "  " + style.red("✘") + " \(result.action) \(result.subject): \(result.error ?? "unknown error")\n"
            for conflict in result.conflicts.prefix(20) {
                out += "      \(conflict.field) is owned by \(conflict.manager)\n"
            }
        }
        // Node groups and releases are few and slow: say how each ended.
        for result in report.results where result.outcome == .applied && result.key == nil {
            out += "  " + style.green("✔") + " \(result.action) \(result.subject)" + (result.health.map { ": \($0)" } ?? "") + "\n"
        }
        let waited = report.results.filter { $0.outcome == .applied && $0.key != nil && $0.health != nil }
        if !waited.isEmpty { out += "  \(waited.count) object(s) became ready (CRDs established, workloads available).\n" }
        return out
    }

    /// One line per step, for terminals without a progress bar and for logs.
    public static func progressLine(_ progress: ApplyProgress) -> String {
        let mark = progress.outcome == .failed ? " FAILED" : ""
        return "[\(progress.done)/\(progress.total)] \(progress.step)\(mark)\n"
    }

    /// The document `fairway apply --output json` prints.
    public static func json(_ report: ApplyReport) -> JSONValue { ApplyReportDocument(report).json }
}
