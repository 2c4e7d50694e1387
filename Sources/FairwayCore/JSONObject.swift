/// The members of a JSON object, in the order they were added.
///
/// Objects in Kubernetes manifests are small, so members live in one array and lookups scan it;
/// that keeps key order (for readable output) and memory low. Setting an existing key replaces its
/// value in place.
public struct JSONObject: Sendable, Hashable, Sequence {
    public private(set) var members: [(key: String, value: JSONValue)]

    public init() { members = [] }

    public init(_ members: [(String, JSONValue)]) {
        self.members = []
        self.members.reserveCapacity(members.count)
        for (k, v) in members { self[k] = v }
    }

    public var count: Int { members.count }
    public var isEmpty: Bool { members.isEmpty }
    public var keys: [String] { members.map(\.key) }

    /// Whether both objects share one storage (see `JSONValue.isIdentical(to:)`).
    public func isIdentical(to other: JSONObject) -> Bool {
        members.count == other.members.count
            && members.withUnsafeBufferPointer { x in other.members.withUnsafeBufferPointer { x.baseAddress == $0.baseAddress } }
    }

    public subscript(key: String) -> JSONValue? {
        get {
            for member in members where member.key == key { return member.value }
            return nil
        }
        set {
            if let index = members.firstIndex(where: { $0.key == key }) {
                if let newValue { members[index].value = newValue } else { members.remove(at: index) }
            } else if let newValue {
                members.append((key, newValue))
            }
        }
    }

    /// The same members with keys sorted by their UTF-8 bytes, recursively: the canonical form.
    public func sortedRecursively() -> JSONObject {
        var copy = JSONObject()
        copy.members = members
            .sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
            .map { ($0.key, $0.value.sortedRecursively()) }
        return copy
    }

    public func makeIterator() -> IndexingIterator<[(key: String, value: JSONValue)]> {
        members.makeIterator()
    }

    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        guard lhs.members.count == rhs.members.count else { return false }
        for member in lhs.members {
            guard let other = rhs[member.key], other == member.value else { return false }
        }
        return true
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(members.count)
        // Order-independent: combine a commutative sum of member hashes.
        var sum = 0
        for member in members {
            var h = Hasher()
            h.combine(member.key)
            h.combine(member.value)
            sum = sum &+ h.finalize()
        }
        hasher.combine(sum)
    }
}

extension JSONValue {
    /// This value in canonical form: object keys sorted at every level.
    public func sortedRecursively() -> JSONValue {
        switch self {
        case let .object(o): return .object(o.sortedRecursively())
        case let .array(a): return .array(a.map { $0.sortedRecursively() })
        default: return self
        }
    }
}

extension JSONObject: ExpressibleByArrayLiteral {
    /// Members in order: `[("apiVersion", "v1"), ("kind", "Namespace")]`.
    public init(arrayLiteral elements: (String, JSONValue)...) { self.init(elements) }
}
