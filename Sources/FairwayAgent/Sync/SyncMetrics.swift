import FairwayApply
import FairwayCore
import FairwayFairness
import FairwayPipeline
import Prometheus

/// The agent's Prometheus metrics, all under `fairway_`: sync runs by result, run and stage durations,
/// changes applied by action, the last plan's changes and drift, when a commit was last applied,
/// leadership, and each tenant's GPU guarantee and fair-share target per class. Exposed at /metrics.
public final class SyncMetrics: Sendable {
    public let registry = PrometheusCollectorRegistry()
    /// GPU gauges by "tenant/class", so tenants that disappear are unregistered.
    private let gpuGauges = Locked<[String: (guaranteed: Gauge, target: Gauge, predictedMin: Gauge, predictedMax: Gauge)]>([:])
    private let appliedCommit = Locked<(commit: String, gauge: Gauge)?>(nil)
    private let buckets: [Duration] = [.milliseconds(1), .microseconds(2500), .milliseconds(5), .milliseconds(10), .milliseconds(25),
                                       .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1),
                                       .microseconds(2_500_000), .seconds(5), .seconds(15), .seconds(60), .seconds(300), .seconds(900)]

    public init() {
        // Every result and stage is exported from the start, at zero, so alerts see them before they happen.
        for result in SyncRun.Result.allCases {
            for reason in SyncRun.Reason.possible(for: result) { _ = runs(result, reason) }
        }
        for stage in SyncRun.Stage.allCases { _ = stageDuration(stage) }
        for result in SyncRun.Result.allCases { _ = runDuration(result) }
        for action in AppliedChange.Action.allCases { _ = appliedChanges(action.rawValue) }
        _ = leader
        _ = invalidCommit
    }

    private func descriptor(_ name: String, _ unit: String, _ help: String, subsystem: String? = nil) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "fairway", subsystem: subsystem, metricName: name, unitName: unit, helpText: help)
    }

    func runs(_ result: SyncRun.Result, _ reason: SyncRun.Reason) -> Counter {
        registry.makeCounter(descriptor: descriptor("runs", "total", "Sync iterations by result and reason.", subsystem: "sync"),
                             labels: [("result", result.rawValue), ("reason", reason.rawValue)])
    }

    func stageDuration(_ stage: SyncRun.Stage) -> DurationHistogram {
        registry.makeDurationHistogram(
            descriptor: descriptor("stage_duration", "seconds", "Time spent per sync stage (fetch, evaluate, read, plan, apply).",
                                   subsystem: "sync"),
            labels: [("stage", stage.rawValue)], buckets: buckets)
    }

    func runDuration(_ result: SyncRun.Result) -> DurationHistogram {
        registry.makeDurationHistogram(
            descriptor: descriptor("run_duration", "seconds", "Wall time of whole sync iterations, by result.", subsystem: "sync"),
            labels: [("result", result.rawValue)], buckets: buckets)
    }

    func appliedChanges(_ action: String) -> Counter {
        registry.makeCounter(descriptor: descriptor("applied_changes", "total", "Changes applied, by action (create, update, delete, install, ...)."),
                             labels: [("action", action)])
    }

    func plannedChanges(_ action: String) -> Gauge {
        registry.makeGauge(descriptor: descriptor("plan_changes", "", "Changes in the last plan, by action."), labels: [("action", action)])
    }

    var drift: Gauge { registry.makeGauge(descriptor: descriptor("drift_objects", "", "Changes found at the last drift check of an applied commit.")) }
    var leader: Gauge { registry.makeGauge(descriptor: descriptor("leader", "", "1 while this replica holds the leader Lease.")) }
    var invalidCommit: Gauge {
        registry.makeGauge(descriptor: descriptor("commit_invalid", "", "1 while the fetched commit is refused (parse, schema, fairness or signature errors)."))
    }
    var errors: Gauge { registry.makeGauge(descriptor: descriptor("sync_errors", "", "Errors standing after the last sync run.")) }
    var lastApplied: Gauge {
        registry.makeGauge(descriptor: descriptor("last_applied_timestamp", "seconds", "When a commit was last applied or found in sync (Unix time)."))
    }
    var lastFetch: Gauge { registry.makeGauge(descriptor: descriptor("last_fetch_timestamp", "seconds", "When the repository was last fetched (Unix time).")) }

    public func setLeader(_ leading: Bool) { leader.set(to: leading ? 1 : 0) }

    /// Takes in a finished run.
    public func record(_ run: SyncRun) {
        runs(run.result, run.reason).increment()
        for (stage, seconds) in run.stages { stageDuration(stage).record(.nanoseconds(Int64(seconds * 1e9))) }
        runDuration(run.result).record(.nanoseconds(Int64(run.seconds * 1e9)))
        if run.fetchedCommit != nil { lastFetch.set(to: run.startedAt.secondsSince1970) }
        guard run.result != .noop else { return }
        invalidCommit.set(to: run.result == .invalid ? 1 : 0)
        errors.set(to: Double(run.errors.count))
        if let counts = run.planCounts {
            plannedChanges("create").set(to: Double(counts.create))
            plannedChanges("update").set(to: Double(counts.update))
            plannedChanges("delete").set(to: Double(counts.delete))
            plannedChanges("nodegroup").set(to: Double(run.nodeGroupChanges))
            plannedChanges("release").set(to: Double(run.releaseChanges))
        }
        if run.driftCheck { drift.set(to: Double(run.drift)) }
        for change in run.report?.results ?? [] where change.outcome == .applied { appliedChanges(change.action.rawValue).increment() }
        if let commit = run.appliedCommit {
            lastApplied.set(to: run.startedAt.adding(seconds: run.seconds).secondsSince1970)
            setAppliedCommit(commit)
        }
        if !run.fairness.isEmpty { setFairness(run.fairness) }
    }

    /// `fairway_applied_commit_info{commit="..."} 1` for the commit last applied; the previous one is removed.
    private func setAppliedCommit(_ commit: String) {
        appliedCommit.withLock { current in
            guard current?.commit != commit else { return }
            if let current { registry.unregisterGauge(current.gauge) }
            let gauge = registry.makeGauge(descriptor: descriptor("applied_commit_info", "", "The commit last applied (value 1)."),
                                           labels: [("commit", commit)])
            gauge.set(to: 1)
            current = (commit, gauge)
        }
    }

    private func setFairness(_ classes: [ClassAllocation]) {
        gpuGauges.withLock { gauges in
            var seen = Set<String>()
            for allocation in classes {
                for tenant in allocation.tenants {
                    let id = "\(tenant.tenant)/\(allocation.gpuClass)"
                    seen.insert(id)
                    let pair = gauges[id] ?? (
                        registry.makeGauge(descriptor: descriptor("gpu_guaranteed", "", "GPUs (or slices) guaranteed to a tenant per GPU class."),
                                           labels: [("tenant", tenant.tenant), ("gpu_class", allocation.gpuClass)]),
                        registry.makeGauge(descriptor: descriptor("gpu_target", "", "A tenant's weighted fair-share target per GPU class."),
                                           labels: [("tenant", tenant.tenant), ("gpu_class", allocation.gpuClass)]),
                        registry.makeGauge(descriptor: descriptor("gpu_predicted_min", "",
                                                                  "The least GPUs (or slices) Kueue is predicted to hold for a tenant at steady state."),
                                           labels: [("tenant", tenant.tenant), ("gpu_class", allocation.gpuClass)]),
                        registry.makeGauge(descriptor: descriptor("gpu_predicted_max", "",
                                                                  "The most GPUs (or slices) Kueue is predicted to hold for a tenant at steady state."),
                                           labels: [("tenant", tenant.tenant), ("gpu_class", allocation.gpuClass)]))
                    pair.guaranteed.set(to: Double(tenant.guaranteed))
                    pair.target.set(to: Double(tenant.target))
                    pair.predictedMin.set(to: Double(tenant.predicted?.min ?? 0))
                    pair.predictedMax.set(to: Double(tenant.predicted?.max ?? 0))
                    gauges[id] = pair
                }
            }
            for (id, pair) in gauges where !seen.contains(id) {
                registry.unregisterGauge(pair.guaranteed)
                registry.unregisterGauge(pair.target)
                registry.unregisterGauge(pair.predictedMin)
                registry.unregisterGauge(pair.predictedMax)
                gauges[id] = nil
            }
        }
    }

    /// The exposition text.
    public func text() -> String { registry.emitToString() }
}
