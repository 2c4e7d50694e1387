import FairwayTestSupport
import FairwayCore
import Foundation
import Testing
@testable import FairwayTestCluster

/// The real helm v4 against the test cluster: install a chart made by `helm create`, upgrade it with
/// other values, list it, read its values, uninstall it, and find nothing left behind.
@Suite(.serialized) struct HelmTests {
    @Test(.enabled(if: Tools.installed("helm", "kubectl"), "needs helm and kubectl (bash scripts/setup)")) func chartLifecycle() async throws {
        try await ClusterProcess.with { cluster in
            let sandbox = cluster.sandbox
            let created = try await sandbox.helm(["create", "demo"])
            #expect(created.status == 0, "\(created)")

            let installed = try await sandbox.helm(["upgrade", "--install", "demo", "./demo", "--wait", "--timeout", "60s"])
            #expect(installed.status == 0, "\(installed)")
            #expect(installed.stdout.contains("STATUS: deployed"))
            let replicas = try await sandbox.kubectl(["get", "deployment", "demo", "-o", "jsonpath={.spec.replicas}"])
            #expect(replicas.stdout == "1", "\(replicas)")

            let upgraded = try await sandbox.helm(["upgrade", "demo", "./demo", "--set", "replicaCount=3", "--set", "image.tag=1.27",
                                                   "--wait", "--timeout", "60s"])
            #expect(upgraded.status == 0, "\(upgraded)")
            let deployment = try JSONReader.parse(try await sandbox.kubectl(["get", "deployment", "demo", "-o", "json", "--show-managed-fields"]).stdout)
            #expect(deployment["spec"]?["replicas"] == 3)
            #expect(deployment.value(at: ["spec", "template", "spec", "containers"])?[0]?["image"] == "nginx:1.27")
            #expect(deployment["metadata"]?["managedFields"]?.arrayValue?.contains { $0["manager"] == "helm" && $0["operation"] == "Apply" } == true)

            let list = try JSONReader.parse(try await sandbox.helm(["list", "-o", "json"]).stdout)
            #expect(list[0]?["name"] == "demo")
            #expect(list[0]?["revision"] == "2")
            #expect(list[0]?["status"] == "deployed")
            let values = try JSONReader.parse(try await sandbox.helm(["get", "values", "demo", "-o", "json"]).stdout)
            #expect(values == ["replicaCount": 3, "image": ["tag": "1.27"]])
            let releases = try await sandbox.kubectl(["get", "secrets", "-l", "owner=helm", "-o", "jsonpath={.items[*].type}"])
            #expect(releases.stdout == "helm.sh/release.v1 helm.sh/release.v1")

            let uninstalled = try await sandbox.helm(["uninstall", "demo", "--wait", "--timeout", "60s"])
            #expect(uninstalled.status == 0, "\(uninstalled)")
            let left = try await sandbox.kubectl(["get", "all,secrets,serviceaccounts,configmaps,ingresses", "-n", "default", "-o", "name"])
            #expect(left.status == 0, "\(left)")
            #expect(left.stdout.isEmpty, "left behind: \(left.stdout)")
            let empty = try await sandbox.helm(["list", "-q"])
            #expect(empty.stdout.isEmpty)
        }
    }
}
