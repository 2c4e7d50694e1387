import Foundation
import FairwayCore

/// A field selector: `metadata.name=x,metadata.namespace!=y,type=helm.sh/release.v1`, any dotted path.
struct FieldSelector: Sendable {
    var terms: [(path: [String], value: String, equal: Bool)] = []

    init(parsing text: String) {
        for part in text.split(separator: ",") {
            let term = String(part)
            if let range = term.range(of: "!=") {
                terms.append((Self.path(term[..<range.lowerBound]), String(term[range.upperBound...]), false))
            } else if let range = term.range(of: "==") ?? term.range(of: "=") {
                terms.append((Self.path(term[..<range.lowerBound]), String(term[range.upperBound...]), true))
            }
        }
    }

    private static func path(_ text: Substring) -> [String] {
        text.trimmingCharacters(in: .whitespaces).split(separator: ".").map(String.init)
    }

    func matches(_ object: JSONObject) -> Bool {
        terms.allSatisfy { term in
            let found: String
            switch JSONValue.object(object).value(at: term.path) {
            case let .string(s)?: found = s
            case let .int(i)?: found = String(i)
            case let .bool(b)?: found = String(b)
            default: found = ""
            }
            return (found == term.value) == term.equal
        }
    }
}

