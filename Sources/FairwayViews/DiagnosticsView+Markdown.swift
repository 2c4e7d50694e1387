import FairwayCore

/// Diagnostics in a pull-request comment or job summary: a table of every one (GitHub shows a
/// workflow annotation only on files the pull request changes, so the table is where the others
/// are read), root causes first, and the comment written for a revision that does not validate.
extension DiagnosticsView {
    /// One row per diagnostic (file:line, severity, code, message with its hint and what it follows
    /// from), root causes first; nothing when there are none.
    public static func markdownTable(_ diagnostics: [Diagnostic]) -> String {
        guard !diagnostics.isEmpty else { return "" }
        var out = "| where | severity | code | message |\n|---|---|---|---|\n"
        for d in rootCausesFirst(diagnostics) {
            let place = d.location.map { "`\($0.path):\($0.line)`" } ?? "-"
            var message = Markdown.escape(d.message)
            if let cause = d.cause { message += "<br>follows from `\(cause.code)`" + (cause.location.map { " at `\($0.path):\($0.line)`" } ?? "") }
            if let hint = d.hint { message += "<br>hint: \(Markdown.escape(hint))" }
            out += "| \(place) | \(d.severity.rawValue) | `\(d.code)` | \(message) |\n"
        }
        return out + "\n"
    }

    /// The comment for a revision that does not validate: what was not compared and why, and every
    /// diagnostic in a table, the root cause first.
    public static func invalidMarkdown(title: String, revision: String, diagnostics: [Diagnostic],
                                       subject: String = "The head", consequence: String = "Nothing was compared") -> String {
        let errors = diagnostics.errorCount, warnings = diagnostics.count - errors
        var out = "## \(title)\n\n"
        out += "> [!CAUTION]\n> \(subject) `\(revision.prefix(12))` does not validate: **\(errors) error\(errors == 1 ? "" : "s")**"
        if warnings > 0 { out += ", \(warnings) warning\(warnings == 1 ? "" : "s")" }
        out += ". \(consequence); fix these first.\n\n"
        return out + markdownTable(diagnostics)
    }

    /// The comment for a revision that could not be read at all (a fetch failed, a ref names nothing).
    public static func unreadableMarkdown(title: String, error: String) -> String {
        "## \(title)\n\n> [!CAUTION]\n> Nothing was compared: \(Markdown.escape(error))\n"
    }

    /// Errors before warnings, and within each, root causes before what follows from them; otherwise
    /// in the order given.
    static func rootCausesFirst(_ diagnostics: [Diagnostic]) -> [Diagnostic] {
        func rank(_ d: Diagnostic) -> Int { (d.severity == .error ? 0 : 2) + (d.cause == nil ? 0 : 1) }
        return diagnostics.enumerated().sorted { (rank($0.element), $0.offset) < (rank($1.element), $1.offset) }.map(\.element)
    }
}
