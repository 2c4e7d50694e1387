import FairwayApply
import FairwayDiff

/// What happens to a plan, decided once for `fairway apply` (local state and cluster) and the sync
/// agent: refused, nothing to do, waiting for a person to confirm deleting namespaces where work
/// still runs, or applied. The callers only act on the decision: the CLI prompts or prints, the
/// agent records the run.
public enum ApplyDecision: Sendable, Equatable {
    /// The plan may not be applied; nothing is changed.
    case refused([Refusal])
    /// The target already matches the plan's revision.
    case nothingToDo
    /// The plan deletes namespaces (or volumes) where work runs or data is kept, and they were not
    /// confirmed beforehand (`--confirm-delete-namespace`): a person may confirm them, else refuse
    /// with each namespace's `BusyNamespace.refusal`.
    case needsConfirmation([BusyNamespace])
    /// The namespaces the plan deletes could not be checked for running work; nothing is changed.
    case cannotCheck(String)
    /// Apply the plan.
    case apply
}

/// The gate between a plan and its apply (see `ApplyDecision`).
public enum ApplyGate {
    /// Decides in order: the plan's own refusals, then whether there is anything to do, then the
    /// namespaces it deletes (`busy`, only called when there is something to apply) less those in
    /// `confirmed`.
    public static func decide(_ plan: Plan, confirmed: Set<String> = [],
                              busy: () async throws -> [BusyNamespace]) async -> ApplyDecision {
        let decision = decide(plan)
        guard decision == .apply else { return decision }
        let found: [BusyNamespace]
        do {
            found = try await busy()
        } catch {
            return .cannotCheck("cannot check the namespaces the plan deletes for running work: \(error)")
        }
        let unconfirmed = found.filter { !confirmed.contains($0.name) }
        return unconfirmed.isEmpty ? .apply : .needsConfirmation(unconfirmed)
    }

    /// `decide` for a target with no namespaces to check (the local state).
    public static func decide(_ plan: Plan) -> ApplyDecision {
        guard plan.canApply else { return .refused(plan.refusals) }
        return plan.hasChanges ? .apply : .nothingToDo
    }
}
