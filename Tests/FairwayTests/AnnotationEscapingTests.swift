import FairwayCore
import FairwayModel
import Testing
@testable import FairwayViews

/// Workflow commands a CI runner reads line by line: nothing from the repository can end the line
/// an annotation is on, so no author-controlled text ever starts a command of its own.
@Suite struct AnnotationEscapingTests {
    /// Undoes the runner's escapes (GitHub's toolkit: %25, %0D, %0A, and in properties %3A, %2C).
    static func unescape(_ s: String) -> String {
        s.replacingOccurrences(of: "%0D", with: "\r").replacingOccurrences(of: "%0A", with: "\n")
            .replacingOccurrences(of: "%3A", with: ":").replacingOccurrences(of: "%2C", with: ",")
            .replacingOccurrences(of: "%25", with: "%")
    }

    /// Lines as a runner splits output: at LF, with CR LF and lone CR breaking lines too.
    static func runnerLines(_ output: String) -> [String] {
        output.unicodeScalars.split(whereSeparator: { $0 == "\n" || $0 == "\r" }).map { String(String.UnicodeScalarView($0)) }
    }

    @Test func crLfInAFieldNameCannotStartACommand() {
        let key = "ok\r\n::error title=X::injected\r\n::stop-commands::token"
        let diagnostic = Diagnostic.error("unknown-field", "unknown field '\(key)'", at: SourceLocation(path: "tenants/a\r\n::x::.yaml", line: 3, column: 1))
        let output = GitHubAnnotations.render([diagnostic])
        let lines = Self.runnerLines(output)
        #expect(lines.count == 1, "\(lines)")
        #expect(lines.allSatisfy { $0.hasPrefix("::error file=") })
        #expect(!output.unicodeScalars.contains("\r"))
    }

    @Test(arguments: 0..<8)
    func fuzzedTextStaysOnOneLineAndRoundTrips(seed: Int) {
        var state = UInt64(seed) &* 0x9E37_79B9_7F4A_7C15 &+ 1
        func next() -> UInt64 {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return state
        }
        let alphabet: [Unicode.Scalar] = ["\r", "\n", "%", ":", ",", "a", "Z", " ", "\u{2028}", "\u{85}", "é", "\u{1F600}", "\u{200B}", "0", "A", "\t"]
        for _ in 0..<500 {
            var text = String.UnicodeScalarView()
            for _ in 0..<Int(next() % 24) { text.append(alphabet[Int(next() % UInt64(alphabet.count))]) }
            let message = String(text)
            let data = GitHubAnnotations.escapeData(message)
            let property = GitHubAnnotations.escapeProperty(message)
            #expect(!data.unicodeScalars.contains { $0 == "\r" || $0 == "\n" })
            #expect(!property.unicodeScalars.contains { $0 == "\r" || $0 == "\n" || $0 == ":" || $0 == "," })
            #expect(Self.unescape(data) == message)
            #expect(Self.unescape(property) == message)
        }
    }

    @Test func markdownFromTheRepositoryIsInert() {
        let hostile = "<img src=x onerror=alert(1)> [click](https://evil.example) `code` | cell\n# heading"
        let escaped = Markdown.escape(hostile)
        #expect(!escaped.contains("<img"))
        #expect(!escaped.contains("](https"))
        #expect(!escaped.contains("\n"))
        #expect(!escaped.contains(" | "))
    }
}
