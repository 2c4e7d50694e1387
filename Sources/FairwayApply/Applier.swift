import FairwayCore
import FairwayDiff
import FairwayLive
import Logging

/// FairwayApply carries out a `Plan`: against the local state (`Applier`) or a cluster
/// (`ClusterApplier`), in order, and reports what was done. It refuses plans that may not be applied;
/// on the first failure it stops and reports what was done and what was not, so that running again
/// converges.

/// Applies plans to a `LiveStateWriter` (the local state).
public struct Applier: Sendable {
    public typealias Progress = @Sendable (ApplyProgress) -> Void

    let logger: Logger

    public init(logger: Logger) { self.logger = logger }

    /// Applies `plan` in order. Throws `ApplyRefusal` before touching anything when the plan may not
    /// be applied or the live state moved on since it was made.
    public func apply(_ plan: Plan, to state: some LiveStateReader & LiveStateWriter,
                      progress: Progress? = nil) throws -> ApplyReport {
        guard plan.canApply else { throw ApplyRefusal(reasons: plan.refusals) }
        let serial = try state.serial()
        guard serial == plan.liveSerial else {
            throw ApplyRefusal(reasons: [Refusal(.staleLiveState, "the live state changed since the plan was made (serial \(plan.liveSerial), now \(serial)); plan again")])
        }
        var results: [AppliedChange] = []
        results.reserveCapacity(plan.changes.count)
        var failure: String?
        var unflushed = 0
        for (index, change) in plan.changes.enumerated() {
            if failure != nil {
                results.append(AppliedChange(action: change.action, key: change.key, outcome: .skipped, error: nil))
                continue
            }
            // A stage ends where the kind changes: make the stage durable before the next begins.
            if index > 0, plan.changes[index - 1].key.kind != change.key.kind || plan.changes[index - 1].action != change.action {
                failure = flush(state, &results, unflushed: unflushed)
                unflushed = 0
                if failure != nil {
                    results.append(AppliedChange(action: change.action, key: change.key, outcome: .skipped, error: nil))
                    continue
                }
            }
            do {
                try perform(change, on: state)
                results.append(AppliedChange(action: change.action, key: change.key, outcome: .applied, error: nil))
                unflushed += 1
                logger.debug("applied change", metadata: [
                    "resource.key": "\(change.key)", "change.action": "\(change.action.rawValue)",
                ])
            } catch {
                failure = error.description
                results.append(AppliedChange(action: change.action, key: change.key, outcome: .failed,
                                             error: error.description))
                logger.error("change failed", metadata: [
                    "resource.key": "\(change.key)", "change.action": "\(change.action.rawValue)",
                    "error.code": "\(error.code.rawValue)",
                ])
            }
            progress?(ApplyProgress(done: index + 1, total: plan.changes.count, step: "\(change.action.rawValue) \(change.key)",
                                    outcome: results.last?.outcome ?? .skipped))
        }
        if failure == nil, let recorder = state as? any LiveTargetsReader & LiveTargetsWriter,
           !(plan.releases ?? []).isEmpty || !(plan.nodeGroups ?? []).isEmpty {
            failure = recordTargets(plan, in: recorder, results: &results)
            if failure == nil { unflushed += (plan.releases?.count ?? 0) + (plan.nodeGroups?.count ?? 0) }
        }
        let flushFailure = flush(state, &results, unflushed: unflushed)
        if failure == nil, flushFailure == nil {
            try state.recordApplied(revision: plan.revision)
        }
        return ApplyReport(revision: plan.revision, results: results)
    }

    /// Records the plan's releases and node groups in a state that keeps them (the local state):
    /// one step each in the report, made durable with the objects' last stage. Returns the error text.
    private func recordTargets(_ plan: Plan, in state: any LiveTargetsReader & LiveTargetsWriter,
                               results: inout [AppliedChange]) -> String? {
        let steps: [AppliedChange] = (plan.nodeGroups ?? []).map {
            AppliedChange(subject: .nodeGroup($0.name), action: .init($0.action), outcome: .applied, stage: "node groups")
        } + (plan.releases ?? []).map {
            AppliedChange(subject: .release($0.id), action: .init($0.action), outcome: .applied, stage: "releases")
        }
        do {
            let next = RecordedTargets(json: try state.targets()).applying(plan)
            try state.putTargets(next.json)
            results += steps
            return nil
        } catch {
            results += steps.map { var step = $0; step.outcome = .failed; step.error = error.description; return step }
            return error.description
        }
    }

    /// Flushes the writer; when that fails, the last `unflushed` results become failures. Returns the error text.
    private func flush(_ state: some LiveStateWriter, _ results: inout [AppliedChange], unflushed: Int) -> String? {
        do {
            try state.flush()
            return nil
        } catch {
            for index in results.indices.suffix(unflushed) {
                results[index].outcome = .failed
                results[index].error = "not made durable: \(error)"
            }
            logger.error("flush failed", metadata: ["error.code": "\(error.code.rawValue)"])
            return error.description
        }
    }

    private func perform(_ change: Change, on state: some LiveStateWriter) throws(LiveStateError) {
        switch change.action {
        case .create, .update:
            guard let desired = change.desired else {
                throw LiveStateError(.corrupt, "plan holds no desired object for \(change.key)")
            }
            // A body carrying the mask of a sensitive value would overwrite the secret with the mask.
            guard !Sensitive.containsMask(desired) else {
                throw LiveStateError(.corrupt, "\(change.key) holds a masked value (\(Sensitive.maskText)); a mask is never written")
            }
            try state.put(Manifest(key: change.key, body: desired))
        case .delete:
            try state.delete(change.key)
        }
    }
}
