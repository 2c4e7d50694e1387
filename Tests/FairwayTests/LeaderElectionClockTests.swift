import FairwayAgent
import FairwayCore
import FairwayPipeline
import Logging
import Testing

/// Leader election on a `ManualClock` and a `MemoryLeaseStore`: who leads when, decided by the
/// Lease arithmetic alone, with no real time passing. Two replicas, a (started first) and b.
@Suite struct LeaderElectionClockTests {
    /// Two electors sharing one store and clock, each leading by sleeping on the clock until
    /// cancelled, with when each leadership began and ended.
    final class Replicas: Sendable {
        let store = MemoryLeaseStore()
        let clock = ManualClock()
        let a: LeaderElector
        let b: LeaderElector
        /// (replica, leading, clock time) for every change of leadership.
        let changes = Locked<[(String, Bool, Duration)]>([])

        init() {
            func elector(_ identity: String, _ store: MemoryLeaseStore, _ clock: ManualClock) -> LeaderElector {
                var configuration = LeaderElector.Configuration(namespace: "fairway-system", identity: identity)
                configuration.leaseDuration = .seconds(15)
                configuration.renewDeadline = .seconds(10)
                configuration.retryPeriod = .seconds(2)
                return LeaderElector(client: store.connection(identity), configuration: configuration, clock: clock,
                                     logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
            }
            a = elector("a", store, clock)
            b = elector("b", store, clock)
        }

        func start(_ elector: LeaderElector) -> Task<Void, Never> {
            let (clock, changes, name) = (clock, changes, elector.configuration.identity)
            return Task {
                await elector.run(onLeadership: { leading in changes.withLock { $0.append((name, leading, clock.now)) } },
                                  requested: {}, lead: {
                                      while !Task.isCancelled { try? await clock.sleep(for: .seconds(3600)) }
                                  })
            }
        }

        /// Tasks asleep on the clock when every replica is waiting: two for a leader (its renewals and
        /// its work), one for a replica campaigning.
        var expectedSleepers: Int { (a.isLeader ? 2 : 1) + (b.isLeader ? 2 : 1) }

        /// Lets every replica run until all wait on the clock again.
        func settle() async {
            var stable = 0
            for _ in 0..<1_000_000 where stable < 200 {
                stable = clock.sleepers == expectedSleepers ? stable + 1 : 0
                await Task.yield()
            }
        }

        /// Advances the clock one second at a time, settling after each step.
        func advance(seconds: Int) async {
            for _ in 0..<seconds {
                clock.advance(by: .seconds(1))
                await settle()
            }
        }

        /// Starts a, lets it take the Lease, then starts b.
        func startBoth() async -> (Task<Void, Never>, Task<Void, Never>) {
            let first = start(a)
            await settle()
            let second = start(b)
            await settle()
            return (first, second)
        }

        static func end(_ tasks: Task<Void, Never>...) async {
            for task in tasks { task.cancel() }
            for task in tasks { await task.value }
        }

        func leadership(of replica: String) -> [(Bool, Duration)] {
            changes.withLock { $0.filter { $0.0 == replica }.map { ($0.1, $0.2) } }
        }
    }

    @Test func theFirstReplicaLeadsAndTheOtherWaitsWhileItRenews() async {
        let replicas = Replicas()
        let (a, b) = await replicas.startBoth()
        #expect(replicas.a.isLeader && !replicas.b.isLeader)
        await replicas.advance(seconds: 60)
        #expect(replicas.a.isLeader && !replicas.b.isLeader)
        #expect(replicas.b.holder == "a")
        // a renewed every retry period (2 s): its first write and 30 renewals; b never wrote.
        #expect(replicas.store.writes.filter { $0.writer == "a" }.count == 31, "\(replicas.store.writes.count)")
        #expect(!replicas.store.writes.contains { $0.writer == "b" })
        await Replicas.end(a, b)
    }

    /// The leader is cut off from the API server: it stops leading once it could not renew within
    /// the renew deadline (10 s), and the standby takes the Lease only when the record it last saw is
    /// older than the lease duration (15 s): there is never a moment with two leaders.
    @Test func aLeaderThatCannotRenewStopsBeforeAnotherStarts() async {
        let replicas = Replicas()
        let (a, b) = await replicas.startBoth()
        await replicas.advance(seconds: 5)
        let lastRenewal = Duration.seconds(4)
        replicas.store.cut("a")
        var overlap = false
        for _ in 0..<30 {
            await replicas.advance(seconds: 1)
            if replicas.a.isLeader && replicas.b.isLeader { overlap = true }
        }
        #expect(!overlap)
        let aLeadership = replicas.leadership(of: "a")
        let bLeadership = replicas.leadership(of: "b")
        #expect(aLeadership.map(\.0) == [true, false], "\(aLeadership)")
        #expect(bLeadership.map(\.0) == [true], "\(bLeadership)")
        guard aLeadership.count == 2, let bStarted = bLeadership.first?.1 else { return }
        let aStopped = aLeadership[1].1
        // a stops at the first failed renewal past the deadline: 10 s after its last renewal, rounded
        // up to its retry period.
        #expect(aStopped >= lastRenewal + .seconds(10) && aStopped <= lastRenewal + .seconds(12), "\(aStopped)")
        // b saw a's last renewal within one retry period, waited the lease duration from then, and
        // took the Lease at its next retry after that.
        #expect(bStarted >= lastRenewal + .seconds(15) && bStarted <= lastRenewal + .seconds(19), "\(bStarted)")
        #expect(aStopped < bStarted)
        // a wrote nothing once cut off; b's first write names b.
        #expect(replicas.store.writes.last?.holder == "b")
        #expect(replicas.store.writes.filter { $0.writer == "b" }.first?.holder == "b")
        await Replicas.end(a, b)
    }

    /// A leader that shuts down releases the Lease: the standby takes it at its next retry, without
    /// waiting out the lease duration.
    @Test func aReleasedLeaseIsTakenAtTheNextRetry() async {
        let replicas = Replicas()
        let (a, b) = await replicas.startBoth()
        await replicas.advance(seconds: 3)
        replicas.a.stop()
        a.cancel()
        await a.value
        #expect(replicas.store.writes.last == MemoryLeaseStore.Write(writer: "a", holder: ""))
        let released = replicas.clock.now
        // a is gone: only b's campaign sleeps now.
        for _ in 0..<3 where !replicas.b.isLeader {
            replicas.clock.advance(by: .seconds(1))
            for _ in 0..<10_000 where !replicas.b.isLeader && replicas.clock.sleepers < 1 { await Task.yield() }
            for _ in 0..<10_000 { await Task.yield() }
        }
        #expect(replicas.b.isLeader)
        if let started = replicas.leadership(of: "b").first?.1 { #expect(started - released <= .seconds(2)) }
        await Replicas.end(b)
    }
}

/// The agent's lease timings follow client-go's proportions of the lease duration.
@Suite struct LeaseTimingTests {
    @Test func renewWithinTwoThirdsAndRetryEveryFifthAtMostTwoSeconds() {
        let standard = LeaderElector.Configuration(namespace: "n", identity: "a", name: "fairway-sync", leaseDuration: .seconds(15))
        #expect(standard.renewDeadline == .seconds(10) && standard.retryPeriod == .seconds(2))
        let short = LeaderElector.Configuration(namespace: "n", identity: "a", name: "l", leaseDuration: .seconds(3))
        #expect(short.renewDeadline == .seconds(2) && short.retryPeriod == .milliseconds(600))
        #expect(short.name == "l")
    }
}
