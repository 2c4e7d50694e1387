import FairwayCore
import FairwayLive
import FairwayPipeline
import Logging

/// Leader election with a `coordination.k8s.io/v1` Lease, as client-go does it: a replica takes the
/// Lease when it is free or its holder has not renewed it within its duration (measured on this
/// replica's clock from when the record last changed, so clock skew between nodes does not matter),
/// renews it every retry period, and gives up leading when it cannot renew within the renew
/// deadline. Writes are conditional on the resourceVersion read, so two replicas never both win.
/// A replica that is not leading can ask the leader to sync by annotating the Lease.
public final class LeaderElector: Sendable {
    public struct Configuration: Sendable {
        public var namespace: String
        public var name = "fairway-sync"
        /// This replica's name (the pod name).
        public var identity: String
        public var leaseDuration: Duration = .seconds(15)
        public var renewDeadline: Duration = .seconds(10)
        public var retryPeriod: Duration = .seconds(2)

        public init(namespace: String, identity: String) {
            self.namespace = namespace
            self.identity = identity
        }

        /// A configuration with `leaseDuration` and the other timings in client-go's proportions:
        /// renew within two thirds of the lease, retry every fifth of it, at least every 2 s.
        public init(namespace: String, identity: String, name: String, leaseDuration: Duration) {
            self.init(namespace: namespace, identity: identity)
            self.name = name
            self.leaseDuration = leaseDuration
            renewDeadline = leaseDuration * 2 / 3
            retryPeriod = min(.seconds(2), leaseDuration / 5)
        }
    }

    static let requestAnnotation = "fairway.dev/sync-requested"

    let client: any LeaseStore
    public let configuration: Configuration
    let logger: Logger
    /// Lease expiry, the renew deadline and every wait are measured on it.
    let clock: any AgentClock
    private let state = Locked(State())

    struct State {
        var leading = false
        var holder: String?
        /// The record last seen and when this replica first saw it.
        var observed: (record: LeaseRecord, at: Duration)?
        var seenRequest: String?
        /// The last Lease read or write succeeded (the API server is reachable).
        var reachable = false
        /// A shutdown began: campaign no more; leading ends when the leader's work returns.
        var stopped = false
    }

    public init(client: any LeaseStore, configuration: Configuration, clock: any AgentClock = SystemAgentClock(), logger: Logger) {
        self.client = client
        self.clock = clock
        self.configuration = configuration
        self.logger = logger
    }

    public var isLeader: Bool { state.withLock { $0.leading } }
    public var holder: String? { state.withLock { $0.holder } }
    public var isReachable: Bool { state.withLock { $0.reachable } }

    /// How long releasing the Lease may take at shutdown (the API server may be gone).
    static let releaseTimeout: Duration = .seconds(3)

    /// Ends campaigning (a shutdown): `run` returns as soon as the leader's work returns, or at
    /// once when this replica is not leading, instead of campaigning again.
    public func stop() { state.withLock { $0.stopped = true } }

    private var isStopped: Bool { state.withLock { $0.stopped } }

    var key: ObjectKey { ObjectKey(apiVersion: "coordination.k8s.io/v1", kind: "Lease", namespace: configuration.namespace, name: configuration.name) }

    /// Campaigns until leading, then runs `lead` while renewing; `lead` is cancelled when leadership is
    /// lost, and campaigning starts again. Returns when `lead` returns by itself (a graceful shutdown)
    /// or the task is cancelled, releasing the Lease if held so a standby takes over at once.
    /// `requested` is called, while leading, when another replica asks for a sync.
    public func run(onLeadership: @escaping @Sendable (Bool) -> Void, requested: @escaping @Sendable () -> Void,
                    lead: @escaping @Sendable () async -> Void) async {
        defer { onLeadership(false) }
        while !Task.isCancelled && !isStopped {
            guard await tryAcquireOrRenew() else {
                await sleepUnlessStopped(configuration.retryPeriod)
                continue
            }
            logger.notice("leader elected", metadata: ["lease.holder": "\(configuration.identity)"])
            state.withLock { $0.leading = true }
            onLeadership(true)
            let finished = await withTaskGroup(of: Bool.self) { group in
                group.addTask { await lead(); return true }
                group.addTask { await self.renewWhileLeading(requested: requested); return false }
                let first = await group.next() ?? true
                group.cancelAll()
                return first
            }
            state.withLock { $0.leading = false }
            onLeadership(false)
            if finished || Task.isCancelled || isStopped {
                // Released even when cancelled (a new task does not inherit the cancellation), and
                // within a bound: an unreachable API server must not hold the shutdown.
                await Task { await self.release(within: Self.releaseTimeout) }.value
                return
            }
            logger.warning("leadership lost", metadata: ["lease.name": "\(configuration.name)"])
        }
    }

    /// Renews every retry period; returns when no renewal succeeded within the renew deadline.
    private func renewWhileLeading(requested: @escaping @Sendable () -> Void) async {
        var lastRenewal = clock.now
        while !Task.isCancelled {
            try? await clock.sleep(for: configuration.retryPeriod)
            if Task.isCancelled { return }
            if await tryAcquireOrRenew(requested: requested) {
                lastRenewal = clock.now
            } else if clock.now - lastRenewal >= configuration.renewDeadline {
                return
            }
        }
    }

