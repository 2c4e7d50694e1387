/// A JSON value whose objects keep their keys in insertion order.
///
/// This is the tree every Kubernetes object, Helm value and saved state is made of. Equality of
/// objects ignores key order (two objects are equal when they hold the same keys with equal values);
/// integers and doubles that hold the same number are equal.
public enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)

    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case let (.bool(a), .bool(b)): return a == b
        case let (.int(a), .int(b)): return a == b
        case let (.double(a), .double(b)): return a == b
        case let (.int(a), .double(b)), let (.double(b), .int(a)): return Double(a) == b
        case let (.string(a), .string(b)): return a == b
        case let (.array(a), .array(b)): return a == b
        case let (.object(a), .object(b)): return a == b
        default: return false
        }
    }

    public func hash(into hasher: inout Hasher) {
        switch self {
        case .null: hasher.combine(0)
        case let .bool(b): hasher.combine(b)
        case let .int(i): hasher.combine(Double(i))
        case let .double(d): hasher.combine(d)
        case let .string(s): hasher.combine(s)
        case let .array(a): hasher.combine(a)
        case let .object(o): hasher.combine(o)
        }
    }

    /// The object's members, or nil when this is not an object.
    public var objectValue: JSONObject? {
        if case let .object(o) = self { return o }
        return nil
    }

    public var arrayValue: [JSONValue]? {
        if case let .array(a) = self { return a }
        return nil
    }

    public var stringValue: String? {
        if case let .string(s) = self { return s }
        return nil
    }

    /// A whole number, whether written as a number or as a numeric string (`helm list` prints
    /// revisions as `"2"`; Kubernetes counts are numbers).
    public var intValue: Int? {
        switch self {
        case let .int(number): Int(exactly: number)
        case let .double(number): Int(exactly: number)
        case let .string(text): Int(text)
        default: nil
        }
    }

    /// A number, whole or not.
    public var doubleValue: Double? {
        switch self {
        case let .int(number): Double(number)
        case let .double(number): number
        default: nil
        }
    }

    /// The member at `key` when this is an object.
    public subscript(key: String) -> JSONValue? {
        objectValue?[key]
    }

    /// The value at a path of object keys, or nil where the path leaves the tree.
    public func value(at path: [String]) -> JSONValue? {
        var current: JSONValue = self
        for key in path {
            guard let next = current[key] else { return nil }
            current = next
        }
        return current
    }
}

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int64) { self = .int(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    public init(nilLiteral: ()) { self = .null }
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(JSONObject(elements))
    }
}

extension JSONValue {
    /// Whether both values are the same stored container, not merely equal: a copy of a body shares
    /// its storage until either copy is changed, so identity implies equality (while both are alive)
    /// and costs nothing to check. False for scalars, which have no storage.
    public func isIdentical(to other: JSONValue) -> Bool {
        switch (self, other) {
        case let (.object(a), .object(b)): return a.isIdentical(to: b)
        case let (.array(a), .array(b)):
            return a.count == b.count && a.withUnsafeBufferPointer { x in b.withUnsafeBufferPointer { x.baseAddress == $0.baseAddress } }
        default: return false
        }
    }
}
