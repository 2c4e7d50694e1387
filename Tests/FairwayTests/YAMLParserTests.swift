import Testing
import FairwayCore
@testable import FairwayYAML

/// `YAMLParser.parse`: positions, scalar resolution (YAML 1.2 core schema), the non-fatal problems it
/// collects and the fatal errors it throws for hostile or broken input.
@Suite struct YAMLParserTests {
    private func parse(_ text: String, limits: YAMLLimits = .default) throws -> YAMLStream {
        try YAMLParser.parse(Array(text.utf8), limits: limits)
    }

    private func single(_ text: String) throws -> YAMLNode {
        let stream = try parse(text)
        #expect(stream.documents.count == 1)
        return try #require(stream.documents.first)
    }

    // MARK: Positions

    @Test func positionsOfNestedKeysAndListItems() throws {
        let text = """
            apiVersion: v1
            metadata:
              name: team-a
              labels:
                tier: gold
            items:
              - one
              - two: 2
            """
        let root = try single(text)
        #expect(root.mark == YAMLMark(line: 1, column: 1))
        let pairs = try #require(root.pairs)
        #expect(pairs.map(\.key.scalar) == ["apiVersion", "metadata", "items"])
        #expect(pairs[1].key.mark == YAMLMark(line: 2, column: 1))

        let metadata = try #require(root["metadata"])
        let name = try #require(metadata.pairs?.first)
        #expect(name.key.mark == YAMLMark(line: 3, column: 3))
        #expect(name.value.mark == YAMLMark(line: 3, column: 9))
        let tier = try #require(metadata["labels"]?.pairs?.first)
        #expect(tier.key.mark == YAMLMark(line: 5, column: 5))
        #expect(tier.value.mark == YAMLMark(line: 5, column: 11))

        let items = try #require(root["items"]?.items)
        #expect(items.count == 2)
        #expect(items[0].mark == YAMLMark(line: 7, column: 5))
        #expect(items[0].scalar == "one")
        #expect(items[1].mark == YAMLMark(line: 8, column: 5))
        #expect(items[1]["two"]?.mark == YAMLMark(line: 8, column: 10))
    }

    // MARK: Scalars

    @Test(arguments: [
        ("a: \"8\"", JSONValue.string("8")),
        ("a: '8'", .string("8")),
        ("a: 8", .int(8)),
        ("a: -12", .int(-12)),
        ("a: 0x1F", .int(31)),
        ("a: 1.30", .double(1.3)),
        ("a: \"1.30\"", .string("1.30")),
        ("a: 2.5e3", .double(2500)),
        ("a: true", .bool(true)),
        ("a: \"true\"", .string("true")),
        ("a: False", .bool(false)),
        ("a: yes", .string("yes")),
        ("a: no", .string("no")),
        ("a: on", .string("on")),
        ("a: Off", .string("Off")),
        ("a: y", .string("y")),
        ("a: null", .null),
        ("a: ~", .null),
        ("a:", .null),
        ("a: \"null\"", .string("null")),
        ("a: 64Gi", .string("64Gi")),
        ("a: 2024-01-01", .string("2024-01-01")),
        ("a: |\n  x\n  y\n", .string("x\ny\n")),
        ("a: >-\n  x\n  y\n", .string("x y")),
    ])
    func scalarResolution(text: String, expected: JSONValue) throws {
        let value = try single(text).jsonValue()
        #expect(value["a"] == expected)
        // JSONValue equality lets .int(8) equal .double(8); check the case too.
        switch (value["a"], expected) {
        case (.int?, .int), (.double?, .double), (.string?, .string), (.bool?, .bool), (.null?, .null): break
        default: Issue.record("\(text) resolved to \(String(describing: value["a"])), expected \(expected)")
        }
    }

