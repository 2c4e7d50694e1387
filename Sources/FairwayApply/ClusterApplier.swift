import FairwayCore
import FairwayDiff
import Foundation
import Logging

/// Applies a plan to a cluster: its Kubernetes objects by server-side apply (field manager
/// `fairway`), its EKS managed node groups and its Helm releases, stage by stage in `ApplySchedule`'s
/// order. Steps of one stage run concurrently; the first failure stops the stage (steps already
/// running finish) and every later stage, and the report says what was done and what was not.
/// Every step is idempotent, so applying again after any failure converges.
public struct ClusterApplier: Sendable {
    public struct Options: Sendable {
        /// Take over fields other field managers own (`--force-conflicts`).
        public var forceConflicts = false
        /// Wait for workloads to become ready (CRDs are always waited on until established).
        public var waitForWorkloads = true
        /// How long one object may take to become ready, and one Helm operation to finish.
        public var timeout: Duration = .seconds(300)
        /// How long one node group may take to become ACTIVE or be deleted.
        public var nodeGroupTimeout: Duration = .seconds(1800)
        /// Steps of one stage in flight at once.
        public var concurrency = 16
        /// The first wait between health polls; it grows to `maxPollInterval`.
        public var pollInterval: Duration = .milliseconds(200)
        public var maxPollInterval: Duration = .seconds(5)
        /// The wait between polls of EKS (node groups change over minutes).
        public var nodeGroupPollInterval: Duration = .seconds(15)

        public init() {}
    }

    let objects: any ObjectBackend
    let nodeGroups: (any NodeGroupBackend)?
    let releases: (any ReleaseBackend)?
    let options: Options
    let logger: Logger

    public init(objects: any ObjectBackend, nodeGroups: (any NodeGroupBackend)?, releases: (any ReleaseBackend)?,
                options: Options = Options(), logger: Logger) {
        self.objects = objects
        self.nodeGroups = nodeGroups
        self.releases = releases
        self.options = options
        self.logger = logger
    }

    /// Applies `plan`. Throws `ApplyRefusal`, having changed nothing, when the plan may not be applied.
    /// When `stop` is requested (a graceful shutdown) the stage in progress finishes and no later
    /// stage starts; the report marks their steps skipped and says it stopped.
    public func apply(_ plan: Plan, progress: (@Sendable (ApplyProgress) -> Void)? = nil,
                      stop: ApplyStop? = nil) async throws(ApplyRefusal) -> ApplyReport {
        try preflight(plan)
        let started = ContinuousClock.now
        let stages = ApplySchedule.stages(for: plan)
        let total = stages.reduce(0) { $0 + $1.steps.count }
        let done = Locked(0)
        var results: [AppliedChange] = []
        results.reserveCapacity(total)
        var failed = false
        var stopped = false
        for (index, stage) in stages.enumerated() {
            if !failed, !stopped, stop?.isRequested == true {
                stopped = true
                logger.notice("apply stopping", metadata: ["apply.stage": "\(stage.name)"])
            }
            if failed || stopped {
                results += stage.steps.map { AppliedChange(subject: $0.subject, action: $0.action, outcome: .skipped, stage: stage.name) }
                continue
            }
            logger.info("apply stage", metadata: ["apply.stage": "\(stage.name)", "apply.steps": "\(stage.steps.count)"])
            let outcomes = await run(stage) { result in
                // One report at a time, in the order steps finish.
                done.withLock { count in
                    count += 1
                    progress?(ApplyProgress(done: count, total: total, step: "\(result.action) \(result.subject)", outcome: result.outcome))
                }
            }
            results += outcomes
            failed = outcomes.contains { $0.outcome != .applied }
            // Charts bring CRDs: objects of their kinds come next.
            if !failed, stage.phase == .releases, stages.dropFirst(index + 1).first?.phase != .releases {
                try? await objects.refreshKinds()
            }
        }
        return ApplyReport(revision: plan.revision, results: results, seconds: (ContinuousClock.now - started).seconds,
                           stopped: stopped)
    }

    /// Refuses, before anything is changed, a plan that may not or cannot be applied.
    func preflight(_ plan: Plan) throws(ApplyRefusal) {
        var reasons = plan.refusals
        if !(plan.nodeGroups ?? []).isEmpty, nodeGroups == nil {
            reasons.append(Refusal(.noEKSAccess, "the plan changes EKS node groups, but no EKS access was given"))
        }
        if !(plan.releases ?? []).isEmpty, releases == nil {
            reasons.append(Refusal(.noHelm, "the plan changes Helm releases, but no helm was given"))
        }
        // A body carrying the mask of a sensitive value would overwrite the secret with the mask.
        for change in plan.changes where change.desired.map(Sensitive.containsMask) == true {
            reasons.append(Refusal(.maskedValue, "\(change.key) holds a masked value (\(Sensitive.maskText)); a mask is never written"))
        }
        guard reasons.isEmpty else { throw ApplyRefusal(reasons: reasons) }
    }

    /// Runs a stage's steps, at most `concurrency` at once; after a failure no new step starts.
    private func run(_ stage: ApplyStage, finished: @escaping @Sendable (AppliedChange) -> Void) async -> [AppliedChange] {
        var results = [AppliedChange?](repeating: nil, count: stage.steps.count)
        await withTaskGroup(of: (Int, AppliedChange).self) { group in
            var next = 0
            var stopped = false
            func launch() {
                let index = next, step = stage.steps[index]
                next += 1
                group.addTask {
                    let started = ContinuousClock.now
                    var result = await perform(step)
                    result.stage = stage.name
                    result.seconds = (ContinuousClock.now - started).seconds
                    finished(result)
                    return (index, result)
                }
            }
            while next < stage.steps.count, next < options.concurrency { launch() }
            for await (index, result) in group {
                results[index] = result
                if result.outcome != .applied { stopped = true }
                if !stopped, next < stage.steps.count { launch() }
            }
        }
        return zip(stage.steps, results).map { step, result in
            result ?? AppliedChange(subject: step.subject, action: step.action, outcome: .skipped, stage: stage.name)
        }
    }

    /// One step, its waits included; never throws: a failure is a `.failed` result.
    func perform(_ step: ApplyStep) async -> AppliedChange {
        var result = AppliedChange(subject: step.subject, action: step.action, outcome: .applied)
        do {
            switch step.work {
            case let .object(change): result.health = try await applyObject(change)
            case let .nodeGroup(group): result.health = try await applyNodeGroup(group)
            case let .release(release): result.health = try await applyRelease(release)
            }
            logger.debug("apply step done", metadata: ["apply.step": "\(step.label)"])
        } catch let failure as StepFailure {
            result.outcome = .failed
            result.error = failure.message
            result.conflicts = failure.conflicts
        } catch {
            result.outcome = .failed
            result.error = "\(error)"
        }
        if result.outcome == .failed {
            logger.error("apply step failed", metadata: ["apply.step": "\(step.label)", "error": "\(result.error ?? "")"])
        }
        return result
    }
}

/// Why a step failed, as the report tells it.
struct StepFailure: Error, CustomStringConvertible {
    var message: String
    var conflicts: [AppliedChange.FieldConflict] = []

    init(_ message: String, conflicts: [AppliedChange.FieldConflict] = []) {
        self.message = message
        self.conflicts = conflicts
    }

    var description: String { message }
}
