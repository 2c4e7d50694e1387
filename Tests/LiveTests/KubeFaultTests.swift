import FairwayCore
import FairwayKubernetes
import FairwayLive
import FairwayTestCluster
import Foundation
import Testing

/// Retries against a misbehaving server (the test cluster's FaultPlan): 500s at random, 429 with
/// Retry-After, dropped connections, a deadline; and what is never retried.
@Suite struct KubeFaultTests {
    @Test func readsAndAppliesSucceedThroughFaults() async throws {
        try await Kube.withClient { cluster, client in
            _ = try await client.discovery()
            // The first rule that fires decides the answer: drops first, so exactly six happen.
            cluster.faults.add(FaultRule(verb: "patch", times: 3, effect: .dropConnection))
            cluster.faults.add(FaultRule(verb: "get", times: 3, effect: .dropConnection))
            cluster.faults.add(FaultRule(verb: "list", times: 2, effect: .status(503)))
            cluster.faults.add(FaultRule(rate: 0.1, effect: .status(500)))
            let names = (0..<40).map { "faulty-\($0)" }
            let applied = try await withBoundedConcurrency(names, limit: 8) { name in
                try await client.apply(Kube.configMap(name), fieldManager: "fairway")
            }
            #expect(applied.count == 40)
            let read = try await withBoundedConcurrency(names, limit: 8) { name in try await client.get(Kube.configMap(name).key) }
            #expect(read.allSatisfy { $0 != nil })
            #expect(try await client.list(Kube.configMapKind, namespace: "default", pageSize: 7).items.count == 40)
            let statistics = client.statistics
            let faults = cluster.requestLog.all.filter { $0.fault != nil }.count
            #expect(faults >= 8)
            #expect(statistics.retries == faults, "\(statistics)")
            #expect(statistics.transportErrors == 6)
            #expect(statistics.serverErrors == faults - 6)
        }
    }

    @Test func tooManyRequestsWaitsForRetryAfter() async throws {
        try await Kube.withClient { cluster, client in
            _ = try await client.discovery()
            cluster.faults.add(FaultRule(verb: "list", times: 1, effect: .tooManyRequests(retryAfterSeconds: 1)))
            let started = ContinuousClock.now
            #expect(try await client.list(Kube.configMapKind).items.isEmpty)
            #expect(ContinuousClock.now - started >= .seconds(1))
            #expect(client.statistics.throttled == 1)
            #expect(client.statistics.retries == 1)
        }
    }

    @Test(arguments: [400, 404, 409, 422, 501])
    func otherClientErrorsAndNotImplementedAreNotRetried(status: Int) async throws {
        try await Kube.withClient { cluster, client in
            _ = try await client.discovery()
            cluster.faults.add(FaultRule(verb: "list", times: 1, effect: .status(status)))
            let error = await #expect(throws: KubernetesError.self) { try await client.list(Kube.configMapKind) }
            #expect(error?.status == status)
            #expect(error?.attempts == 1)
            #expect(client.statistics.retries == 0)
        }
    }

    @Test func attemptsAreBounded() async throws {
        try await Kube.withClient { cluster, client in
            _ = try await client.discovery()
            cluster.faults.add(FaultRule(verb: "list", effect: .status(503)))
            let error = await #expect(throws: KubernetesError.self) { try await client.list(Kube.configMapKind) }
            #expect(error?.status == 503)
            #expect(error?.attempts == 5)
            #expect(error?.description.hasSuffix("(after 5 attempts)") == true)
            #expect(cluster.requestLog.all.filter { $0.verb == "list" }.count == 5)
        }
    }

    @Test func theDeadlineCoversRetries() async throws {
        var options = Kube.quickOptions
        // Long enough for discovery on a busy machine, short enough for a test.
        options.requestDeadline = 10
        try await Kube.withClient(options: options) { cluster, client in
            // Discovery is not under test and shares the short deadline: on a loaded machine a
            // first try can run out of it, and a failed discovery is not cached, so try again.
            var discovered = false
            for _ in 0..<5 where !discovered { discovered = (try? await client.discovery()) != nil }
            try #require(discovered)
            cluster.faults.add(FaultRule(verb: "list", effect: .latency(milliseconds: 60_000)))
            let started = ContinuousClock.now
            let error = await #expect(throws: KubernetesError.self) { try await client.list(Kube.configMapKind) }
            #expect(error?.code == .deadlineExceeded)
            #expect(error?.description.contains("no answer within 10.0 seconds") == true, "\(error?.description ?? "")")
            // Far below the minute of latency injected: the deadline cut it short.
            #expect(ContinuousClock.now - started < .seconds(40))
        }
    }

    @Test func boundedConcurrencyKeepsOrderAndLimit() async throws {
        let running = Locked((now: 0, most: 0))
        let results = try await withBoundedConcurrency(Array(0..<50), limit: 4) { item in
            running.withLock { $0.now += 1; $0.most = max($0.most, $0.now) }
            try await Task.sleep(for: .milliseconds(2))
            running.withLock { $0.now -= 1 }
            return item * 2
        }
        #expect(results == (0..<50).map { $0 * 2 })
        #expect(running.withLock { $0.most } == 4)
        struct Boom: Error {}
        await #expect(throws: Boom.self) {
            try await withBoundedConcurrency(Array(0..<10), limit: 3) { item in
                if item == 5 { throw Boom() }
                return item
            }
        }
    }
}
