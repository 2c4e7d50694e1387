import CYAML

/// Builds positioned `YAMLNode` trees from libyaml's parse events.
///
/// Fatal problems (syntax, encoding, tab indentation, alias budget, depth, size) throw `YAMLError`;
/// duplicate keys are collected in `YAMLStream.problems` and the later value is dropped.
public enum YAMLParser {
    public static func parse(_ bytes: [UInt8], limits: YAMLLimits = .default) throws(YAMLError) -> YAMLStream {
        guard bytes.count <= limits.maxBytes else {
            throw YAMLError(.tooLarge, "file is \(bytes.count) bytes; the limit is \(limits.maxBytes)",
                            at: YAMLMark(line: 1, column: 1))
        }
        try UTF8Check.validate(bytes)
        var builder = TreeBuilder(limits: limits)
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else {
            throw YAMLError(.syntax, "libyaml could not start a parser", at: YAMLMark(line: 1, column: 1))
        }
        defer { yaml_parser_delete(&parser) }
        let outcome: Result<Void, YAMLError> = bytes.withUnsafeBufferPointer { buffer in
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING)
            var event = yaml_event_t()
            while true {
                guard yaml_parser_parse(&parser, &event) == 1 else {
                    return .failure(syntaxError(parser, bytes: bytes))
                }
                defer { yaml_event_delete(&event) }
                if event.type == YAML_STREAM_END_EVENT { return .success(()) }
                do throws(YAMLError) {
                    try builder.handle(event)
                } catch {
                    return .failure(error)
                }
            }
        }
        if case let .failure(error) = outcome { throw error }
        return YAMLStream(documents: builder.documents, documentMarks: builder.documentMarks,
                          problems: builder.problems, tags: builder.tags)
    }

    private static func syntaxError(_ parser: yaml_parser_t, bytes: [UInt8]) -> YAMLError {
        let mark = YAMLMark(line: Int(parser.problem_mark.line) + 1, column: Int(parser.problem_mark.column) + 1)
        let problem = parser.problem.map { String(cString: $0) } ?? "invalid YAML"
        if let found = IndentationFinder.find(bytes, nearLine: mark.line) {
            switch found.character {
            case .tab:
                return YAMLError(.tabIndentation, "tab character in indentation", at: found.mark,
                                 hint: "YAML indents with spaces only; replace the tab with spaces")
            case .noBreakSpace:
                return YAMLError(.nbspIndentation,
                                 "no-break space (U+00A0) in indentation: YAML does not count it as a space, so the structure breaks here",
                                 at: found.mark,
                                 hint: "replace it with an ordinary space (editors and web pages often paste U+00A0 for a space)")
            }
        }
        // libyaml notices some mistakes only further on; the context (the construct left open) is
        // where people need to look, so point there and say where the problem surfaced.
        if let context = parser.context.map({ String(cString: $0) }) {
            let contextMark = YAMLMark(line: Int(parser.context_mark.line) + 1, column: Int(parser.context_mark.column) + 1)
            return YAMLError(.syntax, "\(problem) at line \(mark.line) column \(mark.column) (\(context))", at: contextMark)
        }
        return YAMLError(.syntax, problem, at: mark)
    }
}

/// Finds a tab or a no-break space (U+00A0) used for indentation on or just before the line libyaml
/// stopped at: libyaml reports the structure it could not make sense of, usually a line later, not the
/// character that broke it. Columns count characters, as libyaml's marks do.
enum IndentationFinder {
    enum Character { case tab, noBreakSpace }

