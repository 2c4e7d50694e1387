import FairwayCore

/// GitHub Actions workflow commands: one annotation per diagnostic at its file and line, so problems
/// show on the pull request's diff.
public enum GitHubAnnotations {
    public static func render(_ diagnostics: [Diagnostic], pathPrefix: String = "") -> String {
        diagnostics.map { d in
            var properties: [String] = []
            if let location = d.location {
                properties.append("file=\(escapeProperty(pathPrefix + location.path))")
                properties.append("line=\(location.line)")
                properties.append("col=\(location.column)")
            }
            properties.append("title=\(escapeProperty("fairway \(d.code)"))")
            var message = d.message
            for note in d.notes { message += "\n\(note)" }
            if let hint = d.hint { message += "\nhint: \(hint)" }
            let command = d.severity == .error ? "error" : "warning"
            return "::\(command) \(properties.joined(separator: ","))::\(escapeData(message))\n"
        }.joined()
    }

    /// A notice line (for summaries).
    public static func notice(_ text: String) -> String { "::notice title=fairway::\(escapeData(text))\n" }

    static func escapeData(_ s: String) -> String {
        var out = ""
        for c in s {
            switch c {
            case "%": out += "%25"
            case "\r": out += "%0D"
            case "\n": out += "%0A"
            default: out.append(c)
            }
        }
        return out
    }

    static func escapeProperty(_ s: String) -> String {
        var out = ""
        for c in escapeData(s) {
            switch c {
            case ":": out += "%3A"
            case ",": out += "%2C"
            default: out.append(c)
            }
        }
        return out
    }
}
