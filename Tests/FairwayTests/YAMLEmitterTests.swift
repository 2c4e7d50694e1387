import Testing
import FairwayCore
@testable import FairwayYAML

/// `YAMLEmitter.emit` writes YAML that `YAMLParser` reads back as the same JSON, quoting whatever a
/// YAML reader would otherwise take for a number, boolean or null.
@Suite struct YAMLEmitterTests {
    /// Emits `value`, parses the text and returns the single document as JSON.
    private func roundTrip(_ value: JSONValue) throws -> (text: String, value: JSONValue) {
        let text = try YAMLEmitter.emit(value)
        let stream = try YAMLParser.parse(Array(text.utf8))
        #expect(stream.problems.isEmpty, "\(stream.problems)")
        #expect(stream.documents.count == 1, "\(text)")
        let document = try #require(stream.documents.first)
        return (text, document.jsonValue())
    }

    /// Equality that also distinguishes .int from .double where both are whole, so a lost type shows.
    private func sameKind(_ a: JSONValue, _ b: JSONValue) -> Bool {
        switch (a, b) {
        case (.null, .null), (.bool, .bool), (.string, .string): return a == b
        case (.int, .int), (.double, .double): return a == b
        case (.int(let i), .double(let d)), (.double(let d), .int(let i)):
            // JSONWriter writes whole doubles without a fraction, so they read back as ints.
            return Double(i) == d && d == d.rounded()
        case let (.array(x), .array(y)): return x.count == y.count && zip(x, y).allSatisfy { sameKind($0, $1) }
        case let (.object(x), .object(y)):
            return x.keys == y.keys && zip(x.members, y.members).allSatisfy { sameKind($0.value, $1.value) }
        default: return false
        }
    }

    static let strings: [String] = [
        "8", "true", "True", "false", "no", "yes", "On", "off", "y", "N", "1.30", "", "null", "Null", "NULL", "~",
        "0x1F", "0o17", "-12", "+1", "1e3", ".5", ".inf", "-.inf", ".nan", "2024-01-01", "12:30", "1_000", "64Gi",
        "hello", "hello world", "-", "- item", "-x", "?", "? x", ": x", "a: b", "a:b", "#comment", "key #x",
        "  leading", "trailing ", " ", "[x]", "{x: 1}", "*alias", "&anchor", "!tag", "%percent", "@at", "`tick",
        "'single'", "\"double\"", "back\\slash", "comma, separated", "|", ">", "multi\nline", "trailing newline\n",
        "two trailing newlines\n\n", "\n", "\nleading newline", "  indented\nfirst line", "a\n\nb",
        "line with trailing space \nnext", "tab\there", "\ttab first", "control \u{1} char", "ünïcödé",
        "日本語のテキスト", "emoji 🚀🔥", "mixed: ∑ and \"quotes\" and 'apostrophes'",
        "https://example.com/path?q=1#frag", "nvidia.com/gpu", "requests.cpu", "=", "0", "00", "-0",
        "a\r\nb", "x\u{85}y", "x\u{2028}y", "\u{FEFF}bom", "nul\u{0}x", "---", "...", "a\n---\nb", "<<", "0b101",
        "trailing\n ", "\t\n", "+.inf", "-.5", "0.", "1.0e+3",
    ]

    @Test(arguments: strings)
    func stringsRoundTrip(string: String) throws {
        let value: JSONValue = ["value": .string(string)]
        let (text, back) = try roundTrip(value)
        #expect(back == value, "emitted:\n\(text)")
    }

    @Test(arguments: strings)
    func stringsRoundTripAsKeys(string: String) throws {
        guard !string.contains("\n") else { return }
        let value: JSONValue = .object(JSONObject([(string, 1), ("other", .string(string))]))
        let (text, back) = try roundTrip(value)
        #expect(back == value, "emitted:\n\(text)")
        #expect(back.objectValue?.keys == [string, "other"])
    }

    @Test func ambiguousStringsAreDoubleQuoted() throws {
        for s in ["8", "true", "no", "1.30", "", "null", "~"] {
            let text = try YAMLEmitter.emit(["k": .string(s)])
            #expect(text.contains("k: \"\(s)\""), "\(s.debugDescription) emitted as \(text)")
        }
        // An ordinary word stays plain.
        #expect(try YAMLEmitter.emit(["k": "hello"]).contains("k: hello\n"))
    }

    @Test func multiLineStringsUseLiteralBlocks() throws {
        let text = try YAMLEmitter.emit(["script": "echo one\necho two\n"])
        #expect(text.contains("script: |"))
        #expect(text.contains("  echo one\n  echo two\n"))
    }

    static let values: [JSONValue] = [
        .null, true, false, 0, 42, -7, .int(Int64.max), .int(Int64.min), .double(1.5), .double(-0.25),
        .double(1e-7), .double(1e300), .double(0.1),
        "plain", "8",
        [:], [], [[:]], [[]], ["empty": [:], "list": []],
        [1, "two", .double(3.5), nil, true, ["nested": ["deeper": [1, [2, [3]]]]]],
        ["metadata": ["name": "team-a", "labels": ["app.kubernetes.io/managed-by": "fairway", "tier": "1"]],
         "spec": ["hard": ["requests.cpu": "8", "requests.memory": "32Gi", "requests.nvidia.com/gpu": "4"]]],
        ["list of objects": [["a": 1, "b": "x"], ["a": 2, "b": "y\nz"]]],
        ["unicode ключ": "значение", "🚀": ["ok": true]],
    ]

    @Test(arguments: values)
    func valuesRoundTrip(value: JSONValue) throws {
        let (text, back) = try roundTrip(value)
        #expect(back == value, "emitted:\n\(text)")
        #expect(sameKind(back, value), "types changed; emitted:\n\(text)")
    }

    @Test func keyOrderIsPreserved() throws {
        let keys = ["zeta", "alpha", "mid", "Beta", "10", "2", "a.b/c"]
        var object = JSONObject()
        for (n, key) in keys.enumerated() {
            object[key] = ["inner-z": .int(Int64(n)), "inner-a": .int(Int64(n))]
        }
        let (text, back) = try roundTrip(.object(object))
        let backObject = try #require(back.objectValue)
        #expect(backObject.keys == keys, "emitted:\n\(text)")
        for key in keys { #expect(backObject[key]?.objectValue?.keys == ["inner-z", "inner-a"]) }
        // And the text itself lists them in that order, one top-level line each.
        let topLevel = text.split(separator: "\n").filter { !$0.hasPrefix(" ") && $0.hasSuffix(":") }
        #expect(topLevel.map { String($0.dropLast().filter { $0 != "\"" }) } == keys, "\(text)")
    }

    @Test func severalDocumentsAreSeparated() throws {
        let documents: [JSONValue] = [["kind": "Namespace"], ["kind": "ResourceQuota"], ["n": 3]]
        let text = try YAMLEmitter.emit(documents)
        let stream = try YAMLParser.parse(Array(text.utf8))
        #expect(stream.documents.map { $0.jsonValue() } == documents)
        #expect(stream.documentMarks.count == 3)
    }

    @Test(arguments: ["8", "true", "no", "1.30", "", "null", "~", "0x10", ".inf", "+1", "1e3", "-5", "123abc"])
    func needsQuotesForAmbiguousText(text: String) {
        #expect(YAMLEmitter.needsQuotes(text))
    }

    @Test(arguments: ["hello", "team-a", "Gi64", "nvidia.com/gpu", "nan", "Infinity", "-", "e5"])
    func noQuotesNeededForOrdinaryText(text: String) {
        #expect(!YAMLEmitter.needsQuotes(text))
    }
}
