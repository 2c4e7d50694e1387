import FairwayCore

/// A Helm release as it is installed: what `helm list` and `helm get values` report.
public struct LiveRelease: Sendable, Hashable {
    public var name: String
    public var namespace: String
    public var chart: String
    public var version: String
    public var revision: Int
    /// `deployed`, `failed`, `pending-upgrade`, ...
    public var status: String
    /// The user-supplied values of the installed revision.
    public var values: JSONValue
    /// True when Fairway installed it (its release label), so it may be uninstalled once gone from Git.
    public var owned: Bool

    public init(name: String, namespace: String, chart: String, version: String, revision: Int, status: String,
                values: JSONValue, owned: Bool) {
        self.name = name
        self.namespace = namespace
        self.chart = chart
        self.version = version
        self.revision = revision
        self.status = status
        self.values = values
        self.owned = owned
    }

    public var id: String { "\(namespace)/\(name)" }

    /// `release` as Fairway installs it: deployed, owned, at `revision`, with its values.
    public init(installed release: HelmRelease, revision: Int) {
        self.init(name: release.name, namespace: release.namespace, chart: release.chart, version: release.version,
                  revision: revision, status: "deployed", values: release.values, owned: true)
    }
}

/// What happens to one Helm release. Value changes are shown with sensitive values masked; the
/// desired release itself (with real values) is kept for the apply and never written out.
public struct ReleasePlan: Sendable, Hashable {
    public enum Action: String, Sendable, Codable {
        case install
        case upgrade
        case uninstall
    }

    public var name: String
    public var namespace: String
    public var action: Action
    public var chart: String
    public var versionBefore: String?
    public var versionAfter: String?
    /// Values that change, masked where sensitive.
    public var fields: [FieldChange]
    /// Why an upgrade is needed besides values: a failed or stuck revision.
    public var note: String?
    /// The release to install (install and upgrade).
    public var desired: HelmRelease?

    public var id: String { "\(namespace)/\(name)" }
}

/// Compares desired Helm releases with installed ones: by chart, version and values.
public enum ReleaseDiff {
    public static func plan(desired: [HelmRelease], live: [LiveRelease], prune: Bool) -> [ReleasePlan] {
        var byID: [String: LiveRelease] = [:]
        for release in live { byID[release.id] = release }
        var plans: [ReleasePlan] = []
        for release in desired {
            let id = "\(release.namespace)/\(release.name)"
            guard let current = byID[id] else {
                plans.append(ReleasePlan(name: release.name, namespace: release.namespace, action: .install, chart: release.chart,
                                         versionBefore: nil, versionAfter: release.version,
                                         fields: [], note: nil, desired: release))
                continue
            }
            let values = FieldDiff.changes(from: current.values, to: release.values)
            let masked = mask(values, desired: release)
            let healthy = current.status == "deployed"
            if current.chart == release.chart, current.version == release.version, values.isEmpty, healthy { continue }
            plans.append(ReleasePlan(name: release.name, namespace: release.namespace, action: .upgrade, chart: release.chart,
                                     versionBefore: current.chart == release.chart ? current.version : "\(current.chart) \(current.version)",
                                     versionAfter: release.version, fields: masked,
                                     note: healthy ? nil : "the installed revision \(current.revision) is \(current.status)",
                                     desired: release))
        }
        if prune {
            let wanted = Set(desired.map { "\($0.namespace)/\($0.name)" })
            for release in live where release.owned && !wanted.contains(release.id) {
                plans.append(ReleasePlan(name: release.name, namespace: release.namespace, action: .uninstall, chart: release.chart,
                                         versionBefore: release.version, versionAfter: nil, fields: [], note: nil, desired: nil))
            }
        }
        return plans.sorted { ($0.namespace, $0.name) < ($1.namespace, $1.name) }
    }

    /// Value changes with sensitive values masked, by key name and by cluster.yaml's marks.
    static func mask(_ fields: [FieldChange], desired: HelmRelease) -> [FieldChange] {
        fields.map { field in
            let sensitive = isSensitive(path: field.path, marked: desired.sensitiveValues)
            func shown(_ value: JSONValue?) -> JSONValue? {
                guard let value else { return nil }
                return sensitive ? Sensitive.maskAll(value) : Sensitive.maskValues(value)
            }
            return FieldChange(path: field.path, before: shown(field.before), after: shown(field.after))
        }
    }

    /// True when any key along a dotted path is sensitive, or the path is at or below a marked one.
    static func isSensitive(path: String, marked: [String]) -> Bool {
        if marked.contains(where: { path == $0 || path.hasPrefix($0 + ".") || path.hasPrefix($0 + "[") }) { return true }
        return pathKeys(path).contains(where: Sensitive.isSensitiveKey)
    }

    /// The object keys of a rendered path (`hub.config["client_secret"]` -> hub, config, client_secret).
    static func pathKeys(_ path: String) -> [String] {
        var keys: [String] = []
        for part in path.split(separator: ".") {
            var rest = Substring(part)
            if let bracket = rest.firstIndex(of: "[") {
                keys.append(String(rest[..<bracket]))
                rest = rest[bracket...]
                while let open = rest.range(of: "[\""), let close = rest.range(of: "\"]", range: open.upperBound..<rest.endIndex) {
                    keys.append(String(rest[open.upperBound..<close.lowerBound]))
                    rest = rest[close.upperBound...]
                }
            } else {
                keys.append(String(rest))
            }
        }
        return keys
    }
}
