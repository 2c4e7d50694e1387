import FairwayCore
import FairwayDiff
import FairwayKubernetes
import FairwayLive

/// Object steps: server-side apply, then a wait for readiness where it is defined; or a delete.
extension ClusterApplier {
    /// Applies or deletes one object; returns its health when it was waited on.
    func applyObject(_ change: Change) async throws -> String? {
        switch change.action {
        case .delete:
            try await objects.delete(change.key)
            return nil
        case .create, .update:
            guard let desired = change.desired else { throw StepFailure("the plan holds no desired object for \(change.key)") }
            let kind = change.key.kind
            let waits = switch KindFacts.wait(of: kind) {
            case .never: false
            case .always: true
            case .unlessNoWait: options.waitForWorkloads
            }
            // An adopted object takes over the fields its earlier managers hold, as --adopt asked.
            let applied = try await serverSideApply(Manifest(key: change.key, body: desired), returning: waits,
                                                    force: change.adopted)
            return waits ? try await waitUntilReady(applied) : nil
        }
    }

    /// Server-side apply. A kind the server does not serve yet (its CRD was just installed by a
    /// release and is not established) is tried again until the timeout; fields other managers own
    /// fail the step with the conflicts named, unless forced.
    func serverSideApply(_ manifest: Manifest, returning: Bool, force: Bool = false) async throws -> Manifest {
        let deadline = ContinuousClock.now + options.timeout
        var pause = options.pollInterval
        while true {
            do {
                return try await objects.apply(manifest, force: force || options.forceConflicts, returning: returning)
            } catch let error as KubernetesError where error.code == .unknownKind && ContinuousClock.now < deadline {
                try await Task.sleep(for: pause)
                pause = min(pause * 2, options.maxPollInterval)
                try? await objects.refreshKinds()
            } catch let error as KubernetesError where error.isConflict && !error.conflicts.isEmpty {
                let conflicts = error.conflicts.map { AppliedChange.FieldConflict(manager: $0.manager, field: $0.field) }
                let named = conflicts.prefix(5).map { "\($0.field) (owned by \($0.manager))" }.joined(separator: ", ")
                throw StepFailure("conflicts with other field managers: \(named)\(conflicts.count > 5 ? ", ..." : ""); "
                                  + "apply with --force-conflicts to take these fields over", conflicts: conflicts)
            }
        }
    }

    /// Polls the object until it is ready, failed, or the timeout passes.
    func waitUntilReady(_ first: Manifest) async throws -> String? {
        let key = first.key
        let deadline = ContinuousClock.now + options.timeout
        var current = first.body
        var pause = options.pollInterval
        while true {
            switch Health.of(current, kind: key.kind) {
            case nil: return nil
            case let .ready(text)?: return text
            case let .failed(reason)?: throw StepFailure("\(key) is not healthy: \(reason)")
            case let .progressing(reason)?:
                guard ContinuousClock.now < deadline else {
                    throw StepFailure("\(key) was not ready within \(options.timeout.goSeconds): \(reason)")
                }
            }
            try await Task.sleep(for: pause)
            pause = min(pause * 2, options.maxPollInterval)
            guard let read = try await objects.get(key) else { throw StepFailure("\(key) disappeared while waiting for it to be ready") }
            current = read.body
        }
    }
}
