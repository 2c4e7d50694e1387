/// FairwayYAML reads YAML through libyaml's event API into a lean tree of positioned nodes, and
/// writes YAML through libyaml's emitter. It owns YAML syntax only: strictness about what a document
/// may contain (duplicate keys, several documents, alias expansion, size) is enforced here; what the
/// fields mean belongs to FairwayModel.

/// A 1-based position in a YAML file. Stored in 32 bits each (files are at most a few MiB), since
/// every node of a parsed tree carries one.
public struct YAMLMark: Sendable, Hashable {
    private var storedLine: Int32
    private var storedColumn: Int32

    public var line: Int {
        get { Int(storedLine) }
        set { storedLine = Int32(clamping: newValue) }
    }

    public var column: Int {
        get { Int(storedColumn) }
        set { storedColumn = Int32(clamping: newValue) }
    }

    public init(line: Int, column: Int) {
        storedLine = Int32(clamping: line)
        storedColumn = Int32(clamping: column)
    }
}

/// How a scalar was written; plain scalars are the only ones resolved to numbers, booleans or null.
public enum YAMLScalarStyle: Sendable, Hashable {
    case plain, singleQuoted, doubleQuoted, literal, folded
}

/// One node of a parsed YAML document with the position where it starts.
public struct YAMLNode: Sendable {
    /// Held inline rather than `indirect`: collections already live in their arrays' storage, and a
    /// box per node would be one more allocation for each node a parse cache keeps.
    public enum Content: Sendable {
        case scalar(String, YAMLScalarStyle)
        case sequence([YAMLNode])
        case mapping([YAMLPair])
    }

    public var content: Content
    public var mark: YAMLMark
    public var tag: String?

    public init(_ content: Content, mark: YAMLMark, tag: String? = nil) {
        self.content = content
        self.mark = mark
        self.tag = tag
    }

    /// The scalar's text, or nil for collections.
    public var scalar: String? {
        if case let .scalar(s, _) = content { return s }
        return nil
    }

    public var isPlainScalar: Bool {
        if case .scalar(_, .plain) = content { return true }
        return false
    }

    public var pairs: [YAMLPair]? {
        if case let .mapping(p) = content { return p }
        return nil
    }

    public var items: [YAMLNode]? {
        if case let .sequence(i) = content { return i }
        return nil
    }

    /// True for a plain `null`, `~` or empty scalar (YAML 1.2 core schema).
    public var isNull: Bool {
        if case let .scalar(s, .plain) = content, tag == nil { return s.isEmpty || s == "~" || s == "null" || s == "Null" || s == "NULL" }
        return false
    }

    /// The value for a scalar key in a mapping.
    public subscript(key: String) -> YAMLNode? {
        pairs?.first { $0.key.scalar == key }?.value
    }

    /// A short human name for the node's kind, for messages ("a mapping", "a list", "a string").
    public var kindDescription: String {
        switch content {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case let .scalar(s, style):
            if style != .plain { return "a string" }
            if isNull { return "null" }
            if YAMLCoreSchema.bool(s) != nil { return "a boolean" }
            if YAMLCoreSchema.int(s) != nil { return "an integer" }
            if YAMLCoreSchema.double(s) != nil { return "a number" }
            return "a string"
        }
    }
}

/// A key and its value in a mapping.
public struct YAMLPair: Sendable {
    public var key: YAMLNode
    public var value: YAMLNode

    public init(key: YAMLNode, value: YAMLNode) {
        self.key = key
        self.value = value
    }
}
