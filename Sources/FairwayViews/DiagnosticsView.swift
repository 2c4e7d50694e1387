import FairwayCore

/// Diagnostics as compiler-style text or as JSON (Markdown in DiagnosticsView+Markdown).
public enum DiagnosticsView {
    public static func text(_ diagnostics: [Diagnostic], style: Style) -> String {
        var out = ""
        for d in diagnostics {
            if let location = d.location { out += style.bold("\(location): ") }
            let label = "\(d.severity.rawValue)[\(d.code)]"
            out += (d.severity == .error ? style.red(label) : style.yellow(label)) + ": \(d.message)\n"
            for note in d.notes { out += "  " + style.bold("note") + ": \(note)\n" }
            if let hint = d.hint { out += "  " + style.cyan("hint") + ": \(hint)\n" }
        }
        return out
    }

    public static func summary(_ diagnostics: [Diagnostic], style: Style) -> String {
        let errors = diagnostics.errorCount, warnings = diagnostics.count - errors
        if errors == 0 { return style.green("valid") + (warnings > 0 ? " (\(warnings) warning\(warnings == 1 ? "" : "s"))" : "") + "\n" }
        return style.red("\(errors) error\(errors == 1 ? "" : "s")") + (warnings > 0 ? ", \(warnings) warning\(warnings == 1 ? "" : "s")" : "") + "\n"
    }

    public static func json(_ d: Diagnostic) -> JSONValue {
        var o = JSONObject()
        o["severity"] = .string(d.severity.rawValue)
        o["code"] = .string(d.code)
        o["message"] = .string(d.message)
        o["path"] = d.location.map { .string($0.path) } ?? .null
        o["line"] = d.location.map { .int(Int64($0.line)) } ?? .null
        o["column"] = d.location.map { .int(Int64($0.column)) } ?? .null
        o["hint"] = d.hint.map { .string($0) } ?? .null
        o["notes"] = .array(d.notes.map { note in
            [
                "message": .string(note.message),
                "path": note.location.map { .string($0.path) } ?? .null,
                "line": note.location.map { .int(Int64($0.line)) } ?? .null,
                "column": note.location.map { .int(Int64($0.column)) } ?? .null,
            ]
        })
        o["cause"] = d.cause.map { cause in
            [
                "code": .string(cause.code),
                "path": cause.location.map { .string($0.path) } ?? .null,
                "line": cause.location.map { .int(Int64($0.line)) } ?? .null,
                "column": cause.location.map { .int(Int64($0.column)) } ?? .null,
            ]
        } ?? .null
        return .object(o)
    }

    /// The document `fairway validate --output json` prints.
    public static func validationJSON(_ diagnostics: [Diagnostic], revision: String) -> JSONValue {
        [
            "formatVersion": 1,
            "valid": .bool(!diagnostics.hasErrors),
            "revision": .string(revision),
            "errorCount": .int(Int64(diagnostics.errorCount)),
            "warningCount": .int(Int64(diagnostics.count - diagnostics.errorCount)),
            "diagnostics": .array(diagnostics.map(json)),
        ]
    }
}
