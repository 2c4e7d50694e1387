import FairwayCore

/// Reading Helm live state: the releases in every namespace and state, their user-supplied values,
/// their metadata and their history. Reads change nothing and may run concurrently.
extension HelmClient {
    /// Every release in every namespace, in every state (deployed, failed, pending...):
    /// `helm list --all-namespaces -o json`, with v3's `--all`. An empty cluster is an empty list.
    public func list(selector: String? = nil) async throws(HelmError) -> [HelmListedRelease] {
        let version = try await version()
        var arguments = ["list", "--all-namespaces", "--max", "0", "--output", "json"] + version.listEveryStateFlags
        if let selector { arguments += ["--selector", selector] }
        let outcome = try await run(.list, arguments)
        let rows = try Self.parse(outcome, .list, release: nil)
        guard case let .array(items) = rows else {
            if case .null = rows { return [] }
            throw Self.unexpected(.list, nil, "a JSON array")
        }
        var releases: [HelmListedRelease] = []
        for item in items {
            guard let name = item["name"]?.stringValue, let namespace = item["namespace"]?.stringValue else {
                throw Self.unexpected(.list, nil, "releases with a name and a namespace")
            }
            let (chart, chartVersion) = HelmChartColumn.split(item["chart"]?.stringValue ?? "")
            releases.append(HelmListedRelease(
                name: name, namespace: namespace, revision: item["revision"]?.intValue ?? 0,
                status: HelmReleaseStatus(rawValue: item["status"]?.stringValue ?? "unknown"), chart: chart,
                chartVersion: chartVersion, appVersion: item["app_version"]?.stringValue ?? "",
                updated: item["updated"]?.stringValue ?? ""))
        }
        return releases
    }

    /// The values the release was installed with (`helm get values -o json`), without the chart's
    /// defaults. A release installed without values has an empty object, not an error.
    public func values(name: String, namespace: String) async throws(HelmError) -> JSONValue {
        let release = "\(namespace)/\(name)"
        let outcome = try await run(.getValues, release: release, ["get", "values", name, "--namespace", namespace, "--output", "json"])
        let values = try Self.parse(outcome, .getValues, release: release)
        switch values {
        case .null: return .object(JSONObject())
        case .object: return values
        default: throw Self.unexpected(.getValues, release, "a JSON object")
        }
    }

    /// What helm recorded about the release's current revision (`helm get metadata -o json`; helm 3.13+).
    public func metadata(name: String, namespace: String) async throws(HelmError) -> HelmReleaseMetadata {
        let release = "\(namespace)/\(name)"
        let outcome = try await run(.getMetadata, release: release, ["get", "metadata", name, "--namespace", namespace, "--output", "json"])
        let object = try Self.parse(outcome, .getMetadata, release: release)
        guard let chart = object["chart"]?.stringValue, let version = object["version"]?.stringValue,
              let revision = object["revision"]?.intValue else {
            throw Self.unexpected(.getMetadata, release, "an object with chart, version and revision")
        }
        return HelmReleaseMetadata(
            name: object["name"]?.stringValue ?? name, namespace: object["namespace"]?.stringValue ?? namespace,
            chart: chart, chartVersion: version, appVersion: object["appVersion"]?.stringValue ?? "", revision: revision,
            status: HelmReleaseStatus(rawValue: object["status"]?.stringValue ?? "unknown"),
            deployedAt: object["deployedAt"]?.stringValue ?? "")
    }

    /// The release's revisions, oldest first (`helm history -o json`; helm keeps the last ten by default).
    public func history(name: String, namespace: String) async throws(HelmError) -> [HelmRevision] {
        let release = "\(namespace)/\(name)"
        let outcome = try await run(.history, release: release, ["history", name, "--namespace", namespace, "--max", "256", "--output", "json"])
        guard let items = try Self.parse(outcome, .history, release: release).arrayValue else {
            throw Self.unexpected(.history, release, "a JSON array")
        }
        var revisions: [HelmRevision] = []
        for item in items {
            guard let number = item["revision"]?.intValue else { throw Self.unexpected(.history, release, "numbered revisions") }
            revisions.append(HelmRevision(
                revision: number, status: HelmReleaseStatus(rawValue: item["status"]?.stringValue ?? "unknown"),
                chart: item["chart"]?.stringValue ?? "", description: item["description"]?.stringValue ?? ""))
        }
        return revisions.sorted { $0.revision < $1.revision }
    }

    /// Every release with its values, for Diff. Values are read with at most `concurrency` helm
    /// processes at once; a release uninstalled between the list and its values is left out.
    public func readLive(concurrency: Int = 4) async throws(HelmError) -> [HelmLiveRelease] {
        let listed = try await list()
        let results: [Result<JSONValue?, HelmError>] = await withTaskGroup(of: (Int, Result<JSONValue?, HelmError>).self) { group in
            var results = [Result<JSONValue?, HelmError>](repeating: .success(nil), count: listed.count)
            var next = 0
            func start() {
                let index = next, release = listed[index]
                next += 1
                group.addTask {
                    do throws(HelmError) {
                        return (index, .success(try await values(name: release.name, namespace: release.namespace)))
                    } catch let error where error.code == .releaseNotFound {
                        return (index, .success(nil))
                    } catch {
                        return (index, .failure(error))
                    }
                }
            }
            while next < min(max(1, concurrency), listed.count) { start() }
            for await (index, result) in group {
                results[index] = result
                if next < listed.count { start() }
            }
            return results
        }
        var releases: [HelmLiveRelease] = []
        for (release, result) in zip(listed, results) {
            guard let values = try result.get() else { continue }
            releases.append(HelmLiveRelease(
                name: release.name, namespace: release.namespace, chart: release.chart, chartVersion: release.chartVersion,
                revision: release.revision, status: release.status, values: values))
        }
        return releases
    }

    /// helm's standard output as JSON.
    static func parse(_ outcome: ChildProcess.Outcome, _ operation: HelmOperation, release: String?) throws(HelmError) -> JSONValue {
        do {
            return try JSONReader.parse(outcome.stdout)
        } catch {
            throw unexpected(operation, release, "JSON (\(error.reason) at byte \(error.offset))")
        }
    }

    /// helm printed something other than `expected`. The output itself is not quoted: it may hold values.
    static func unexpected(_ operation: HelmOperation, _ release: String?, _ expected: String) -> HelmError {
        HelmError(.invalidOutput, operation, release: release, message: "helm's output is not \(expected)")
    }
}
