import FairwayApply
import FairwayCore

/// Apply reports and progress lines.
public enum ApplyReportView {
    public static func text(_ report: ApplyReport, style: Style) -> String {
        var out = ""
        if let failed = report.failed {
            out += style.red("Apply failed") + " at \(failed.key): \(failed.error ?? "unknown error")\n"
            out += "\(report.appliedCount) change(s) applied, \(report.skippedCount) not attempted; run apply again to converge.\n"
        } else {
            out += style.green("Apply complete.") + " \(report.appliedCount) change(s) applied (revision \(report.revision)).\n"
        }
        return out
    }

    /// One line per change, for terminals without a progress bar and for logs.
    public static func progressLine(done: Int, total: Int, action: String, key: ObjectKey) -> String {
        "[\(done)/\(total)] \(action) \(key)\n"
    }

    /// The document `fairway apply --output json` prints.
    public static func json(_ report: ApplyReport) -> JSONValue {
        [
            "formatVersion": 1,
            "revision": .string(report.revision),
            "succeeded": .bool(report.succeeded),
            "applied": .int(Int64(report.appliedCount)),
            "skipped": .int(Int64(report.skippedCount)),
            "results": .array(report.results.map { r in
                var o = PlanView.keyJSON(r.key).objectValue ?? JSONObject()
                o["action"] = .string(r.action.rawValue)
                o["outcome"] = .string(r.outcome.rawValue)
                o["error"] = r.error.map { .string($0) } ?? .null
                return .object(o)
            }),
        ]
    }
}
