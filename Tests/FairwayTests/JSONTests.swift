import Testing
@testable import FairwayCore

/// `JSONReader`, `JSONWriter` and `JSONValue`'s equality and canonical form.
@Suite struct JSONTests {
    static let values: [JSONValue] = [
        .null, true, false, 0, 1, -1, .int(Int64.max), .int(Int64.min),
        .double(1.5), .double(-0.001), .double(1e300), .double(6.02e23), .double(0.1),
        "", "plain", "quote \" backslash \\ slash /", "newline\n tab\t cr\r", "control \u{1}\u{1F}",
        "ünïcödé 日本語 🚀", "\u{7F} del",
        [], [:], [[]], [[:]], [nil, true, 1, "x"],
        ["b": 1, "a": ["z": [1, 2, ["deep": nil]], "y": [:]], "": "empty key", "é": "accent"],
        ["apiVersion": "v1", "kind": "ResourceQuota",
         "metadata": ["name": "q", "labels": ["app.kubernetes.io/managed-by": "fairway"]],
         "spec": ["hard": ["requests.cpu": "8", "requests.nvidia.com/gpu": "4"]]],
    ]

    @Test(arguments: values, [false, true])
    func roundTrip(value: JSONValue, pretty: Bool) throws {
        let text = JSONWriter.string(value, pretty: pretty)
        let back = try JSONReader.parse(text)
        #expect(back == value, "\(text)")
        // Key order survives too.
        #expect(JSONWriter.string(back, pretty: pretty) == text)
        #expect(JSONWriter.bytes(value, pretty: pretty) == Array(text.utf8))
    }

