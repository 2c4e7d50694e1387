import FairwayCore
import FairwayYAML

/// Decodes `Decodable` model types from a YAML tree that `SchemaChecker` has already accepted.
///
/// Scalars decode by the field's Swift type (so `version: 1.30` stays the string "1.30"); `JSONValue`
/// fields take the subtree as JSON. Null and absent keys are both "absent".
struct YAMLNodeDecoder: Decoder {
    let node: YAMLNode
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    static func decode<T: Decodable>(_ type: T.Type, from node: YAMLNode) throws -> T {
        try YAMLNodeDecoder(node: node, codingPath: []).decodeValue(type)
    }

    func decodeValue<T: Decodable>(_ type: T.Type) throws -> T {
        if type == JSONValue.self { return node.jsonValue() as! T }
        return try T(from: self)
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard let pairs = node.pairs else {
            throw DecodingError.typeMismatch([String: Any].self, .init(codingPath: codingPath, debugDescription: "expected a mapping"))
        }
        return KeyedDecodingContainer(KeyedContainer<Key>(pairs: pairs, codingPath: codingPath))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard let items = node.items else {
            throw DecodingError.typeMismatch([Any].self, .init(codingPath: codingPath, debugDescription: "expected a list"))
        }
        return UnkeyedContainer(items: items, codingPath: codingPath)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        SingleValue(node: node, codingPath: codingPath)
    }
}

private struct IndexKey: CodingKey {
    var stringValue: String { String(intValue ?? 0) }
    var intValue: Int?
    init(_ index: Int) { intValue = index }
    init?(stringValue: String) { nil }
    init?(intValue: Int) { self.intValue = intValue }
}

private struct KeyedContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    /// The mapping's pairs. Most mappings are small and lookups scan them; large ones (a policy's
    /// tenants) get an index, so decoding stays linear.
    let pairs: [YAMLPair]
    let index: [String: Int]?
    let codingPath: [any CodingKey]

    init(pairs: [YAMLPair], codingPath: [any CodingKey]) {
        self.pairs = pairs
        self.codingPath = codingPath
        guard pairs.count > 16 else {
            index = nil
            return
        }
        var index: [String: Int] = [:]
        index.reserveCapacity(pairs.count)
        for (position, pair) in pairs.enumerated() {
            if let key = pair.key.scalar { index[key] = position }
        }
        self.index = index
    }

    private func value(_ key: String) -> YAMLNode? {
        if let index { return index[key].map { pairs[$0].value } }
        for pair in pairs where pair.key.scalar == key { return pair.value }
        return nil
    }

    var allKeys: [Key] { pairs.compactMap { $0.key.scalar.flatMap(Key.init(stringValue:)) } }

    func contains(_ key: Key) -> Bool {
        guard let node = value(key.stringValue) else { return false }
        return !node.isNull
    }

    func decodeNil(forKey key: Key) throws -> Bool { value(key.stringValue)?.isNull ?? true }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        guard let node = value(key.stringValue) else {
            throw DecodingError.keyNotFound(key, .init(codingPath: codingPath, debugDescription: "missing"))
        }
        return try YAMLNodeDecoder(node: node, codingPath: codingPath + [key]).decodeValue(type)
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws
        -> KeyedDecodingContainer<NestedKey>
    {
        try YAMLNodeDecoder(node: try node(key), codingPath: codingPath + [key]).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try YAMLNodeDecoder(node: try node(key), codingPath: codingPath + [key]).unkeyedContainer()
    }

    func superDecoder() throws -> any Decoder { throw DecodingError.dataCorrupted(.init(codingPath: codingPath, debugDescription: "no super")) }
    func superDecoder(forKey key: Key) throws -> any Decoder { YAMLNodeDecoder(node: try node(key), codingPath: codingPath + [key]) }

    private func node(_ key: Key) throws -> YAMLNode {
        guard let node = value(key.stringValue) else {
            throw DecodingError.keyNotFound(key, .init(codingPath: codingPath, debugDescription: "missing"))
        }
        return node
    }
}

