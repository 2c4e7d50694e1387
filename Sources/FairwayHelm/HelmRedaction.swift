import FairwayCore
import Foundation

/// What must never leave a helm call in an error or a log line: the private values file's path and
/// the release's values. helm can echo either (a parse error names the file; the API server can quote a
/// rejected field), so helm's standard error goes through `apply` before anyone sees it.
///
/// Every string in the values of four characters or more is redacted, whatever its key: a value's
/// name says nothing reliable about whether it is secret. Shorter strings (`on`, `v1`) are left, as
/// redacting them would destroy the message without protecting anything.
struct HelmRedaction: Sendable {
    static let placeholder = "<redacted>"
    static let minimumLength = 4

    private var needles: [String] = []

    init() {}

    /// Redacts the path (and its directory, if given) and every long-enough string in `values`.
    init(values: JSONValue, paths: [String] = []) {
        var strings: [String] = paths.filter { !$0.isEmpty }
        Self.collectStrings(values, into: &strings)
        // Longest first, so a secret containing another secret is removed whole.
        needles = Array(Set(strings.filter { $0.count >= Self.minimumLength })).sorted { $0.count > $1.count }
    }

    private static func collectStrings(_ value: JSONValue, into strings: inout [String]) {
        switch value {
        case let .string(text):
            strings.append(text)
            // A multi-line value (a certificate, a config file) can be quoted line by line.
            if text.contains("\n") {
                strings += text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            }
        case let .array(items):
            for item in items { collectStrings(item, into: &strings) }
        case let .object(members):
            for (_, member) in members { collectStrings(member, into: &strings) }
        case .null, .bool, .int, .double:
            break
        }
    }

    func apply(_ text: String) -> String {
        var result = text
        for needle in needles where result.contains(needle) {
            result = result.replacing(needle, with: Self.placeholder)
        }
        return result
    }
}
