import FairwayCore

/// A release's state as helm records it (`deployed`, `failed`, `pending-upgrade`...). Open-ended:
/// a status Fairway does not know is kept as helm wrote it.
public struct HelmReleaseStatus: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible,
    ExpressibleByStringLiteral
{
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { self.init(rawValue: value) }

    public static let deployed: HelmReleaseStatus = "deployed"
    public static let failed: HelmReleaseStatus = "failed"
    public static let superseded: HelmReleaseStatus = "superseded"
    public static let uninstalling: HelmReleaseStatus = "uninstalling"
    public static let uninstalled: HelmReleaseStatus = "uninstalled"
    public static let pendingInstall: HelmReleaseStatus = "pending-install"
    public static let pendingUpgrade: HelmReleaseStatus = "pending-upgrade"
    public static let pendingRollback: HelmReleaseStatus = "pending-rollback"
    public static let unknown: HelmReleaseStatus = "unknown"

    /// A pending release is locked: helm refuses every other operation on it until the pending one
    /// ends, or until it is recovered when the helm that started it died (`HelmClient.recoverStuck`).
    public var isPending: Bool { rawValue.hasPrefix("pending-") }

    public var description: String { rawValue }
}

/// One row of `helm list -A -o json`.
public struct HelmListedRelease: Sendable, Hashable {
    public var name: String
    public var namespace: String
    public var revision: Int
    public var status: HelmReleaseStatus
    /// The chart's name (`kuberay-operator`), split from helm's `name-version` column.
    public var chart: String
    /// The chart's version (`1.7.0`, `1.2.3-rc.1`).
    public var chartVersion: String
    public var appVersion: String
    /// When the release last changed, as helm prints it (`2026-01-02 03:04:05.123 +0000 UTC`).
    public var updated: String
}

/// `helm get metadata NAME -o json`: what helm recorded about the chart of a release's current revision.
public struct HelmReleaseMetadata: Sendable, Hashable {
    public var name: String
    public var namespace: String
    public var chart: String
    public var chartVersion: String
    public var appVersion: String
    public var revision: Int
    public var status: HelmReleaseStatus
    /// When the revision was deployed, RFC 3339.
    public var deployedAt: String
}

/// One revision in `helm history NAME -o json`.
public struct HelmRevision: Sendable, Hashable {
    public var revision: Int
    public var status: HelmReleaseStatus
    /// helm's `name-version` column, unsplit.
    public var chart: String
    public var description: String
}

/// A release as it is in the cluster, for Diff to compare with a desired `HelmRelease`: the chart
/// and version installed, the revision and status, and the user-supplied values (not the chart's
/// defaults), so equal values mean nothing to change.
public struct HelmLiveRelease: Sendable, Hashable {
    public var name: String
    public var namespace: String
    public var chart: String
    public var chartVersion: String
    public var revision: Int
    public var status: HelmReleaseStatus
    public var values: JSONValue

    public init(name: String, namespace: String, chart: String, chartVersion: String, revision: Int,
                status: HelmReleaseStatus, values: JSONValue) {
        self.name = name
        self.namespace = namespace
        self.chart = chart
        self.chartVersion = chartVersion
        self.revision = revision
        self.status = status
        self.values = values
    }
}

/// helm's `name-version` chart column split in two.
enum HelmChartColumn {
    /// Splits `kuberay-operator-1.2.3-rc.1` into (`kuberay-operator`, `1.2.3-rc.1`).
    ///
    /// Both halves may contain `-`, but chart names are lower-case letters, digits and dashes (no dots),
    /// while a version's core is `MAJOR.MINOR.PATCH`: the version starts after the last `-` before the
    /// first `.`. Without any dot, the last `-` separates them.
    static func split(_ column: String) -> (chart: String, version: String) {
        let head = column.firstIndex(of: ".").map { column[..<$0] } ?? column[...]
        guard let dash = head.lastIndex(of: "-") else { return (column, "") }
        return (String(column[..<dash]), String(column[column.index(after: dash)...]))
    }
}
