/// The version strings the target systems accept: EKS's Kubernetes versions and Helm's chart versions.
enum VersionFormats {
    /// EKS `CreateCluster.version` and `CreateNodegroup.version`: major and minor only (`1.33`).
    static func isKubernetesVersion(_ text: String) -> Bool {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 2 && parts.allSatisfy { (1...3).contains($0.count) && $0.utf8.allSatisfy(isDigit) }
            && !(parts[1].count > 1 && parts[1].hasPrefix("0"))
    }

    static let kubernetesPattern = "^[0-9]{1,3}\\.(0|[1-9][0-9]{0,2})$"

    /// A chart version as Helm pins it: SemVer 2 (`MAJOR.MINOR.PATCH`, optional `-prerelease` and
    /// `+build`), with the leading `v` some charts publish (the GPU operator's `v26.7.0`). Ranges
    /// (`^1.2`, `~1.2`, `>=1`), wildcards and `latest` are refused: a pinned release cannot drift.
    static func isChartVersion(_ text: String) -> Bool {
        var rest = Substring(text)
        if rest.hasPrefix("v") { rest = rest.dropFirst() }
        var build: Substring?
        if let plus = rest.firstIndex(of: "+") {
            build = rest[rest.index(after: plus)...]
            rest = rest[..<plus]
        }
        var prerelease: Substring?
        if let dash = rest.firstIndex(of: "-") {
            prerelease = rest[rest.index(after: dash)...]
            rest = rest[..<dash]
        }
        let core = rest.split(separator: ".", omittingEmptySubsequences: false)
        guard core.count == 3, core.allSatisfy(isNumber) else { return false }
        for extra in [prerelease, build].compactMap({ $0 }) {
            let identifiers = extra.split(separator: ".", omittingEmptySubsequences: false)
            guard !identifiers.isEmpty, identifiers.allSatisfy({ identifier in
                !identifier.isEmpty && identifier.utf8.allSatisfy { isDigit($0) || isLetter($0) || $0 == 45 }
            }) else { return false }
        }
        return true
    }

    static let chartPattern = "^v?(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)(-[0-9A-Za-z-]+(\\.[0-9A-Za-z-]+)*)?(\\+[0-9A-Za-z-]+(\\.[0-9A-Za-z-]+)*)?$"

    /// A SemVer numeric identifier: digits, no leading zero.
    private static func isNumber(_ part: Substring) -> Bool {
        !part.isEmpty && part.count <= 18 && part.utf8.allSatisfy(isDigit) && !(part.count > 1 && part.hasPrefix("0"))
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= 48 && byte <= 57 }
    private static func isLetter(_ byte: UInt8) -> Bool { (byte >= 65 && byte <= 90) || (byte >= 97 && byte <= 122) }
}