private struct UnkeyedContainer: UnkeyedDecodingContainer {
    let items: [YAMLNode]
    let codingPath: [any CodingKey]
    var currentIndex = 0

    init(items: [YAMLNode], codingPath: [any CodingKey]) {
        self.items = items
        self.codingPath = codingPath
    }

    var count: Int? { items.count }
    var isAtEnd: Bool { currentIndex >= items.count }

    mutating func next() throws -> YAMLNode {
        guard !isAtEnd else {
            throw DecodingError.valueNotFound(Any.self, .init(codingPath: codingPath, debugDescription: "end of list"))
        }
        defer { currentIndex += 1 }
        return items[currentIndex]
    }

    mutating func decodeNil() throws -> Bool {
        guard !isAtEnd, items[currentIndex].isNull else { return false }
        currentIndex += 1
        return true
    }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        let path = codingPath + [IndexKey(currentIndex)]
        return try YAMLNodeDecoder(node: try next(), codingPath: path).decodeValue(type)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws
        -> KeyedDecodingContainer<NestedKey>
    {
        let path = codingPath + [IndexKey(currentIndex)]
        return try YAMLNodeDecoder(node: try next(), codingPath: path).container(keyedBy: type)
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        let path = codingPath + [IndexKey(currentIndex)]
        return try YAMLNodeDecoder(node: try next(), codingPath: path).unkeyedContainer()
    }

    mutating func superDecoder() throws -> any Decoder {
        let path = codingPath + [IndexKey(currentIndex)]
        return YAMLNodeDecoder(node: try next(), codingPath: path)
    }
}

private struct SingleValue: SingleValueDecodingContainer {
    let node: YAMLNode
    let codingPath: [any CodingKey]

    func decodeNil() -> Bool { node.isNull }

    private func text() throws -> String {
        guard let s = node.scalar else {
            throw DecodingError.typeMismatch(String.self, .init(codingPath: codingPath, debugDescription: "expected a scalar"))
        }
        return s
    }

    private func integer<T: FixedWidthInteger>(_ type: T.Type) throws -> T {
        guard let v = YAMLCoreSchema.int(try text()), let result = T(exactly: v) else {
            throw DecodingError.typeMismatch(T.self, .init(codingPath: codingPath, debugDescription: "expected an integer"))
        }
        return result
    }

    func decode(_ type: Bool.Type) throws -> Bool {
        guard let b = YAMLCoreSchema.bool(try text()) else {
            throw DecodingError.typeMismatch(Bool.self, .init(codingPath: codingPath, debugDescription: "expected a boolean"))
        }
        return b
    }

    func decode(_ type: String.Type) throws -> String { try text() }
    func decode(_ type: Double.Type) throws -> Double {
        guard let d = YAMLCoreSchema.double(try text()) else {
            throw DecodingError.typeMismatch(Double.self, .init(codingPath: codingPath, debugDescription: "expected a number"))
        }
        return d
    }
    func decode(_ type: Float.Type) throws -> Float { Float(try decode(Double.self)) }
    func decode(_ type: Int.Type) throws -> Int { try integer(Int.self) }
    func decode(_ type: Int8.Type) throws -> Int8 { try integer(Int8.self) }
    func decode(_ type: Int16.Type) throws -> Int16 { try integer(Int16.self) }
    func decode(_ type: Int32.Type) throws -> Int32 { try integer(Int32.self) }
    func decode(_ type: Int64.Type) throws -> Int64 { try integer(Int64.self) }
    func decode(_ type: UInt.Type) throws -> UInt { try integer(UInt.self) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try integer(UInt8.self) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try integer(UInt16.self) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try integer(UInt32.self) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try integer(UInt64.self) }
    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try YAMLNodeDecoder(node: node, codingPath: codingPath).decodeValue(type)
    }
}
