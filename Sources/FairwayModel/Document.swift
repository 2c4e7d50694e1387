import FairwayCore
import FairwayYAML

/// One step of a path into a document: a mapping key or a list index.
public enum PathComponent: Hashable, Sendable, ExpressibleByStringLiteral, ExpressibleByIntegerLiteral {
    case key(String)
    case index(Int)

    public init(stringLiteral value: String) { self = .key(value) }
    public init(integerLiteral value: Int) { self = .index(value) }
}

/// A decoded platform document: its file, kind, name and typed spec, plus the YAML tree it came
/// from so that any later check can point at the exact line of the field it is about.
public struct Document<Spec: Sendable>: Sendable {
    public let path: String
    public let kind: Kind
    public let name: String
    public let spec: Spec
    /// The Git blob the document was read from, when it came from Git: same blob and path, same document.
    public let blobID: String?
    let root: YAMLNode

    init(path: String, kind: Kind, name: String, spec: Spec, root: YAMLNode, blobID: String? = nil) {
        self.path = path
        self.kind = kind
        self.name = name
        self.spec = spec
        self.root = root
        self.blobID = blobID
    }

    /// Where the node at `components` starts; when the path leaves the tree, the deepest node that
    /// exists (so a missing field points at its parent).
    public func location(_ components: PathComponent...) -> SourceLocation {
        location(components)
    }

    public func location(_ components: [PathComponent]) -> SourceLocation {
        var node = root
        for component in components {
            switch component {
            case let .key(key):
                guard let pair = node.pairs?.first(where: { $0.key.scalar == key }) else { return mark(node) }
                node = pair.value
            case let .index(index):
                guard let items = node.items, items.indices.contains(index) else { return mark(node) }
                node = items[index]
            }
        }
        return mark(node)
    }

    /// Where the key (not the value) at `components` starts: the place to point at for a whole entry.
    public func keyLocation(_ components: PathComponent...) -> SourceLocation {
        keyLocation(components)
    }

    public func keyLocation(_ components: [PathComponent]) -> SourceLocation {
        guard case let .key(last)? = components.last else { return location(components) }
        var parentPath = components
        parentPath.removeLast()
        var node = root
        for component in parentPath {
            switch component {
            case let .key(key):
                guard let value = node[key] else { return mark(node) }
                node = value
            case let .index(index):
                guard let items = node.items, items.indices.contains(index) else { return mark(node) }
                node = items[index]
            }
        }
        guard let pair = node.pairs?.first(where: { $0.key.scalar == last }) else { return mark(node) }
        return mark(pair.key)
    }

    private func mark(_ node: YAMLNode) -> SourceLocation {
        SourceLocation(path: path, line: node.mark.line, column: node.mark.column)
    }
}

/// A Ray workload with the tenant named by its directory.
public struct RayWorkload: Sendable {
    public var tenant: String
    public var document: Document<RayWorkloadSpec>

    public var spec: RayWorkloadSpec { document.spec }
    public var name: String { document.name }
    public var kind: Kind { document.kind }
}

/// A document's identity, known even when its spec failed to decode, so that checks across
/// documents do not pile further errors onto one mistake.
public struct DocumentHeader: Sendable, Hashable {
    public var path: String
    public var kind: Kind
    public var name: String
}
