import CYAML

/// Turns a stream of libyaml events into node trees, resolving aliases within a budget and
/// noting duplicate keys.
struct TreeBuilder {
    /// A collection under construction; mutated in place on the stack so appends never copy.
    private struct Frame {
        var isMapping: Bool
        var mark: YAMLMark
        var tag: String?
        var anchor: String?
        var items: [YAMLNode] = []
        var pairs: [YAMLPair] = []
        var pendingKey: YAMLNode?
        var keys: Set<String> = []
        var size = 1
    }

    let limits: YAMLLimits
    private var stack: [Frame] = []
    private var anchors: [String: (node: YAMLNode, size: Int)] = [:]
    private var aliasExpansion = 0
    private(set) var documents: [YAMLNode] = []
    private(set) var documentMarks: [YAMLMark] = []
    private(set) var problems: [YAMLError] = []
    private(set) var tags: [YAMLError] = []

    init(limits: YAMLLimits) { self.limits = limits }

    mutating func handle(_ event: yaml_event_t) throws(YAMLError) {
        let mark = YAMLMark(line: Int(event.start_mark.line) + 1, column: Int(event.start_mark.column) + 1)
        noteTag(of: event, at: mark)
        switch event.type {
        case YAML_DOCUMENT_START_EVENT:
            documentMarks.append(mark)
            anchors.removeAll()
        case YAML_SCALAR_EVENT:
            let s = event.data.scalar
            let value = String(decoding: UnsafeBufferPointer(start: s.value, count: s.length), as: UTF8.self)
            let style: YAMLScalarStyle
            switch s.style {
            case YAML_SINGLE_QUOTED_SCALAR_STYLE: style = .singleQuoted
            case YAML_DOUBLE_QUOTED_SCALAR_STYLE: style = .doubleQuoted
            case YAML_LITERAL_SCALAR_STYLE: style = .literal
            case YAML_FOLDED_SCALAR_STYLE: style = .folded
            default: style = .plain
            }
            let node = YAMLNode(.scalar(value, style), mark: mark, tag: Self.string(s.tag))
            try complete(node, size: 1, anchor: Self.string(s.anchor))
        case YAML_ALIAS_EVENT:
            let name = Self.string(event.data.alias.anchor) ?? ""
            guard let anchored = anchors[name] else {
                throw YAMLError(.unknownAnchor, "alias *\(name) refers to no anchor", at: mark)
            }
            aliasExpansion += anchored.size
            guard aliasExpansion <= limits.maxAliasExpansion else {
                throw YAMLError(.aliasBudget,
                                "aliases expand to more than \(limits.maxAliasExpansion) nodes", at: mark,
                                hint: "this looks like an alias bomb; write the values out instead of nesting aliases")
            }
            var node = anchored.node
            node.mark = mark
            try complete(node, size: anchored.size, anchor: nil)
        case YAML_SEQUENCE_START_EVENT:
            try push(Frame(isMapping: false, mark: mark, tag: Self.string(event.data.sequence_start.tag),
                           anchor: Self.string(event.data.sequence_start.anchor)))
        case YAML_MAPPING_START_EVENT:
            try push(Frame(isMapping: true, mark: mark, tag: Self.string(event.data.mapping_start.tag),
                           anchor: Self.string(event.data.mapping_start.anchor)))
        case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
            guard let frame = stack.popLast() else { return }
            let content: YAMLNode.Content = frame.isMapping ? .mapping(Self.exact(frame.pairs)) : .sequence(Self.exact(frame.items))
            try complete(YAMLNode(content, mark: frame.mark, tag: frame.tag), size: frame.size, anchor: frame.anchor)
        default:
            break
        }
    }

    /// Records an explicit tag: libyaml reports one only when the text carries it (`!!binary`, `!Ref`),
    /// never for plain, untagged values.
    private mutating func noteTag(of event: yaml_event_t, at mark: YAMLMark) {
        let pointer: UnsafeMutablePointer<yaml_char_t>?
        switch event.type {
        case YAML_SCALAR_EVENT: pointer = event.data.scalar.tag
        case YAML_SEQUENCE_START_EVENT: pointer = event.data.sequence_start.tag
        case YAML_MAPPING_START_EVENT: pointer = event.data.mapping_start.tag
        default: return
        }
        guard let tag = Self.string(pointer) else { return }
        let shown = tag.hasPrefix("tag:yaml.org,2002:") ? "!!" + tag.dropFirst("tag:yaml.org,2002:".count) : tag
        tags.append(YAMLError(.tag, "YAML tag `\(shown)` is not supported", at: mark,
                              hint: "remove the tag: values are plain YAML (quote a value to make it a string); tags such as !Ref belong to other tools"))
    }

    private mutating func push(_ frame: Frame) throws(YAMLError) {
        guard stack.count < limits.maxDepth else {
            throw YAMLError(.tooDeep, "nesting deeper than \(limits.maxDepth) levels", at: frame.mark)
        }
        stack.append(frame)
    }

    private mutating func complete(_ node: YAMLNode, size: Int, anchor: String?) throws(YAMLError) {
        if let anchor { anchors[anchor] = (node, size) }
        let top = stack.count - 1
        guard top >= 0 else {
            documents.append(node)
            return
        }
        stack[top].size += size
        guard stack[top].isMapping else {
            stack[top].items.append(node)
            return
        }
        guard let key = stack[top].pendingKey else {
            stack[top].pendingKey = node
            return
        }
        stack[top].pendingKey = nil
        if let text = key.scalar {
            guard stack[top].keys.insert(text).inserted else {
                problems.append(YAMLError(.duplicateKey, "duplicate key '\(text)'", at: key.mark,
                                          hint: "each key may appear once in a mapping; remove or merge this one"))
                return
            }
        }
        stack[top].pairs.append(YAMLPair(key: key, value: node))
    }

    /// The elements in storage of their own size: appends leave up to half an array's capacity
    /// unused, and trees are kept (a parse cache holds every file's).
    private static func exact<Element>(_ elements: [Element]) -> [Element] {
        elements.withUnsafeBufferPointer { Array($0) }
    }

    private static func string(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        guard let pointer else { return nil }
        return String(cString: pointer)
    }
}
