import FairwayAgent
import FairwayCore
import FairwayPipeline
import FairwayTestSupport
import FairwayYAML
import Foundation
import Testing

/// The Kueue release Fairway renders for the template, through the real Kueue chart the template
/// pins (../shared/charts/kueue-0.19.2.tgz): `helm template` accepts the values, the manager's
/// configuration is the v1beta2 one with Fairway's settings, and every setting of the chart's own
/// default configuration that Fairway does not decide is kept as the chart ships it.
@Suite struct KueueChartTests {
    static let chart = Paths.root.deletingLastPathComponent().appendingPathComponent("shared/charts/kueue-0.19.2.tgz").path

    static func yaml(_ text: String) throws -> [JSONValue] {
        try YAMLParser.parse(Array(text.utf8), limits: YAMLLimits(maxBytes: 1 << 28, maxAliasExpansion: 100_000, maxDepth: 200))
            .documents.map { $0.jsonValue() }
    }

    static func renderedValues() throws -> JSONValue {
        let desired = try #require(try Pipeline().evaluate(path: Paths.template.path).desired)
        return try #require(desired.helmReleases.first { $0.name == "kueue" }).values
    }

    @Test(.enabled(if: Tools.installed("helm"), "needs helm (bash scripts/setup)")) func theChartAcceptsTheControllerConfiguration() async throws {
        let sandbox = try ClientSandbox()
        defer { sandbox.remove() }
        let values = try sandbox.write("kueue-values.json", JSONWriter.string(try Self.renderedValues()))
        let run = try await sandbox.helm(["template", "kueue", Self.chart, "--namespace", "kueue-system", "-f", values])
        #expect(run.status == 0, "\(run)")
        let configMap = try #require(try Self.yaml(run.stdout).first {
            $0["kind"] == "ConfigMap" && ($0["metadata"]?["name"]?.stringValue ?? "").hasSuffix("manager-config")
        })
        let text = try #require(configMap["data"]?["controller_manager_config.yaml"]?.stringValue)
        let config = try #require(try Self.yaml(text).first)
        #expect(config["apiVersion"] == "config.kueue.x-k8s.io/v1beta2")
        #expect(config["fairSharing"]?["preemptionStrategies"] == ["LessThanOrEqualToFinalShare", "LessThanInitialShare"])
        #expect(config["waitForPodsReady"]?["timeout"] == "15m")
        let frameworks = try #require(config["integrations"]?["frameworks"]?.arrayValue)
        for framework in ["batch/job", "pod", "ray.io/rayjob", "ray.io/raycluster", "ray.io/rayservice"] {
            #expect(frameworks.contains(.string(framework)), "\(framework) missing")
        }

        // Every default of the chart Fairway does not decide survives, the concurrency and QPS included.
        let shown = try await sandbox.helm(["show", "values", Self.chart])
        let chartValues = try #require(try Self.yaml(shown.stdout).first)
        let defaultsText = try #require(chartValues["managerConfig"]?["controllerManagerConfigYaml"]?.stringValue)
        let defaults = try #require(try Self.yaml(defaultsText).first)
        let decided: Set<String> = ["integrations", "fairSharing", "waitForPodsReady", "manageJobsWithoutQueueName",
                                    "managedJobsNamespaceSelector"]
        for (key, value) in try #require(defaults.objectValue) where !decided.contains(key) {
            #expect(config[key] == value, "chart default \(key) changed: \(String(describing: config[key]))")
        }
        #expect(config["controller"]?["groupKindConcurrency"]?["Workload.kueue.x-k8s.io"] == 10)
    }
}
