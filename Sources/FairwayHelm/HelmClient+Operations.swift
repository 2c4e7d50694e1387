import FairwayCore
import FairwayLive

/// Changing releases: install or upgrade one to its desired chart, version and values, and uninstall
/// one. Apply calls these in dependency order; each waits for helm to finish (up to its timeout).
extension HelmClient {
    /// Installs `release`, or upgrades it when it exists, and returns the new revision.
    ///
    /// The values are exactly `release.values` (`--reset-values`: nothing is carried over from the last
    /// revision), passed in a private file (`HelmValuesFile`). The namespace is created if missing.
    ///
    /// - Parameters:
    ///   - timeout: helm's `--timeout` for the whole operation; helm itself is stopped a deadline later.
    ///   - atomic: roll a failed upgrade back, and remove a failed install (`--atomic`, in helm v4
    ///     `--rollback-on-failure`).
    ///   - wait: wait until the release's workloads are ready (`--wait`).
    ///   - chartOverride: a local chart directory or `.tgz` to install instead of fetching the chart
    ///     (air-gapped clusters, tests); its name and version must be the release's.
    /// - Throws: `HelmError`; `operationInProgress` when the release is stuck in a pending state
    ///   (see `recoverStuck`), `chartNotFound` when the repository lacks the pinned version.
    @discardableResult
    public func upgradeInstall(_ release: HelmRelease, timeout: Duration = .seconds(300), atomic: Bool = true,
                               wait: Bool = true, chartOverride: String? = nil) async throws(HelmError) -> Int {
        let version = try await version()
        let id = "\(release.namespace)/\(release.name)"
        switch release.values {
        case .object, .null: break
        default: throw HelmError(.invalidValues, .upgradeInstall, release: id, message: "the values are not an object")
        }
        let chart = try HelmChartSource.arguments(for: release, override: chartOverride)
        if let chartOverride { try await checkLocalChart(chartOverride, for: release) }
        let values = release.values == .null ? .object(JSONObject()) : release.values
        let outcome = try await HelmValuesFile.with(values, in: temporaryDirectory, release: id) { path throws(HelmError) in
            var arguments = ["upgrade", "--install", release.name] + chart
            arguments += ["--namespace", release.namespace, "--create-namespace", "--values", path, "--reset-values",
                          "--timeout", timeout.goSeconds, "--output", "json", "--labels", Self.ownershipLabel]
            if atomic { arguments.append(version.rollbackOnFailureFlag) }
            if wait { arguments.append("--wait") }
            let redaction = HelmRedaction(values: values, paths: [path, FileIO.directory(of: path)])
            return try await run(.upgradeInstall, release: id, arguments, deadline: timeout + deadline, redaction: redaction)
        }
        guard let revision = try Self.parse(outcome, .upgradeInstall, release: id)["version"]?.intValue else {
            throw Self.unexpected(.upgradeInstall, id, "a release with a revision")
        }
        logger.info("helm release installed", metadata: [
            "helm.release": "\(id)", "helm.chart": "\(release.chart)", "helm.chart_version": "\(release.version)",
            "helm.revision": "\(revision)",
        ])
        return revision
    }

    /// The release label that marks a release as Fairway's (`helm list --selector` finds them), so
    /// a release gone from Git is uninstalled only when Fairway installed it. helm puts release labels
    /// on its storage Secret too, so it must not be the objects' ownership label: Fairway would then
    /// take helm's storage for its own objects and prune it.
    public static let ownershipLabel = "fairway.dev/release-owner=fairway"

    /// Uninstalls the release and waits until its resources are gone (up to `timeout`).
    /// Throws `releaseNotFound` when there is no such release.
    public func uninstall(name: String, namespace: String, timeout: Duration = .seconds(300)) async throws(HelmError) {
        let id = "\(namespace)/\(name)"
        try await run(.uninstall, release: id, ["uninstall", name, "--namespace", namespace, "--wait", "--timeout", timeout.goSeconds],
                      deadline: timeout + deadline)
        logger.info("helm release uninstalled", metadata: ["helm.release": "\(id)"])
    }

    /// Refuses a local chart whose name or version is not the release's: the pin must hold offline too.
    private func checkLocalChart(_ path: String, for release: HelmRelease) async throws(HelmError) {
        let id = "\(release.namespace)/\(release.name)"
        let outcome = try await run(.showChart, release: id, ["show", "chart", path], cluster: false)
        var fields: [String: String] = [:]
        for line in outcome.stdoutText.split(separator: "\n") where !line.hasPrefix(" ") && !line.hasPrefix("-") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let value = line[line.index(after: colon)...].trimmedWhitespace
            fields[String(line[..<colon])] = value.trimmingQuotes
        }
        guard fields["name"] == release.chart, fields["version"] == release.version else {
            throw HelmError(.chartVersionMismatch, .upgradeInstall, release: id,
                            message: "the local chart \(path) is \(fields["name"] ?? "?") \(fields["version"] ?? "?"), "
                                + "but the release pins \(release.chart) \(release.version)")
        }
    }
}

/// How helm is told where a release's chart is.
enum HelmChartSource {
    /// The chart argument and its flags: `oci://registry/path/chart --version V` for OCI registries,
    /// `CHART --repo URL --version V` for chart repositories, or the override path as it is.
    static func arguments(for release: HelmRelease, override: String?) throws(HelmError) -> [String] {
        if let override { return [override] }
        let repository = release.repository
        if repository.hasPrefix("oci://") {
            let base = repository.hasSuffix("/") ? String(repository.dropLast()) : repository
            return ["\(base)/\(release.chart)", "--version", release.version]
        }
        if repository.hasPrefix("https://") || repository.hasPrefix("http://") {
            return [release.chart, "--repo", repository, "--version", release.version]
        }
        throw HelmError(.chartNotFound, .upgradeInstall, release: "\(release.namespace)/\(release.name)",
                        message: "the repository '\(repository)' is not an https://, http:// or oci:// URL; "
                            + "pass a local chart to install from a directory or archive")
    }
}

extension StringProtocol {
    /// The text without one pair of surrounding single or double quotes.
    var trimmingQuotes: String {
        if count >= 2, let first, first == "\"" || first == "'", last == first { return String(dropFirst().dropLast()) }
        return String(self)
    }
}