    @Test func compactAndPrettyLayout() {
        let value: JSONValue = ["b": [1, 2], "a": [:], "c": []]
        #expect(JSONWriter.string(value) == #"{"b":[1,2],"a":{},"c":[]}"#)
        #expect(JSONWriter.string(value, pretty: true) == """
            {
              "b": [
                1,
                2
              ],
              "a": {},
              "c": []
            }

            """)
    }

    @Test func wholeDoublesAreWrittenAsIntegers() {
        #expect(JSONWriter.string(.double(3)) == "3")
        #expect(JSONWriter.string(.double(-0.0)) == "0")
        #expect(JSONWriter.string(.double(2.5)) == "2.5")
        #expect(JSONWriter.string(.double(.infinity)) == "null")
        #expect(JSONWriter.string(.double(.nan)) == "null")
    }

    // MARK: Escapes

    @Test(arguments: [
        (#""\"\\\/\b\f\n\r\t""#, "\"\\/\u{8}\u{C}\n\r\t"),
        (#""\u00e9\u00E9""#, "éé"),
        (#""\u0041\u0000z""#, "A\u{0}z"),
        (#""\ud83d\ude80""#, "🚀"),
        (#""a\uD834\uDD1Eb""#, "a𝄞b"),
        (#""日本語 raw""#, "日本語 raw"),
        (#""prefix \n then raw ü""#, "prefix \n then raw ü"),
    ])
    func escapesAreDecoded(json: String, expected: String) throws {
        #expect(try JSONReader.parse(json) == .string(expected))
    }

    @Test func writerEscapesWhatItMust() {
        #expect(JSONWriter.string("a\"b\\c\nd\re\tf\u{1}g/") == #""a\"b\\c\nd\re\tf\u0001g/""#)
        #expect(JSONWriter.string("🚀é") == "\"🚀é\"")
    }

    // MARK: Errors

    @Test(arguments: [
        ("[1,2,]", 5),
        (#"{"a":1,}"#, 7),
        (#"{"a":1,"a":2}"#, 11),
        (#""abc"#, 4),
        (#"{"a":"abc"#, 9),
        (#""a\qb""#, 4),
        (#""\ud83d""#, 7),
        (#""\ud83dx""#, 7),
        (#""\ud83d\u0041""#, 13),
        (#""\ude80""#, 7),
        (#""\u12G4""#, 6),
        ("\"tab\there\"", 4),
        ("[1 2]", 3),
        (#"{"a" 1}"#, 5),
        ("{1:2}", 1),
        ("tru", 0),
        ("nul", 0),
        ("[", 1),
        ("", 0),
        ("1 2", 2),
        ("-", 0),
        ("1.2.3", 0),
        ("@", 0),
        ("// comment\n1", 0),
    ])
    func invalidInputThrowsWithOffset(json: String, offset: Int) throws {
        let error = try #require(throws: JSONReader.Error.self) { try JSONReader.parse(json) }
        #expect(error.offset == offset, "\(json.debugDescription): \(error)")
        #expect(error.description.contains("byte \(offset)"))
    }

    @Test func errorReasons() throws {
        let duplicate = try #require(throws: JSONReader.Error.self) { try JSONReader.parse(#"{"a":1,"a":2}"#) }
        #expect(duplicate.reason.contains("duplicate key"))
        let unterminated = try #require(throws: JSONReader.Error.self) { try JSONReader.parse(#"["abc"#) }
        #expect(unterminated.reason == "unterminated string")
    }

    @Test func depthIsBounded() throws {
        let limit = JSONReader.maxDepth
        let deepest = String(repeating: "[", count: limit) + String(repeating: "]", count: limit)
        #expect(throws: Never.self) { try JSONReader.parse(deepest) }
        let tooDeep = String(repeating: "[", count: limit + 1) + String(repeating: "]", count: limit + 1)
        let error = try #require(throws: JSONReader.Error.self) { try JSONReader.parse(tooDeep) }
        #expect(error.offset == limit)
        #expect(error.reason.contains("nesting"))
        let objects = String(repeating: #"{"a":"#, count: limit + 1) + "1" + String(repeating: "}", count: limit + 1)
        let objectError = try #require(throws: JSONReader.Error.self) { try JSONReader.parse(objects) }
        #expect(objectError.offset == limit * 5)
    }

    @Test func numbers() throws {
        #expect(try JSONReader.parse("42") == .int(42))
        #expect(try JSONReader.parse("-0") == .int(0))
        #expect(try JSONReader.parse(" 1.5e2 ") == .double(150))
        #expect(try JSONReader.parse("1E-2") == .double(0.01))
        // Beyond Int64 the reader falls back to a double.
        guard case let .double(big) = try JSONReader.parse("9223372036854775808") else {
            Issue.record("expected a double")
            return
        }
        #expect(big == 9_223_372_036_854_775_808.0)
        guard case .int = try JSONReader.parse("9223372036854775807") else {
            Issue.record("expected an int")
            return
        }
    }

    // MARK: Equality and canonical form

    @Test func equalityIgnoresObjectKeyOrder() {
        let a: JSONValue = ["x": 1, "y": ["p": true, "q": [1, 2]]]
        let b: JSONValue = ["y": ["q": [1, 2], "p": true], "x": 1]
        #expect(a == b)
        #expect(a.hashValue == b.hashValue)
        #expect(Set([a, b]).count == 1)
        // Arrays keep their order.
        #expect(JSONValue.array([1, 2]) != [2, 1])
        #expect(a != ["x": 1, "y": ["p": true, "q": [2, 1]]])
        #expect(a != ["x": 1])
        #expect((["x": 1] as JSONValue) != ["x": 1, "z": nil])
    }

    @Test func intsAndDoublesOfTheSameNumberAreEqual() {
        #expect(JSONValue.int(1) == .double(1))
        #expect(JSONValue.double(1) == .int(1))
        #expect(JSONValue.int(1).hashValue == JSONValue.double(1).hashValue)
        #expect(Set<JSONValue>([.int(1), .double(1.0)]).count == 1)
        #expect(JSONValue.int(1) != .double(1.5))
        #expect(JSONValue.int(1) != .string("1"))
        #expect(JSONValue.bool(true) != .int(1))
        #expect(JSONValue.null != .string(""))
        #expect(JSONValue.array([.int(2)]) == [.double(2)])
    }

    @Test func sortedRecursivelyOrdersKeysByUTF8Bytes() {
        let value: JSONValue = [
            "b": ["z": 1, "a": 2],
            "a": [["y": 1, "x": 2], 3],
            "B": nil,
            "aa": "x",
            "é": 1,
            "Z": 0,
        ]
        let sorted = value.sortedRecursively()
        #expect(sorted == value)
        #expect(sorted.objectValue?.keys == ["B", "Z", "a", "aa", "b", "é"])
        #expect(JSONWriter.string(sorted)
            == #"{"B":null,"Z":0,"a":[{"x":2,"y":1},3],"aa":"x","b":{"a":2,"z":1},"é":1}"#)
        // Idempotent, and scalars are untouched.
        #expect(JSONWriter.string(sorted.sortedRecursively()) == JSONWriter.string(sorted))
        #expect(JSONValue.string("s").sortedRecursively() == "s")
        // The canonical writer gives the same bytes without copying the tree, for members stored in
        // order, out of order and both at different depths.
        #expect(JSONWriter.canonicalBytes(value) == JSONWriter.bytes(sorted))
        #expect(JSONWriter.canonicalBytes(sorted) == JSONWriter.bytes(sorted))
        let mixed: JSONValue = ["a": ["d": 1, "c": ["y": 1, "x": 2]], "b": ["p": 1, "q": 2], "c": ["z": 1]]
        #expect(String(decoding: JSONWriter.canonicalBytes(mixed), as: UTF8.self) == #"{"a":{"c":{"x":2,"y":1},"d":1},"b":{"p":1,"q":2},"c":{"z":1}}"#)
        // Keys compare by their bytes: a prefix first, the empty key before all, long (heap) keys
        // and non-ASCII ones alike.
        let keys: JSONValue = ["abc": 1, "ab": 2, "": 3, "kueue.x-k8s.io/queue-name-long": 4, "kueue.x-k8s.io/queue": 5, "é": 6, "z": 7]
        #expect(String(decoding: JSONWriter.canonicalBytes(keys), as: UTF8.self)
            == #"{"":3,"ab":2,"abc":1,"kueue.x-k8s.io/queue":5,"kueue.x-k8s.io/queue-name-long":4,"z":7,"é":6}"#)
        #expect(JSONWriter.canonicalBytes(keys) == JSONWriter.bytes(keys.sortedRecursively()))
    }

    @Test func objectSubscriptReplacesInPlaceAndRemoves() {
        var object = JSONObject([("a", 1), ("b", 2), ("c", 3)])
        object["b"] = "two"
        #expect(object.keys == ["a", "b", "c"])
        object["a"] = nil
        #expect(object.keys == ["b", "c"])
        object["d"] = 4
        #expect(object.keys == ["b", "c", "d"])
        #expect(object["b"] == "two")
        #expect(JSONValue.object(object).value(at: ["d"]) == 4)
        #expect(JSONValue.object(object).value(at: ["d", "x"]) == nil)
    }
}