    static func find(_ bytes: [UInt8], nearLine line: Int) -> (mark: YAMLMark, character: Character)? {
        var currentLine = 1
        var column = 1
        var inIndent = true
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 0x0A {
                currentLine += 1
                column = 1
                inIndent = true
                if currentLine > line { break }
                index += 1
                continue
            }
            let near = currentLine >= line - 2
            if inIndent && near && byte == 0x09 && currentLine >= line - 1 {
                return (YAMLMark(line: currentLine, column: column), .tab)
            }
            let isNoBreakSpace = byte == 0xC2 && index + 1 < bytes.count && bytes[index + 1] == 0xA0
            if inIndent && near && isNoBreakSpace {
                return (YAMLMark(line: currentLine, column: column), .noBreakSpace)
            }
            if byte != 0x20 && byte != 0x09 && !isNoBreakSpace { inIndent = false }
            if byte & 0xC0 != 0x80 { column += 1 }
            index += 1
        }
        return nil
    }
}

/// Rejects input that is not UTF-8, naming the line and column of the first bad byte, and
/// characters YAML does not allow (outside its printable set: C0 controls but tab and line breaks,
/// DEL, C1 controls, U+FFFE and U+FFFF). libyaml refuses those too, but its reader error carries a
/// byte offset, not a line and column, so they surfaced at 1:1 without saying which character.
enum UTF8Check {
    static func validate(_ bytes: [UInt8]) throws(YAMLError) {
        var line = 1, column = 1
        var index = 0
        while index < bytes.count {
            let b = bytes[index]
            var length = 0
            if b < 0x80 { length = 1 }
            else if b & 0xE0 == 0xC0, b >= 0xC2 { length = 2 }
            else if b & 0xF0 == 0xE0 { length = 3 }
            else if b & 0xF8 == 0xF0, b <= 0xF4 { length = 4 }
            var valid = length > 0 && index + length <= bytes.count
            if valid {
                for n in 1..<max(length, 1) where bytes[index + n] & 0xC0 != 0x80 { valid = false }
            }
            if valid, length == 3 {
                let cp = (UInt32(b & 0x0F) << 12) | (UInt32(bytes[index + 1] & 0x3F) << 6)
                valid = cp >= 0x800 && !(0xD800...0xDFFF).contains(cp)
            }
            if valid, length == 4 {
                let cp = (UInt32(b & 0x07) << 18) | (UInt32(bytes[index + 1] & 0x3F) << 12)
                valid = cp >= 0x10000 && cp <= 0x10FFFF
            }
            guard valid else {
                throw YAMLError(.encoding, "invalid UTF-8 byte 0x\(b < 0x10 ? "0" : "")\(String(b, radix: 16, uppercase: true))",
                                at: YAMLMark(line: line, column: column),
                                hint: "platform files must be UTF-8 text; re-save the file as UTF-8")
            }
            let scalar = codePoint(bytes, at: index, length: length)
            if UnicodeNames.isForbiddenControl(scalar), let character = Unicode.Scalar(scalar) {
                throw YAMLError(.controlCharacter, "control character \(UnicodeNames.describe(character)) is not allowed in YAML",
                                at: YAMLMark(line: line, column: column),
                                hint: "remove it, or write it as an escape inside a double-quoted string (\\u\(UnicodeNames.hex(scalar)))")
            }
            if b == 0x0A { line += 1; column = 1 } else { column += 1 }
            index += length
        }
    }
}

extension UTF8Check {
    /// The code point of the valid UTF-8 sequence of `length` bytes at `index`.
    static func codePoint(_ bytes: [UInt8], at index: Int, length: Int) -> UInt32 {
        let b = UInt32(bytes[index])
        switch length {
        case 1: return b
        case 2: return (b & 0x1F) << 6 | UInt32(bytes[index + 1] & 0x3F)
        case 3: return (b & 0x0F) << 12 | UInt32(bytes[index + 1] & 0x3F) << 6 | UInt32(bytes[index + 2] & 0x3F)
        default:
            return (b & 0x07) << 18 | UInt32(bytes[index + 1] & 0x3F) << 12 | UInt32(bytes[index + 2] & 0x3F) << 6
                | UInt32(bytes[index + 3] & 0x3F)
        }
    }
}
