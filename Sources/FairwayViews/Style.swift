/// FairwayViews shows values to people and machines: plans, diagnostics, fairness tables and apply
/// reports as coloured or plain text and as documented JSON. Views decide nothing; every decision
/// (has changes, can apply) is read from the value shown.

/// Text colouring: ANSI on a terminal, nothing under NO_COLOR or a pipe.
public struct Style: Sendable {
    public let colored: Bool

    public init(colored: Bool) { self.colored = colored }

    public static let plain = Style(colored: false)

    private func wrap(_ code: String, _ text: String) -> String {
        colored ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
    }

    public func red(_ s: String) -> String { wrap("31", s) }
    public func green(_ s: String) -> String { wrap("32", s) }
    public func yellow(_ s: String) -> String { wrap("33", s) }
    public func cyan(_ s: String) -> String { wrap("36", s) }
    public func bold(_ s: String) -> String { wrap("1", s) }
    public func dim(_ s: String) -> String { wrap("2", s) }
}

/// Pads columns for plain-text tables.
enum TextTable {
    static func render(_ rows: [[String]], indent: String = "  ") -> String {
        guard let width = rows.map(\.count).max() else { return "" }
        var widths = [Int](repeating: 0, count: width)
        for row in rows {
            for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) }
        }
        return rows.map { row in
            indent + row.enumerated().map { i, cell in
                i == row.count - 1 ? cell : cell + String(repeating: " ", count: widths[i] - cell.count)
            }.joined(separator: "  ")
        }.joined(separator: "\n") + "\n"
    }
}
