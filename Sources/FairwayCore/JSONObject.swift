/// The members of a JSON object, in the order they were added.
///
/// Most objects in Kubernetes manifests are small: members live in one array and lookups scan it,
/// which keeps key order (for readable output) and memory low. Wide objects (free-form Helm values or
/// Ray runtime environments with thousands of keys) also get an index from key to position once
/// they pass `indexThreshold` members, so building, reading and comparing them stays linear. Setting
/// an existing key replaces its value in place.
public struct JSONObject: Sendable, Hashable, Sequence {
    public private(set) var members: [(key: String, value: JSONValue)]
    /// Position of each key, kept only for objects of more than `indexThreshold` members.
    private var index: [String: Int]?

    /// Members beyond which lookups go through an index rather than a scan.
    static let indexThreshold = 16

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

    private func position(of key: String) -> Int? {
        if let index { return index[key] }
        return members.firstIndex { $0.key == key }
    }

    public subscript(key: String) -> JSONValue? {
        get { position(of: key).map { members[$0].value } }
        set {
            if let position = position(of: key) {
                if let newValue {
                    members[position].value = newValue
                } else {
                    members.remove(at: position)
                    reindex()
                }
            } else if let newValue {
                members.append((key, newValue))
                if index != nil {
                    index![key] = members.count - 1
                } else if members.count > Self.indexThreshold {
                    reindex()
                }
            }
        }
    }

    private mutating func reindex() {
        guard members.count > Self.indexThreshold else {
            index = nil
            return
        }
        var positions: [String: Int] = [:]
        positions.reserveCapacity(members.count)
        for (position, member) in members.enumerated() { positions[member.key] = position }
        index = positions
    }

    /// The same members with keys sorted by their UTF-8 bytes, recursively: the canonical form.
    public func sortedRecursively() -> JSONObject {
        var copy = JSONObject()
        copy.members = members
            .sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
            .map { ($0.key, $0.value.sortedRecursively()) }
        copy.reindex()
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
