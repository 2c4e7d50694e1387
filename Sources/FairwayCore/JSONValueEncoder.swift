/// Encodes an `Encodable` value into a `JSONValue`, keeping object members in the order they were
/// encoded: a document type's `encode(to:)` decides the order its JSON is written in (Foundation's
/// encoder orders members by hash or by name). Integers become `.int`, floating-point numbers
/// `.double`; a non-finite number is an error, as JSON has none. An absent optional member (what a
/// synthesized `encode(to:)` passes to `encodeIfPresent`) is written as `null`, the way Fairway's
/// documents spell "none", unless `absentMembers` is `.omitted`.
public struct JSONValueEncoder: Sendable {
    public enum AbsentMembers: Sendable { case null, omitted }

    public var absentMembers: AbsentMembers

    public init(absentMembers: AbsentMembers = .null) { self.absentMembers = absentMembers }

    public func encode<T: Encodable>(_ value: T) throws -> JSONValue {
        let node = EncodingNode()
        try value.encode(to: ValueEncoder(node: node, codingPath: [], nullForAbsent: absentMembers == .null))
        return node.value
    }

    /// A document Fairway writes: strings, integers, booleans, JSON values and measured (finite)
    /// seconds, which cannot fail to encode; should one hold a non-finite number, `fallback`.
    public static func document<T: Encodable>(_ value: T, fallback: JSONValue = .null) -> JSONValue {
        (try? JSONValueEncoder().encode(value)) ?? fallback
    }
}

extension KeyedEncodingContainer {
    /// Writes the member only when it has a value, whatever the encoder does with absent members.
    public mutating func encodeWhenPresent<T: Encodable>(_ value: T?, forKey key: Key) throws {
        if let value { try encode(value, forKey: key) }
    }
}

/// A value being built: a leaf, an object whose members arrive in order, or an array.
final class EncodingNode {
    enum Content {
        case unset
        case leaf(JSONValue)
        case object([(key: String, node: EncodingNode)], [String: Int])
        case array([EncodingNode])
    }

    var content = Content.unset

    var value: JSONValue {
        switch content {
        case .unset: return .object(JSONObject())
        case let .leaf(value): return value
        case let .object(members, _): return .object(JSONObject(members.map { ($0.key, $0.node.value) }))
        case let .array(items): return .array(items.map(\.value))
        }
    }

    /// The member `key` of this object, made (or made empty again) for a new value.
    func member(_ key: String) -> EncodingNode {
        var (members, index) = objectParts
        let node = EncodingNode()
        if let position = index[key] {
            members[position].node = node
        } else {
            index[key] = members.count
            members.append((key, node))
        }
        content = .object(members, index)
        return node
    }

    /// A member that keeps what it holds (for nested containers asked for twice).
    func existingMember(_ key: String) -> EncodingNode {
        let (members, index) = objectParts
        if let position = index[key] { return members[position].node }
        return member(key)
    }

    func appended() -> EncodingNode {
        var items: [EncodingNode] = []
        if case let .array(existing) = content { items = existing }
        let node = EncodingNode()
        items.append(node)
        content = .array(items)
        return node
    }

    var count: Int {
        switch content {
        case let .array(items): items.count
        case let .object(members, _): members.count
        default: 0
        }
    }

    func becomeObject() { if case .object = content {} else { content = .object([], [:]) } }
    func becomeArray() { if case .array = content {} else { content = .array([]) } }

    private var objectParts: ([(key: String, node: EncodingNode)], [String: Int]) {
        if case let .object(members, index) = content { return (members, index) }
        return ([], [:])
    }
}

/// A coding key for any member name or list position.
struct JSONCodingKey: CodingKey {
    var stringValue: String
    var intValue: Int?
    init(stringValue: String) { self.stringValue = stringValue }
    init(intValue: Int) {
        stringValue = String(intValue)
        self.intValue = intValue
    }
}

struct ValueEncoder: Encoder {
    let node: EncodingNode
    let codingPath: [any CodingKey]
    let nullForAbsent: Bool
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        node.becomeObject()
        return KeyedEncodingContainer(KeyedValueEncoder<Key>(node: node, codingPath: codingPath, nullForAbsent: nullForAbsent))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        node.becomeArray()
        return UnkeyedValueEncoder(node: node, codingPath: codingPath, nullForAbsent: nullForAbsent)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer { SingleValueEncoder(node: node, codingPath: codingPath, nullForAbsent: nullForAbsent) }
}

/// Leaves for the standard library's scalar types; everything else encodes itself.
func encodeLeaf<T: Encodable>(_ value: T, into node: EncodingNode, codingPath: [any CodingKey], nullForAbsent: Bool) throws {
    func finite(_ number: Double) throws -> JSONValue {
        guard number.isFinite else {
            throw EncodingError.invalidValue(number, .init(codingPath: codingPath, debugDescription: "JSON has no \(number)"))
        }
        return .double(number)
    }
    switch value {
    case let v as JSONValue: node.content = .leaf(v)
    case let v as String: node.content = .leaf(.string(v))
    case let v as Bool: node.content = .leaf(.bool(v))
    case let v as Int: node.content = .leaf(.int(Int64(v)))
    case let v as Int64: node.content = .leaf(.int(v))
    case let v as Int32: node.content = .leaf(.int(Int64(v)))
    case let v as UInt32: node.content = .leaf(.int(Int64(v)))
    case let v as UInt64:
        guard let exact = Int64(exactly: v) else { node.content = .leaf(try finite(Double(v))); return }
        node.content = .leaf(.int(exact))
    case let v as Double: node.content = .leaf(try finite(v))
    case let v as Float: node.content = .leaf(try finite(Double(v)))
    default: try value.encode(to: ValueEncoder(node: node, codingPath: codingPath, nullForAbsent: nullForAbsent))
    }
}