    /// One attempt to take or renew the Lease.
    func tryAcquireOrRenew(requested: (@Sendable () -> Void)? = nil) async -> Bool {
        let now = WallTime.now()
        let identity = configuration.identity
        do {
            guard let lease = try await client.get(key) else {
                let record = LeaseRecord(holder: identity, durationSeconds: leaseSeconds, acquireTime: now, renewTime: now, transitions: 0)
                let created = try await client.create(record.manifest(key: key, metadata: JSONObject()))
                markReachable()
                guard let created else { return false }
                observe(LeaseRecord(created.body), seenRequest: nil)
                return true
            }
            markReachable()
            let record = LeaseRecord(lease.body)
            let request = lease.body["metadata"]?["annotations"]?[Self.requestAnnotation]?.stringValue
            let observedAt = state.withLock { state -> Duration in
                if state.observed?.record != record { state.observed = (record, clock.now) }
                state.holder = record.holder
                return state.observed!.at
            }
            let held = !(record.holder ?? "").isEmpty && record.holder != identity
            if held && observedAt + .seconds(record.durationSeconds) > clock.now { return false }
            var next = record
            if record.holder != identity {
                next.acquireTime = now
                next.transitions += 1
            }
            next.holder = identity
            next.durationSeconds = leaseSeconds
            next.renewTime = now
            guard let updated = try await client.update(next.manifest(key: key, metadata: lease.body["metadata"]?.objectValue ?? JSONObject())) else {
                return false
            }
            let previousRequest = state.withLock { $0.seenRequest }
            observe(LeaseRecord(updated.body), seenRequest: request)
            if let requested, record.holder == identity, let request, request != previousRequest { requested() }
            return true
        } catch {
            state.withLock { $0.reachable = false }
            logger.warning("lease not renewed", metadata: ["lease.name": "\(configuration.name)", "error": "\(error)"])
            return false
        }
    }

    /// Asks the leader to sync now (for a webhook that reached a standby): annotates the Lease.
    public func requestSync() async throws {
        for _ in 0..<5 {
            guard let lease = try await client.get(key) else { return }
            var body = lease.body.objectValue ?? JSONObject()
            var metadata = body["metadata"]?.objectValue ?? JSONObject()
            var annotations = metadata["annotations"]?.objectValue ?? JSONObject()
            annotations[Self.requestAnnotation] = .string(WallTime.now().rfc3339Micro)
            metadata["annotations"] = .object(annotations)
            body["metadata"] = .object(metadata)
            if try await client.update(Manifest(body: .object(body))!) != nil { return }
        }
    }

    /// Sleeps `duration`, waking early (checked every 100 ms) when stopped.
    private func sleepUnlessStopped(_ duration: Duration) async {
        let end = clock.now + duration
        while clock.now < end, !isStopped, !Task.isCancelled {
            try? await clock.sleep(for: min(.milliseconds(100), end - clock.now))
        }
    }

    /// `release()`, abandoned after `timeout` (the Lease then expires by itself).
    func release(within timeout: Duration) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.release() }
            group.addTask { [clock] in try? await clock.sleep(for: timeout) }
            await group.next()
            group.cancelAll()
        }
    }

    /// Gives the Lease up (holder cleared, duration one second) so a standby need not wait it out.
    func release() async {
        guard let lease = try? await client.get(key), LeaseRecord(lease.body).holder == configuration.identity else { return }
        var record = LeaseRecord(lease.body)
        record.holder = ""
        record.durationSeconds = 1
        record.renewTime = WallTime.now()
        _ = try? await client.update(record.manifest(key: key, metadata: lease.body["metadata"]?.objectValue ?? JSONObject()))
        logger.notice("leader lease released", metadata: ["lease.name": "\(configuration.name)"])
    }

    private var leaseSeconds: Int { Int(configuration.leaseDuration.components.seconds) }

    private func markReachable() { state.withLock { $0.reachable = true } }

    private func observe(_ record: LeaseRecord, seenRequest: String?) {
        state.withLock { state in
            state.observed = (record, clock.now)
            state.holder = record.holder
            state.seenRequest = seenRequest
        }
    }
}

/// A Lease's spec.
struct LeaseRecord: Equatable, Sendable {
    var holder: String?
    var durationSeconds: Int
    var acquireTime: WallTime?
    var renewTime: WallTime?
    var transitions: Int

    init(holder: String?, durationSeconds: Int, acquireTime: WallTime?, renewTime: WallTime?, transitions: Int) {
        self.holder = holder
        self.durationSeconds = durationSeconds
        self.acquireTime = acquireTime
        self.renewTime = renewTime
        self.transitions = transitions
    }

    init(_ body: JSONValue) {
        let spec = body["spec"]
        holder = spec?["holderIdentity"]?.stringValue
        durationSeconds = spec?["leaseDurationSeconds"]?.intValue ?? 15
        acquireTime = spec?["acquireTime"]?.stringValue.flatMap(WallTime.init(rfc3339:))
        renewTime = spec?["renewTime"]?.stringValue.flatMap(WallTime.init(rfc3339:))
        transitions = spec?["leaseTransitions"]?.intValue ?? 0
    }

    func manifest(key: ObjectKey, metadata: JSONObject) -> Manifest {
        var metadata = metadata
        metadata["managedFields"] = nil
        metadata["name"] = .string(key.name)
        metadata["namespace"] = .string(key.namespace ?? "")
        var spec: JSONObject = [("holderIdentity", .string(holder ?? "")), ("leaseDurationSeconds", .int(Int64(durationSeconds)))]
        if let acquireTime { spec["acquireTime"] = .string(acquireTime.rfc3339Micro) }
        if let renewTime { spec["renewTime"] = .string(renewTime.rfc3339Micro) }
        spec["leaseTransitions"] = .int(Int64(transitions))
        return Manifest(body: ["apiVersion": "coordination.k8s.io/v1", "kind": "Lease", "metadata": .object(metadata), "spec": .object(spec)])!
    }
}
