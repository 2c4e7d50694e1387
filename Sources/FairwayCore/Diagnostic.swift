/// A place in a platform repository file: path relative to the repository root, 1-based line and column.
public struct SourceLocation: Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
    public var path: String
    public var line: Int
    public var column: Int

    public init(path: String, line: Int, column: Int) {
        self.path = path
        self.line = line
        self.column = column
    }

    public var description: String { "\(path):\(line):\(column)" }

    public static func < (a: SourceLocation, b: SourceLocation) -> Bool {
        (a.path, a.line, a.column) < (b.path, b.line, b.column)
    }
}

/// One problem found in the platform repository, printed the way compilers print them:
/// `path:line:column: error[code]: message`, then an optional `hint:` line.
///
/// `code` is a short, stable, value-free slug (`unknown-field`, `duplicate-key`) usable as a metric
/// label and documented in the README. A warning does not make validation fail; an error does.
public struct Diagnostic: Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
    public enum Severity: String, Sendable, Codable, Comparable {
        case error
        case warning

        public static func < (a: Severity, b: Severity) -> Bool { a == .error && b == .warning }
    }

    /// A related place that explains the problem (for example one statement of a conflict).
    public struct Note: Sendable, Hashable, Codable, CustomStringConvertible {
        public var location: SourceLocation?
        public var message: String

        public init(_ message: String, at location: SourceLocation?) {
            self.message = message
            self.location = location
        }

        public var description: String { location.map { "\($0): \(message)" } ?? message }
    }

    /// The root cause a diagnostic follows from: its code and where it was reported.
    public struct Cause: Sendable, Hashable, Codable, CustomStringConvertible {
        public var code: String
        public var location: SourceLocation?

        public init(code: String, at location: SourceLocation?) {
            self.code = code
            self.location = location
        }

        public var description: String { location.map { "\(code) at \($0)" } ?? code }
    }

    public var severity: Severity
    public var code: String
    public var message: String
    public var location: SourceLocation?
    public var hint: String?
    public var notes: [Note]
    /// Set on a consequence of another problem (a workload that can never be admitted because its
    /// class is over-committed); nil for a root cause. Root causes sort first.
    public var cause: Cause?

    public init(_ severity: Severity = .error, code: String, _ message: String, at location: SourceLocation?,
                hint: String? = nil, notes: [Note] = []) {
        self.severity = severity
        self.code = code
        self.message = message
        self.location = location
        self.hint = hint
        self.notes = notes
    }

    public static func error(_ code: String, _ message: String, at location: SourceLocation?, hint: String? = nil,
                             notes: [Note] = []) -> Diagnostic
    {
        Diagnostic(.error, code: code, message, at: location, hint: hint, notes: notes)
    }

    public static func warning(_ code: String, _ message: String, at location: SourceLocation?, hint: String? = nil)
        -> Diagnostic
    {
        Diagnostic(.warning, code: code, message, at: location, hint: hint)
    }

    /// This diagnostic as a consequence of `root`: it names the root cause, in `cause` and in a note
    /// at the root's place.
    public func following(_ root: Diagnostic) -> Diagnostic {
        var copy = self
        copy.cause = Cause(code: root.code, at: root.location)
        copy.notes.insert(Note("follows from \(root.code): \(root.message)", at: root.location), at: 0)
        return copy
    }

    /// The compiler-style line, without colour, and the hint on its own line when there is one.
    public var description: String {
        var text = ""
        if let location { text += "\(location): " }
        text += "\(severity.rawValue)[\(code)]: \(message)"
        for note in notes { text += "\n  note: \(note)" }
        if let hint { text += "\n  hint: \(hint)" }
        return text
    }

    /// Root causes before their consequences, then by file, line, column and code, so output is
    /// stable and the problem to fix comes first.
    public static func < (a: Diagnostic, b: Diagnostic) -> Bool {
        if (a.cause == nil) != (b.cause == nil) { return a.cause == nil }
        switch (a.location, b.location) {
        case let (l?, r?) where l != r: return l < r
        case (nil, .some): return true
        case (.some, nil): return false
        default: return (a.code, a.message) < (b.code, b.message)
        }
    }
}

extension Array where Element == Diagnostic {
    public var hasErrors: Bool { contains { $0.severity == .error } }
    public var errorCount: Int { count(where: { $0.severity == .error }) }
}