struct KeyedValueEncoder<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let node: EncodingNode
    let codingPath: [any CodingKey]
    let nullForAbsent: Bool

    mutating func encodeNil(forKey key: Key) throws { node.member(key.stringValue).content = .leaf(.null) }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        try encodeLeaf(value, into: node.member(key.stringValue), codingPath: codingPath + [key], nullForAbsent: nullForAbsent)
    }

    private mutating func present<T: Encodable>(_ value: T?, _ key: Key) throws {
        if let value { try encode(value, forKey: key) } else if nullForAbsent { try encodeNil(forKey: key) }
    }

    // Every overload, since a synthesized `encode(to:)` calls the one of the member's type.
    mutating func encodeIfPresent<T: Encodable>(_ value: T?, forKey key: Key) throws { try present(value, key) }
    mutating func encodeIfPresent(_ value: String?, forKey key: Key) throws { try present(value, key) }
    mutating func encodeIfPresent(_ value: Bool?, forKey key: Key) throws { try present(value, key) }
    mutating func encodeIfPresent(_ value: Double?, forKey key: Key) throws { try present(value, key) }
    mutating func encodeIfPresent(_ value: Float?, forKey key: Key) throws { try present(value, key) }
    mutating func encodeIfPresent(_ value: Int?, forKey key: Key) throws { try present(value, key) }
    mutating func encodeIfPresent(_ value: Int8?, forKey key: Key) throws { try present(value, key) }
    mutating func encodeIfPresent(_ value: Int16?, forKey key: Key) throws { try present(value, key) }
    mutating func encodeIfPresent(_ value: Int32?, forKey key: Key) throws { try present(value, key) }
    mutating func encodeIfPresent(_ value: Int64?, forKey key: Key) throws { try present(value, key) }
    mutating func encodeIfPresent(_ value: UInt?, forKey key: Key) throws { try present(value, key) }
    mutating func encodeIfPresent(_ value: UInt8?, forKey key: Key) throws { try present(value, key) }
    mutating func encodeIfPresent(_ value: UInt16?, forKey key: Key) throws { try present(value, key) }
    mutating func encodeIfPresent(_ value: UInt32?, forKey key: Key) throws { try present(value, key) }
    mutating func encodeIfPresent(_ value: UInt64?, forKey key: Key) throws { try present(value, key) }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        let child = node.existingMember(key.stringValue)
        child.becomeObject()
        return KeyedEncodingContainer(KeyedValueEncoder<NestedKey>(node: child, codingPath: codingPath + [key], nullForAbsent: nullForAbsent))
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        let child = node.existingMember(key.stringValue)
        child.becomeArray()
        return UnkeyedValueEncoder(node: child, codingPath: codingPath + [key], nullForAbsent: nullForAbsent)
    }

    mutating func superEncoder() -> any Encoder {
        ValueEncoder(node: node.member("super"), codingPath: codingPath + [JSONCodingKey(stringValue: "super")], nullForAbsent: nullForAbsent)
    }

    mutating func superEncoder(forKey key: Key) -> any Encoder {
        ValueEncoder(node: node.member(key.stringValue), codingPath: codingPath + [key], nullForAbsent: nullForAbsent)
    }
}

struct UnkeyedValueEncoder: UnkeyedEncodingContainer {
    let node: EncodingNode
    let codingPath: [any CodingKey]
    let nullForAbsent: Bool
    var count: Int { node.count }

    private var nextKey: JSONCodingKey { JSONCodingKey(intValue: node.count) }

    mutating func encodeNil() throws { node.appended().content = .leaf(.null) }

    mutating func encode<T: Encodable>(_ value: T) throws {
        let path = codingPath + [nextKey]
        try encodeLeaf(value, into: node.appended(), codingPath: path, nullForAbsent: nullForAbsent)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        let path = codingPath + [nextKey]
        let child = node.appended()
        child.becomeObject()
        return KeyedEncodingContainer(KeyedValueEncoder<NestedKey>(node: child, codingPath: path, nullForAbsent: nullForAbsent))
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let path = codingPath + [nextKey]
        let child = node.appended()
        child.becomeArray()
        return UnkeyedValueEncoder(node: child, codingPath: path, nullForAbsent: nullForAbsent)
    }

    mutating func superEncoder() -> any Encoder {
        let path = codingPath + [nextKey]
        return ValueEncoder(node: node.appended(), codingPath: path, nullForAbsent: nullForAbsent)
    }
}

struct SingleValueEncoder: SingleValueEncodingContainer {
    let node: EncodingNode
    let codingPath: [any CodingKey]
    let nullForAbsent: Bool

    mutating func encodeNil() throws { node.content = .leaf(.null) }
    mutating func encode<T: Encodable>(_ value: T) throws {
        try encodeLeaf(value, into: node, codingPath: codingPath, nullForAbsent: nullForAbsent)
    }
}
