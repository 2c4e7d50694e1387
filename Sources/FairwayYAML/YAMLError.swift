/// A YAML problem at a position. `code` is a stable slug used in diagnostics.
public struct YAMLError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Code: String, Sendable {
        case syntax = "yaml-syntax"
        case tabIndentation = "tab-indentation"
        case encoding = "not-utf8"
        case duplicateKey = "duplicate-key"
        case aliasBudget = "alias-expansion"
        case tooDeep = "nesting-too-deep"
        case tooLarge = "file-too-large"
        case unknownAnchor = "unknown-anchor"
        case controlCharacter = "control-character"
        case nbspIndentation = "nbsp-indentation"
        case tag = "yaml-tag"
    }

    public var code: Code
    public var message: String
    public var mark: YAMLMark
    public var hint: String?

    public init(_ code: Code, _ message: String, at mark: YAMLMark, hint: String? = nil) {
        self.code = code
        self.message = message
        self.mark = mark
        self.hint = hint
    }

    public var description: String { "\(mark.line):\(mark.column): \(message)" }
}

/// Bounds that keep hostile input from exhausting memory or time.
public struct YAMLLimits: Sendable {
    /// Largest input accepted, in bytes.
    public var maxBytes: Int
    /// Most nodes that aliases may add to a stream by expansion (the "billion laughs" guard).
    public var maxAliasExpansion: Int
    /// Deepest nesting of collections accepted.
    public var maxDepth: Int

    public init(maxBytes: Int = 1 << 20, maxAliasExpansion: Int = 10_000, maxDepth: Int = 100) {
        self.maxBytes = maxBytes
        self.maxAliasExpansion = maxAliasExpansion
        self.maxDepth = maxDepth
    }

    public static let `default` = YAMLLimits()
}

/// What parsing a YAML stream produced: its documents and the non-fatal problems found on the way
/// (duplicate keys are reported here so that every one in a file is listed, not only the first).
public struct YAMLStream: Sendable {
    public var documents: [YAMLNode]
    /// Where each document started (the `---` line, or the first content).
    public var documentMarks: [YAMLMark]
    public var problems: [YAMLError]
    /// Each explicit tag (`!!binary`, `!Ref`, `!!str`) with where it was written. Not a problem of
    /// YAML itself: a reader that gives tags no meaning refuses them rather than drop them silently.
    public var tags: [YAMLError] = []
}
