import FairwayApply
import FairwayCore
import FairwayPipeline
import Logging
import ServiceLifecycle

/// The in-cluster sync agent as a swift-service-lifecycle `Service`: while this replica leads (or
/// always, without leader election) it reconciles on start, every interval and on each webhook,
/// one run at a time; triggers that arrive during a run coalesce into one more run. Every run is
/// published to the metrics, the status ConfigMap, Events and the log. On a graceful shutdown the
/// apply in progress finishes its current stage, the run is reported, and the Lease is released.
public final class SyncAgent: Service, Sendable {
    public struct Configuration: Sendable {
        /// How often the repository is fetched; nil for the repository's `spec.reconcile.interval`,
        /// else three minutes.
        public var interval: Duration?
        /// This replica's name, for status, events and the Lease.
        public var identity: String

        public init(interval: Duration?, identity: String) {
            self.interval = interval
            self.identity = identity
        }
    }

    let configuration: Configuration
    let reconciler: Reconciler
    let store: any StatusStoring
    public let metrics: SyncMetrics
    let elector: LeaderElector?
    let logger: Logger
    private let stop = ApplyStop()
    private let triggers = Locked<AsyncStream<SyncRun.Trigger>.Continuation?>(nil)
    private let status: Locked<SyncStatus>
    private let firstRunDone = Locked(false)

    public init(configuration: Configuration, reconciler: Reconciler, store: any StatusStoring, metrics: SyncMetrics,
                elector: LeaderElector?, repository: String, ref: String, logger: Logger) {
        self.configuration = configuration
        self.reconciler = reconciler
        self.store = store
        self.metrics = metrics
        self.elector = elector
        self.logger = logger
        status = Locked(SyncStatus(repository: repository, ref: ref))
    }

    /// Ready: the API server answers (the Lease could be read), and a leader has finished its first run.
    public var isReady: Bool {
        let reachable = elector?.isReachable ?? true
        let leading = elector?.isLeader ?? true
        return reachable && (!leading || firstRunDone.withLock { $0 })
    }

    /// Asks for a run now (a verified webhook). A standby passes the request to the leader.
    public func trigger(_ trigger: SyncRun.Trigger) async {
        if let continuation = triggers.withLock({ $0 }) {
            continuation.yield(trigger)
        } else if let elector, !elector.isLeader {
            do {
                try await elector.requestSync()
            } catch {
                logger.warning("sync request not passed to the leader", metadata: ["error": "\(error)"])
            }
        }
    }

    public func run() async throws {
        await withGracefulShutdownHandler {
            if let elector {
                await elector.run(onLeadership: { [metrics] in metrics.setLeader($0) },
                                  requested: { [weak self] in self?.triggers.withLock { $0 }?.yield(.webhook) },
                                  lead: { await self.lead() })
            } else {
                metrics.setLeader(true)
                await lead()
            }
        } onGracefulShutdown: { [stop, triggers, logger, elector] in
            logger.notice("sync agent shutting down")
            stop.request()
            elector?.stop()
            triggers.withLock { $0?.finish() }
        }
    }

    /// Reconciles on start, each interval and each trigger until shutdown or cancellation.
    private func lead() async {
        guard !stop.isRequested else { return }
        let (stream, continuation) = AsyncStream.makeStream(of: SyncRun.Trigger.self, bufferingPolicy: .bufferingNewest(1))
        triggers.withLock { $0 = continuation }
        defer { triggers.withLock { $0 = nil } }
        await adoptStatus()
        continuation.yield(.start)
        await withTaskGroup(of: Void.self) { group in
            group.addTask { [reconciler, configuration] in
                while !Task.isCancelled {
                    let repositoryInterval = await reconciler.repositoryInterval
                    let interval = configuration.interval ?? repositoryInterval ?? .seconds(180)
                    do { try await Task.sleep(for: interval) } catch { return }
                    continuation.yield(.interval)
                }
            }
            for await trigger in stream {
                if stop.isRequested || Task.isCancelled { break }
                let run = await reconciler.reconcile(trigger: trigger, stop: stop)
                await publish(run)
                // A full run reads and renders the whole platform; hand what it freed back to the system,
                // so the agent's resident memory is what it keeps, not its peak.
                if run.result != .noop { ProcessMemory.releaseFree() }
                firstRunDone.withLock { $0 = true }
            }
            group.cancelAll()
        }
    }

    /// Reads the status an earlier leader wrote: the commit it applied is the last good commit.
    private func adoptStatus() async {
        do {
            if let previous = try await store.read() {
                await reconciler.adopt(lastApplied: previous.lastAppliedCommit)
                status.withLock { current in
                    if current.lastAppliedCommit == nil {
                        current.lastAppliedCommit = previous.lastAppliedCommit
                        current.lastAppliedAt = previous.lastAppliedAt
                    }
                }
            }
        } catch {
            logger.warning("status not read", metadata: ["error": "\(error)"])
        }
    }

    /// Metrics, log, status and events for a finished run.
    func publish(_ run: SyncRun) async {
        metrics.record(run)
        var metadata: Logger.Metadata = ["sync.run": "\(run.id)", "sync.trigger": "\(run.trigger.rawValue)",
                                         "sync.result": "\(run.result.rawValue)", "sync.reason": "\(run.reason.rawValue)", "sync.seconds": "\(run.seconds)"]
        if let commit = run.fetchedCommit { metadata["sync.commit"] = "\(commit.prefix(12))" }
        guard run.result != .noop else {
            logger.debug("sync run", metadata: metadata)
            return
        }
        metadata["plan.changes"] = "\(run.plannedChanges)"
        metadata["sync.drift"] = "\(run.drift)"
        if let first = run.errors.first { metadata["error"] = "\(first)" }
        logger.log(level: [.applied, .inSync].contains(run.result) ? .info : .warning, "sync run", metadata: metadata)
        let snapshot = status.withLock { status -> SyncStatus in
            status.leader = configuration.identity
            status.record(run)
            return status
        }
        do {
            try await store.write(snapshot)
        } catch {
            logger.warning("status not written", metadata: ["error": "\(error)"])
        }
        await emitEvent(for: run)
    }

    private func emitEvent(for run: SyncRun) async {
        for note in run.sourceNotes {
            do {
                try await store.event(type: "Warning", reason: "SourceNote", message: note, reportingInstance: configuration.identity)
            } catch {
                logger.warning("event not recorded", metadata: ["error": "\(error)"])
            }
        }
        let commit = (run.fetchedCommit ?? "").prefix(12)
        let event: (type: String, reason: String, message: String)?
        switch run.result {
        case .invalid: event = ("Warning", "InvalidCommit", "commit \(commit) is not applied: \(run.errors.first ?? "")")
        case .refused: event = ("Warning", "SyncRefused", "commit \(commit): \(run.errors.first ?? "")")
        case .failed: event = ("Warning", "SyncFailed", "commit \(commit): \(run.errors.first ?? "")")
        case .stopped: event = ("Warning", "SyncStopped", run.errors.first ?? "the apply stopped for a shutdown")
        case .applied: event = ("Normal", "Applied", "applied commit \(commit): \(run.plannedChanges) changes\(run.drift > 0 ? " (drift corrected)" : "")")
        case .noop, .inSync: event = nil
        }
        guard let event else { return }
        do {
            try await store.event(type: event.type, reason: event.reason, message: event.message, reportingInstance: configuration.identity)
        } catch {
            logger.warning("event not recorded", metadata: ["error": "\(error)"])
        }
    }
}
