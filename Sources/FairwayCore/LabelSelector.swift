import Foundation

/// A label selector as `?labelSelector=` carries it: `a=b`, `a==b`, `a!=b`, `a in (x,y)`,
/// `a notin (x)`, `a` and `!a`, joined by commas.
public struct LabelSelector: Sendable {
    /// One comma-separated term of the selector.
    public enum Requirement: Sendable {
        case equals(String, String)
        case notEquals(String, String)
        case isIn(String, Set<String>)
        case notIn(String, Set<String>)
        case exists(String)
        case doesNotExist(String)
    }

    public var requirements: [Requirement] = []

    /// Parses `text`; a term that is none of the forms above is refused, naming it as the API server does.
    public init(parsing text: String) throws(LabelSelectorError) {
        for part in Self.splitTopLevel(text) {
            let term = part.trimmingCharacters(in: .whitespaces)
            if term.isEmpty { continue }
            if let range = term.range(of: " notin ") ?? term.range(of: " in ") {
                let key = term[..<range.lowerBound].trimmingCharacters(in: .whitespaces)
                let values = Self.values(term[range.upperBound...])
                requirements.append(term[range].contains("notin") ? .notIn(key, values) : .isIn(key, values))
            } else if let range = term.range(of: "!=") {
                requirements.append(.notEquals(term[..<range.lowerBound].trimmingCharacters(in: .whitespaces),
                                               term[range.upperBound...].trimmingCharacters(in: .whitespaces)))
            } else if let range = term.range(of: "==") ?? term.range(of: "=") {
                requirements.append(.equals(term[..<range.lowerBound].trimmingCharacters(in: .whitespaces),
                                            term[range.upperBound...].trimmingCharacters(in: .whitespaces)))
            } else if term.hasPrefix("!") {
                requirements.append(.doesNotExist(String(term.dropFirst()).trimmingCharacters(in: .whitespaces)))
            } else if term.allSatisfy({ $0.isLetter || $0.isNumber || "-_./".contains($0) }) {
                requirements.append(.exists(term))
            } else {
                throw LabelSelectorError(message: "unable to parse requirement: found '\(term)', expected: in, notin, =, ==, !=, gt, lt")
            }
        }
    }

    public func matches(_ labels: [String: String]) -> Bool {
        requirements.allSatisfy { requirement in
            switch requirement {
            case let .equals(key, value): return labels[key] == value
            case let .notEquals(key, value): return labels[key] != value
            case let .isIn(key, values): return labels[key].map(values.contains) ?? false
            case let .notIn(key, values): return !(labels[key].map(values.contains) ?? false)
            case let .exists(key): return labels[key] != nil
            case let .doesNotExist(key): return labels[key] == nil
            }
        }
    }

    private static func splitTopLevel(_ text: String) -> [String] {
        var parts: [String] = []
        var current = ""
        var depth = 0
        for character in text {
            if character == "(" { depth += 1 } else if character == ")" { depth -= 1 }
            if character == ",", depth == 0 { parts.append(current); current = "" } else { current.append(character) }
        }
        parts.append(current)
        return parts
    }

    private static func values(_ text: Substring) -> Set<String> {
        let inner = text.trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "()"))
        return Set(inner.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
    }
}

/// A label selector that does not parse; `message` is the API server's wording.
public struct LabelSelectorError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
