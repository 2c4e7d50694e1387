import FairwayCore
import FairwayHelm
import FairwayLive
import Foundation
import Testing

/// The helm client with the real helm against a `fairway-testcluster` process, installing a chart like
/// a real add-on (kuberay-operator 1.7.0) from a chart repository served on 127.0.0.1.
@Suite(.serialized) struct HelmClusterTests {
    static let first: JSONValue = ["replicaCount": 2, "image": ["tag": "1.27"], "auth": ["password": "s3cr3t-planted"]]
    static let second: JSONValue = ["replicaCount": 3, "serviceAccount": ["create": false]]

    /// Install, read back, upgrade, refuse an unknown version, install from a local path, uninstall.
    @Test(.enabled(if: Tools.installed("helm"), "needs helm (bash scripts/setup)")) func releaseLifecycle() async throws {
        try await HelmFixture.with { fixture in
            let client = fixture.client
            #expect(try await client.list().isEmpty)

            let installed = try await client.upgradeInstall(fixture.release(values: Self.first), timeout: .seconds(60))
            #expect(installed == 1)
            let listed = try await client.list()
            #expect(listed.count == 1)
            let row = try #require(listed.first)
            #expect(row.name == "kuberay-operator" && row.namespace == "kuberay-system")
            #expect(row.chart == "kuberay-operator" && row.chartVersion == "1.7.0" && row.appVersion == "v1.7.0")
            #expect(row.revision == 1 && row.status == .deployed && !row.updated.isEmpty)
            #expect(try await client.values(name: "kuberay-operator", namespace: "kuberay-system") == Self.first)
            let metadata = try await client.metadata(name: "kuberay-operator", namespace: "kuberay-system")
            #expect([metadata.name, metadata.namespace, metadata.chart, metadata.chartVersion, metadata.appVersion]
                        == ["kuberay-operator", "kuberay-system", "kuberay-operator", "1.7.0", "v1.7.0"])
            #expect(metadata.revision == 1 && metadata.status == .deployed)
            #expect(!metadata.deployedAt.isEmpty)
            #expect(try await client.readLive() == [HelmLiveRelease(
                name: "kuberay-operator", namespace: "kuberay-system", chart: "kuberay-operator", chartVersion: "1.7.0",
                revision: 1, status: .deployed, values: Self.first)])

            // Other values replace the first ones whole (nothing carried over).
            #expect(try await client.upgradeInstall(fixture.release(values: Self.second), timeout: .seconds(60)) == 2)
            let upgraded = try await client.readLive()
            #expect(upgraded.map(\.revision) == [2] && upgraded.map(\.values) == [Self.second])
            let replicas = try await fixture.cluster.sandbox.kubectl(
                ["get", "deployment", "kuberay-operator", "-n", "kuberay-system", "-o", "jsonpath={.spec.replicas}"])
            #expect(replicas.stdout == "3", "\(replicas)")

            // An unknown version is a clear error and leaves the release as it was.
            let unknown = await #expect(throws: HelmError.self) {
                try await client.upgradeInstall(fixture.release(version: "9.9.9", values: Self.first), timeout: .seconds(60))
            }
            #expect(unknown?.code == .chartNotFound, "\(String(describing: unknown))")
            #expect(unknown?.description.contains("version \"9.9.9\" not found") == true, "\(String(describing: unknown))")
            let untouched = try await client.readLive()
            #expect(untouched.map(\.revision) == [2] && untouched.map(\.values) == [Self.second])

            // From a local chart directory (air-gapped), whose version must be the pinned one.
            let local = fixture.release("local-operator", namespace: "local", values: ["replicaCount": 1])
            #expect(try await client.upgradeInstall(local, timeout: .seconds(60), chartOverride: fixture.repository.chartDirectory) == 1)
            let mismatch = await #expect(throws: HelmError.self) {
                try await client.upgradeInstall(fixture.release("local-operator", namespace: "local", version: "1.8.0", values: [:]),
                                                chartOverride: fixture.repository.chartDirectory)
            }
            #expect(mismatch?.code == .chartVersionMismatch, "\(String(describing: mismatch))")
            let both = try await client.readLive()
            #expect(both.map(\.name).sorted() == ["kuberay-operator", "local-operator"])
            #expect(both.first { $0.name == "local-operator" } == HelmLiveRelease(
                name: "local-operator", namespace: "local", chart: "kuberay-operator", chartVersion: "1.7.0",
                revision: 1, status: .deployed, values: ["replicaCount": 1]))

            try await client.uninstall(name: "kuberay-operator", namespace: "kuberay-system", timeout: .seconds(60))
            try await client.uninstall(name: "local-operator", namespace: "local", timeout: .seconds(60))
            #expect(try await client.list().isEmpty)
            let again = await #expect(throws: HelmError.self) {
                try await client.uninstall(name: "local-operator", namespace: "local")
            }
            #expect(again?.code == .releaseNotFound, "\(String(describing: again))")
            #expect(try fixture.leftovers().isEmpty)
        }
    }

    /// A secret in the values never reaches an error or a log line, and no values file is left behind.
    @Test(.enabled(if: Tools.installed("helm"), "needs helm (bash scripts/setup)")) func valuesStaySecret() async throws {
        try await HelmFixture.with { fixture in
            let client = fixture.client
            try await client.upgradeInstall(fixture.release(values: Self.first), timeout: .seconds(60))
            let failed = await #expect(throws: HelmError.self) {
                try await client.upgradeInstall(fixture.release(version: "9.9.9", values: Self.first), timeout: .seconds(60))
            }
            #expect(failed?.description.contains("s3cr3t-planted") == false)
            #expect(failed?.description.contains(fixture.temporaryDirectory) == false)
            #expect(fixture.log.lines.contains { $0.contains("helm failed") && $0.contains("error.code=chart-not-found") },
                    "\(fixture.log.lines)")
            #expect(!fixture.log.lines.joined(separator: "\n").contains("s3cr3t-planted"), "\(fixture.log.lines)")
            #expect(try fixture.leftovers().isEmpty)
        }
    }

    /// A kubeconfig naming a server nobody listens on fails at once, saying so.
    @Test(.enabled(if: Tools.installed("helm"), "needs helm (bash scripts/setup)")) func unreachableClusterIsAClearError() async throws {
        let sandbox = try ClientSandbox()
        defer { sandbox.remove() }
        let kubeconfig = try sandbox.write("unreachable", """
            apiVersion: v1
            kind: Config
            clusters: [{name: gone, cluster: {server: "https://127.0.0.1:1"}}]
            contexts: [{name: gone, context: {cluster: gone, user: gone}}]
            current-context: gone
            users: [{name: gone, user: {token: not-a-secret}}]

            """)
        let client = HelmClient(executable: Tools.path("helm")!, kubeconfig: kubeconfig, environment: sandbox.environment,
                                deadline: .seconds(20), logger: MemoryLog().logger)
        let clock = ContinuousClock()
        let started = clock.now
        let listError = await #expect(throws: HelmError.self) { try await client.list() }
        #expect(listError?.code == .clusterUnreachable, "\(String(describing: listError))")
        #expect(listError?.description.contains("cannot be reached") == true)
        let release = HelmRelease(name: "x", namespace: "x", chart: "x", repository: "https://charts.invalid", version: "1.0.0",
                                  values: [:], sourcePath: "cluster.yaml")
        let installError = await #expect(throws: HelmError.self) { try await client.upgradeInstall(release, timeout: .seconds(30)) }
        #expect(installError?.code == .clusterUnreachable, "\(String(describing: installError))")
        #expect(clock.now - started < .seconds(10))
    }
}