    @Test func scalarStylesAreRecorded() throws {
        let root = try single("p: x\ns: 'x'\nd: \"x\"\nl: |\n  x\nf: >\n  x\n")
        let styles = try #require(root.pairs).map { pair -> YAMLScalarStyle? in
            if case let .scalar(_, style) = pair.value.content { return style }
            return nil
        }
        #expect(styles == [.plain, .singleQuoted, .doubleQuoted, .literal, .folded])
        #expect(root["p"]?.isPlainScalar == true)
        #expect(root["d"]?.isPlainScalar == false)
    }

    // MARK: Non-fatal problems

    @Test func duplicateKeysAreReportedAtTheSecondKey() throws {
        let text = """
            a: 1
            b:
              c: 2
              c: 3
            a: 4
            """
        let stream = try parse(text)
        #expect(stream.problems.map(\.code) == [.duplicateKey, .duplicateKey])
        #expect(stream.problems.map(\.mark) == [YAMLMark(line: 4, column: 3), YAMLMark(line: 5, column: 1)])
        #expect(stream.problems[0].message.contains("'c'"))
        // The first value is kept, the later one dropped.
        let value = try #require(stream.documents.first).jsonValue()
        #expect(value == ["a": 1, "b": ["c": 2]])
    }

    @Test func noProblemsForCleanInput() throws {
        let stream = try parse("a: 1\nb: [1, 2]\n")
        #expect(stream.problems.isEmpty)
    }

    // MARK: Fatal errors

    @Test func tabIndentationNamesTheTabsLine() throws {
        let error = try #require(throws: YAMLError.self) { try parse("a:\n  b: 1\n\tc: 2\n") }
        #expect(error.code == .tabIndentation)
        #expect(error.mark == YAMLMark(line: 3, column: 1))
        #expect(error.hint != nil)
    }

    @Test func invalidUTF8NamesLineAndColumn() throws {
        var bytes = Array("name: ok\nlabel: ab".utf8)
        bytes.append(0xFF)
        bytes += Array("cd\n".utf8)
        let error = try #require(throws: YAMLError.self) { try YAMLParser.parse(bytes) }
        #expect(error.code == .encoding)
        #expect(error.mark == YAMLMark(line: 2, column: 10))
        #expect(error.message.contains("0xFF"))
    }

    @Test(arguments: [
        [0xC3] as [UInt8],              // truncated two-byte sequence
        [0xC0, 0x80],                   // overlong encoding
        [0xED, 0xA0, 0x80],             // UTF-16 surrogate
        [0xF4, 0x90, 0x80, 0x80],       // beyond U+10FFFF
    ])
    func malformedSequencesAreRejected(sequence: [UInt8]) throws {
        let bytes = Array("ünï: x".utf8) + sequence
        let error = try #require(throws: YAMLError.self) { try YAMLParser.parse(bytes) }
        #expect(error.code == .encoding)
        #expect(error.mark == YAMLMark(line: 1, column: 7))
    }

    @Test func validMultiByteUTF8IsAccepted() throws {
        let value = try single("name: \"日本語 🚀 é\"").jsonValue()
        #expect(value["name"] == "日本語 🚀 é")
    }

    @Test func syntaxErrorNamesALine() throws {
        let error = try #require(throws: YAMLError.self) { try parse("a: 1\nb: c: d\ne: 2\n") }
        #expect(error.code == .syntax)
        #expect(error.mark.line == 2)
        #expect(!error.message.isEmpty)
    }

    @Test func unclosedFlowSequenceIsASyntaxError() throws {
        let error = try #require(throws: YAMLError.self) { try parse("a: [1, 2\nb: 3\n") }
        #expect(error.code == .syntax)
        // The error points at the construct left open and says where the problem surfaced.
        #expect(error.mark == YAMLMark(line: 1, column: 4), "\(error)")
        #expect(error.message.contains("line 2"), "\(error)")
    }

    // MARK: Streams

    @Test func emptyInputHasNoDocuments() throws {
        for text in ["", "\n\n", "# only a comment\n"] {
            let stream = try parse(text)
            #expect(stream.documents.isEmpty, "\(text.debugDescription)")
            #expect(stream.documentMarks.isEmpty)
            #expect(stream.problems.isEmpty)
        }
    }

    @Test func twoDocumentsHaveTwoMarks() throws {
        let stream = try parse("a: 1\n---\nb: 2\n")
        #expect(stream.documents.count == 2)
        #expect(stream.documentMarks == [YAMLMark(line: 1, column: 1), YAMLMark(line: 2, column: 1)])
        #expect(stream.documents.map { $0.jsonValue() } == [["a": 1], ["b": 2]])
    }

    // MARK: Aliases

    @Test func aliasBombIsStoppedQuickly() throws {
        var lines = ["a: &a [" + Array(repeating: "\"lol\"", count: 10).joined(separator: ", ") + "]"]
        let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i"]
        for (previous, name) in zip(names, names.dropFirst()) {
            lines.append("\(name): &\(name) [" + Array(repeating: "*\(previous)", count: 10).joined(separator: ", ") + "]")
        }
        #expect(lines.count == 9)
        let clock = ContinuousClock()
        var thrown: YAMLError?
        let elapsed = clock.measure {
            do { _ = try parse(lines.joined(separator: "\n")) } catch { thrown = error as? YAMLError }
        }
        let error = try #require(thrown)
        #expect(error.code == .aliasBudget)
        #expect(error.hint != nil)
        #expect(elapsed < .seconds(2))
    }

    @Test func smallAliasExpandsToTheAnchor() throws {
        let text = """
            base: &base
              cpu: "2"
              memory: 4Gi
              tags: [a, b]
            copy: *base
            """
        let stream = try parse(text)
        #expect(stream.problems.isEmpty)
        let root = try #require(stream.documents.first)
        let value = root.jsonValue()
        #expect(value["copy"] == value["base"])
        #expect(value["copy"] == ["cpu": "2", "memory": "4Gi", "tags": ["a", "b"]])
        // The alias takes the position where it is used.
        #expect(root["copy"]?.mark == YAMLMark(line: 5, column: 7))
    }

    @Test func aliasToUnknownAnchorThrows() throws {
        let error = try #require(throws: YAMLError.self) { try parse("a: *nowhere\n") }
        #expect(error.code == .unknownAnchor)
        // Anchors do not carry over from one document to the next.
        let second = try #require(throws: YAMLError.self) { try parse("a: &x 1\n---\nb: *x\n") }
        #expect(second.code == .unknownAnchor)
        #expect(second.mark.line == 3)
    }

    // MARK: Limits

    @Test func nestingDeeperThanTheLimitThrows() throws {
        let limits = YAMLLimits(maxDepth: 5)
        let ok = try YAMLParser.parse(Array("[[[[[1]]]]]".utf8), limits: limits)
        #expect(ok.documents.count == 1)
        let error = try #require(throws: YAMLError.self) { try YAMLParser.parse(Array("[[[[[[1]]]]]]".utf8), limits: limits) }
        #expect(error.code == .tooDeep)
        #expect(error.mark == YAMLMark(line: 1, column: 6))
    }

    @Test func defaultDepthLimitStopsDeepNesting() throws {
        let depth = YAMLLimits.default.maxDepth + 1
        let text = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        let error = try #require(throws: YAMLError.self) { try parse(text) }
        #expect(error.code == .tooDeep)
    }

    @Test func inputOverMaxBytesIsTooLarge() throws {
        let limits = YAMLLimits(maxBytes: 10)
        let exact = try YAMLParser.parse(Array("a: 1234567".utf8), limits: limits)
        #expect(exact.documents.count == 1)
        let error = try #require(throws: YAMLError.self) { try YAMLParser.parse(Array("a: 12345678".utf8), limits: limits) }
        #expect(error.code == .tooLarge)
        #expect(error.mark == YAMLMark(line: 1, column: 1))
        #expect(error.message.contains("11"))
    }
}
