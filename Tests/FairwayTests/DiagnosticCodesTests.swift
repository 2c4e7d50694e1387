import Foundation
import Testing

/// Diagnostic codes are a contract (metric labels, CI filters): every code the sources emit is in
/// the README's list.
@Suite struct DiagnosticCodesTests {
    /// The codes in `error("code", ...)`, `warning("code", ...)`, `.note("code", ...)` calls under Sources/.
    static func emittedCodes() throws -> Set<String> {
        let sources = RepoPaths.root.appendingPathComponent("Sources")
        let pattern = try NSRegularExpression(pattern: #"(?:\.|\b)(?:error|warning|note)\("([a-z0-9]+(?:-[a-z0-9]+)*)","#)
        var codes: Set<String> = []
        let files = FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil)
        while let url = files?.nextObject() as? URL {
            guard url.pathExtension == "swift", let text = try? String(contentsOf: url, encoding: .utf8) else { continue }
            let range = NSRange(text.startIndex..., in: text)
            for match in pattern.matches(in: text, range: range) {
                if let code = Range(match.range(at: 1), in: text) { codes.insert(String(text[code])) }
            }
        }
        // The YAML reader's codes are the raw values of its error kinds.
        let yaml = try String(contentsOf: sources.appendingPathComponent("FairwayYAML/YAMLError.swift"), encoding: .utf8)
        let kinds = try NSRegularExpression(pattern: #"case [a-zA-Z]+ = "([a-z0-9-]+)""#)
        for match in kinds.matches(in: yaml, range: NSRange(yaml.startIndex..., in: yaml)) {
            if let code = Range(match.range(at: 1), in: yaml) { codes.insert(String(yaml[code])) }
        }
        return codes
    }

    @Test func everyEmittedCodeIsDocumented() throws {
        let readme = try String(contentsOf: RepoPaths.root.appendingPathComponent("README.md"), encoding: .utf8)
        let codes = try Self.emittedCodes()
        #expect(codes.count > 50, "the scan found \(codes.count) codes")
        let missing = codes.filter { !readme.contains("`\($0)`") }.sorted()
        #expect(missing.isEmpty, "codes the README does not list: \(missing)")
    }
}
