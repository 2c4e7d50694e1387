@testable import FairwayAgent
import FairwayCore
import FairwayKubernetes
import FairwayLive
import FairwayPipeline
import FairwayTestCluster
import Logging
import Testing

/// Leader election on a Lease in the test API server: one leader among candidates, takeover only
/// once the leader stopped renewing for the lease duration, release on shutdown, and a standby's
/// sync request reaching the leader.
@Suite(.serialized) struct LeaderElectionTests {
    static func elector(_ client: KubernetesClient, _ identity: String) -> LeaderElector {
        var configuration = LeaderElector.Configuration(namespace: "default", identity: identity)
        // Timings generous enough for a loaded machine (the whole suite runs at once).
        configuration.leaseDuration = .seconds(6)
        configuration.renewDeadline = .seconds(4)
        configuration.retryPeriod = .milliseconds(400)
        return LeaderElector(client: client, configuration: configuration, logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
    }

    static func lease(_ client: KubernetesClient) async throws -> LeaseRecord? {
        try await client.get(ObjectKey(apiVersion: "coordination.k8s.io/v1", kind: "Lease", namespace: "default", name: "fairway-sync"))
            .map { LeaseRecord($0.body) }
    }

    @Test func theHolderKeepsTheLeaseUntilItStopsRenewingForTheLeaseDuration() async throws {
        try await Kube.withClient { _, client in
            let a = Self.elector(client, "agent-a"), b = Self.elector(client, "agent-b")
            #expect(await a.tryAcquireOrRenew())
            #expect(await !b.tryAcquireOrRenew())
            #expect(await a.tryAcquireOrRenew())
            #expect(await !b.tryAcquireOrRenew())
            #expect(b.holder == "agent-a")
            // a stops renewing; b takes over only once the lease has run out on b's own clock.
            try await Task.sleep(for: .milliseconds(6300))
            #expect(await b.tryAcquireOrRenew())
            #expect(await !a.tryAcquireOrRenew())
            let record = try #require(try await Self.lease(client))
            #expect(record.holder == "agent-b" && record.transitions == 1 && record.durationSeconds == 6)
        }
    }

    @Test func candidatesCampaigningAtOnceElectExactlyOne() async throws {
        try await Kube.withClient { _, client in
            let names = (1...6).map { "agent-\($0)" }
            let won = await withTaskGroup(of: Bool.self) { group in
                for name in names { group.addTask { await Self.elector(client, name).tryAcquireOrRenew() } }
                return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            #expect(won == 1)
        }
    }

    @Test func aLeaderThatShutsDownReleasesAndTheStandbyLeadsAtOnce() async throws {
        try await Kube.withClient { _, client in
            let a = Self.elector(client, "agent-a"), b = Self.elector(client, "agent-b")
            let events = Locked<[String]>([])
            let (finish, finishing) = AsyncStream<Void>.makeStream()
            let leaderA = Task {
                await a.run(onLeadership: { _ in }, requested: {}, lead: {
                    events.withLock { $0.append("a leads") }
                    for await _ in finish { break }
                })
            }
            while events.withLock({ $0 }).isEmpty { try await Task.sleep(for: .milliseconds(20)) }
            let standby = Task {
                await b.run(onLeadership: { _ in }, requested: {}, lead: {
                    events.withLock { $0.append("b leads") }
                })
            }
            try await Task.sleep(for: .milliseconds(600))
            #expect(events.withLock { $0 } == ["a leads"], "the standby must not lead while the leader renews")
            let released = ContinuousClock.now
            finishing.yield()
            await leaderA.value
            await standby.value
            // Released, not expired: b leads within a few retry periods, well inside the 6 s lease.
            #expect(ContinuousClock.now - released < .seconds(5))
            #expect(events.withLock { $0 } == ["a leads", "b leads"])
        }
    }

    @Test func aStandbysSyncRequestReachesTheLeader() async throws {
        try await Kube.withClient { _, client in
            let a = Self.elector(client, "agent-a"), b = Self.elector(client, "agent-b")
            let requests = Locked(0)
            let leader = Task {
                await a.run(onLeadership: { _ in }, requested: { requests.withLock { $0 += 1 } }, lead: {
                    try? await Task.sleep(for: .seconds(30))
                })
            }
            while !a.isLeader { try await Task.sleep(for: .milliseconds(20)) }
            try await Task.sleep(for: .milliseconds(300))
            #expect(requests.withLock { $0 } == 0)
            try await b.requestSync()
            let deadline = ContinuousClock.now + .seconds(30)
            while requests.withLock({ $0 }) == 0, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(50)) }
            #expect(requests.withLock { $0 } == 1)
            leader.cancel()
            await leader.value
            #expect(try await Self.lease(client)?.holder == "", "a cancelled leader releases the Lease")
        }
    }
}
