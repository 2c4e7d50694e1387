import FairwayCore
import FairwayHelm
import FairwayLive
import FairwayTestCluster
import Foundation
import Testing

/// Releases left pending by a helm that was killed mid-operation (the test cluster leaves workloads
/// unready, so helm waits until it is killed): the client reports them clearly, and `recoverStuck`
/// rolls an interrupted upgrade back and uninstalls an interrupted first install.
@Suite(.serialized) struct HelmStuckReleaseTests {
    @Test(.enabled(if: Tools.installed("helm"), "needs helm (bash scripts/setup)")) func interruptedUpgradeIsRolledBack() async throws {
        try await HelmFixture.with(["--no-workload-status"]) { fixture in
            let client = fixture.client
            let release = fixture.release(values: ["replicaCount": 1])
            #expect(try await client.upgradeInstall(release, timeout: .seconds(60), atomic: false, wait: false) == 1)
            try await fixture.interruptedHelm(["upgrade", "kuberay-operator", fixture.repository.chartDirectory, "-n", "kuberay-system",
                                               "--set", "replicaCount=5", "--wait", "--timeout", "5m"],
                                              leaving: .pendingUpgrade)

            let refused = await #expect(throws: HelmError.self) {
                try await client.upgradeInstall(release, timeout: .seconds(60), atomic: false, wait: false)
            }
            #expect(refused?.code == .operationInProgress, "\(String(describing: refused))")
            #expect(refused?.description.contains("recoverStuck") == true)

            #expect(try await client.recoverStuck(name: "kuberay-operator", namespace: "kuberay-system", timeout: .seconds(30),
                                                  wait: false) == .rolledBack(stuckRevision: 2, to: 1))
            let recovered = try await client.list()
            #expect(recovered.map(\.status) == [.deployed] && recovered.map(\.revision) == [3], "\(recovered)")
            #expect(try await client.recoverStuck(name: "kuberay-operator", namespace: "kuberay-system") == .notStuck(.deployed))

            // Waiting for workloads that never become ready ends in helm's own timeout: failed, not stuck.
            let unready = await #expect(throws: HelmError.self) {
                try await client.upgradeInstall(release, timeout: .seconds(2), atomic: false, wait: true)
            }
            #expect(unready?.code == .notReady, "\(String(describing: unready))")
            #expect(try await client.list().map(\.status) == [.failed])
            #expect(try await client.recoverStuck(name: "kuberay-operator", namespace: "kuberay-system") == .notStuck(.failed))
            #expect(try await client.upgradeInstall(release, timeout: .seconds(2), atomic: false, wait: false) == 5)

            // Atomic (helm v4: --rollback-on-failure): the failed revision 6 is rolled back at once to 5's chart
            // and values, as revision 7 (itself failed here, as its workloads never become ready either).
            let rolledBack = await #expect(throws: HelmError.self) {
                try await client.upgradeInstall(fixture.release(values: ["replicaCount": 2]), timeout: .seconds(2))
            }
            #expect(rolledBack?.code == .notReady, "\(String(describing: rolledBack))")
            let restored = try await client.readLive()
            #expect(restored.map(\.revision) == [7], "\(restored)")
            #expect(restored.map(\.values) == [["replicaCount": 1]])
        }
    }

    @Test(.enabled(if: Tools.installed("helm"), "needs helm (bash scripts/setup)")) func interruptedFirstInstallIsUninstalled() async throws {
        try await HelmFixture.with(["--no-workload-status"]) { fixture in
            let client = fixture.client
            try await fixture.interruptedHelm(["install", "never-ready", fixture.repository.chartDirectory, "-n", "ray",
                                               "--create-namespace", "--wait", "--timeout", "5m"],
                                              leaving: .pendingInstall)
            let listed = try await client.list()
            #expect(listed.map(\.status) == [.pendingInstall] && listed.map(\.chartVersion) == ["1.7.0"], "\(listed)")
            #expect(try await client.recoverStuck(name: "never-ready", namespace: "ray", timeout: .seconds(30))
                        == .uninstalled(stuckRevision: 1))
            #expect(try await client.list().isEmpty)
        }
    }
}

extension HelmFixture {
    /// Starts the real helm with `arguments`, waits until the release it works on reaches `status`,
    /// and kills it (SIGKILL: no chance to clean up), as a crash or a lost node would.
    func interruptedHelm(_ arguments: [String], leaving status: HelmReleaseStatus) async throws {
        let helm = Process()
        helm.executableURL = URL(fileURLWithPath: Tools.path("helm")!)
        helm.arguments = arguments + ["--kubeconfig", cluster.sandbox.kubeconfig]
        helm.environment = cluster.sandbox.environment
        helm.standardOutput = FileHandle.nullDevice
        helm.standardError = FileHandle.nullDevice
        try helm.run()
        defer {
            kill(helm.processIdentifier, SIGKILL)
            helm.waitUntilExit()
        }
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(30)
        while try await !client.list().contains(where: { $0.status == status }) {
            guard clock.now < deadline, helm.isRunning else {
                throw TestClusterError("helm \(arguments[0]) never left a \(status) release (running: \(helm.isRunning))")
            }
            try await Task.sleep(for: .milliseconds(100))
        }
    }
}
