/// The version of the helm executable (`helm version --short`, e.g. `v4.1.4+g05fa379`), and the
/// command-line differences between the major versions Fairway supports (v3 and v4).
public struct HelmVersion: Sendable, Hashable, CustomStringConvertible {
    public var major: Int
    public var minor: Int
    public var patch: Int
    /// What helm printed, trimmed (`v4.1.4+g05fa379`).
    public var text: String

    /// Parses `v3.14.2+gc309b6f`, `v4.1.4`, `v3.15.0-rc.1+g...`; nil for anything else.
    public init?(short text: String) {
        let trimmed = text.trimmedWhitespace
        guard trimmed.hasPrefix("v") else { return nil }
        let core = trimmed.dropFirst().prefix { $0 != "+" && $0 != "-" }
        let parts = core.split(separator: ".", omittingEmptySubsequences: false).map { Int($0) }
        guard parts.count == 3, let major = parts[0], let minor = parts[1], let patch = parts[2] else { return nil }
        self.major = major
        self.minor = minor
        self.patch = patch
        self.text = trimmed
    }

    public var description: String { text }

    /// Fairway drives helm v3 and v4.
    public var isSupported: Bool { major == 3 || major == 4 }

    /// The flag that rolls a failed upgrade back: `--atomic` in v3, `--rollback-on-failure` in v4
    /// (where `--atomic` is a deprecated alias).
    var rollbackOnFailureFlag: String { major >= 4 ? "--rollback-on-failure" : "--atomic" }

    /// Flags that make `helm list` show releases in every state: v3 needs `--all`, v4 lists every state
    /// by default and has no `--all`.
    var listEveryStateFlags: [String] { major >= 4 ? [] : ["--all"] }
}

extension StringProtocol {
    /// The text without leading and trailing spaces, tabs and line breaks.
    var trimmedWhitespace: String {
        let isSpace: (Character) -> Bool = { $0.isWhitespace }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(self[first...last])
    }
}
