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

    /// Escapes a workflow command's message over Unicode scalars: Swift's `Character` joins CR LF
    /// into one grapheme, so a character-level switch would let `"\r\n"` through unescaped and
    /// the rest of the text start a command line of its own.
    static func escapeData(_ s: String) -> String {
        var out = String.UnicodeScalarView()
        for scalar in s.unicodeScalars {
            switch scalar {
            case "%": out.append(contentsOf: "%25".unicodeScalars)
            case "\r": out.append(contentsOf: "%0D".unicodeScalars)
            case "\n": out.append(contentsOf: "%0A".unicodeScalars)
            default: out.append(scalar)
            }
        }
        return String(out)
    }

    /// Escapes a property value (file, title): the message escapes plus `:` and `,`.
    static func escapeProperty(_ s: String) -> String {
        var out = String.UnicodeScalarView()
        for scalar in escapeData(s).unicodeScalars {
            switch scalar {
            case ":": out.append(contentsOf: "%3A".unicodeScalars)
            case ",": out.append(contentsOf: "%2C".unicodeScalars)
            default: out.append(scalar)
            }
        }
        return String(out)
    }
}
