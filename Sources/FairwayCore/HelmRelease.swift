/// One Helm release Fairway wants installed: where the chart comes from, its pinned version, and
/// the values Fairway computed with the repository's own values merged over them. Data only: the
/// apply stage runs helm with it; `fairway render` writes it out for Argo CD, Flux or Helmfile.
public struct HelmRelease: Sendable, Hashable {
    public var name: String
    public var namespace: String
    public var chart: String
    /// A chart repository URL (`https://...`) or an OCI registry (`oci://...`).
    public var repository: String
    public var version: String
    public var values: JSONValue
    /// The document the release is pinned in (cluster.yaml).
    public var sourcePath: String
    /// Releases that must be installed first (their CRDs or webhooks are needed by this one).
    public var dependsOn: [String]
    /// Dotted paths of values marked secret in cluster.yaml: masked wherever values are shown.
    public var sensitiveValues: [String]

    /// Charts whose releases need another chart's installed first, by chart name: Kueue's RayJob and
    /// RayCluster integrations need the Ray CRDs the KubeRay operator's chart brings. The renderer
    /// names these in `dependsOn`; removing both uninstalls the dependent first.
    public static let chartDependencies: [String: [String]] = ["kueue": ["kuberay-operator"]]

    public init(name: String, namespace: String, chart: String, repository: String, version: String,
                values: JSONValue, sourcePath: String, dependsOn: [String] = [], sensitiveValues: [String] = []) {
        self.name = name
        self.namespace = namespace
        self.chart = chart
        self.repository = repository
        self.version = version
        self.values = values
        self.sourcePath = sourcePath
        self.dependsOn = dependsOn
        self.sensitiveValues = sensitiveValues
    }
}

extension JSONValue {
    /// `overrides` merged over `self`: objects merge key by key (recursively), anything else is
    /// replaced, as Helm merges values files. A `null` override removes the key.
    public func merging(_ overrides: JSONValue) -> JSONValue {
        guard case var .object(base) = self, case let .object(over) = overrides else { return overrides }
        for (key, value) in over {
            if case .null = value {
                base[key] = nil
            } else if let existing = base[key] {
                base[key] = existing.merging(value)
            } else {
                base[key] = value
            }
        }
        return .object(base)
    }
}
