import FairwayCore
import FairwayDiff

/// Node group and release steps.
extension ClusterApplier {
    /// Creates, updates, replaces or deletes one node group and waits for EKS to finish.
    func applyNodeGroup(_ plan: NodeGroupPlan) async throws -> String? {
        guard let backend = nodeGroups else { throw StepFailure("no EKS access was given") }
        let existing = plan.liveName ?? plan.name
        switch plan.action {
        case .create:
            guard let request = plan.create, let name = plan.newName else { throw StepFailure("the plan holds no CreateNodegroup request") }
            _ = try await backend.create(request)
            return try await waitUntilActive(name, backend)
        case .update:
            guard let request = plan.update else { throw StepFailure("the plan holds no UpdateNodegroupConfig request") }
            if let id = try await backend.update(existing, request: request) {
                try await followUpdate(existing, id: id, backend)
            }
            return try await waitUntilActive(existing, backend)
        case .replace:
            // The new group takes the load before the old one goes.
            guard let request = plan.create, let name = plan.newName else { throw StepFailure("the plan holds no CreateNodegroup request") }
            if try await backend.describe(name) == nil { _ = try await backend.create(request) }
            let health = try await waitUntilActive(name, backend)
            try await backend.delete(existing)
            try await waitUntilGone(existing, backend)
            return "\(name) \(health ?? "ACTIVE"), \(existing) deleted"
        case .delete:
            try await backend.delete(existing)
            try await waitUntilGone(existing, backend)
            return "deleted"
        }
    }

    /// Polls DescribeNodegroup until the group is ACTIVE; a failed or degraded group fails the step with its health issues.
    func waitUntilActive(_ name: String, _ backend: any NodeGroupBackend) async throws -> String? {
        try await pollNodeGroup(name, backend, waitingFor: "ACTIVE") { group in
            guard let group else { throw StepFailure("node group \(name) does not exist") }
            let status = group["status"]?.stringValue ?? "UNKNOWN"
            switch status {
            case "ACTIVE": return "ACTIVE"
            case "CREATE_FAILED", "DELETE_FAILED", "DEGRADED":
                let issues = (group["health"]?["issues"]?.arrayValue ?? []).compactMap { issue in
                    issue["code"]?.stringValue.map { "\($0): \(issue["message"]?.stringValue ?? "")" }
                }
                throw StepFailure("node group \(name) is \(status)\(issues.isEmpty ? "" : ": " + issues.joined(separator: "; "))")
            default: return nil
            }
        }
    }

    func waitUntilGone(_ name: String, _ backend: any NodeGroupBackend) async throws {
        _ = try await pollNodeGroup(name, backend, waitingFor: "deleted") { group in
            guard let group else { return "deleted" }
            if group["status"]?.stringValue == "DELETE_FAILED" { throw StepFailure("node group \(name) could not be deleted (DELETE_FAILED)") }
            return nil
        }
    }

    /// Follows an UpdateNodegroupConfig through DescribeUpdate until it succeeds or fails; when the
    /// service cannot describe updates, the group's status is followed instead.
    func followUpdate(_ name: String, id: String, _ backend: any NodeGroupBackend) async throws {
        let deadline = ContinuousClock.now + options.nodeGroupTimeout
        while true {
            guard let update = try await backend.describeUpdate(name, id: id) else { return }
            switch update["status"]?.stringValue {
            case "Successful"?: return
            case let status? where status == "Failed" || status == "Cancelled":
                let errors = (update["errors"]?.arrayValue ?? []).compactMap { $0["errorMessage"]?.stringValue }
                throw StepFailure("update \(id) of node group \(name) \(status.lowercased())\(errors.isEmpty ? "" : ": " + errors.joined(separator: "; "))")
            default:
                guard ContinuousClock.now < deadline else {
                    throw StepFailure("update \(id) of node group \(name) did not finish within \(options.nodeGroupTimeout.goSeconds)")
                }
                try await Task.sleep(for: options.nodeGroupPollInterval)
            }
        }
    }

    private func pollNodeGroup(_ name: String, _ backend: any NodeGroupBackend, waitingFor goal: String,
                               _ judge: (JSONValue?) throws -> String?) async throws -> String? {
        let deadline = ContinuousClock.now + options.nodeGroupTimeout
        while true {
            if let done = try judge(try await backend.describe(name)) { return done }
            guard ContinuousClock.now < deadline else {
                throw StepFailure("node group \(name) was not \(goal) within \(options.nodeGroupTimeout.goSeconds)")
            }
            try await Task.sleep(for: options.nodeGroupPollInterval)
        }
    }

    /// Installs, upgrades or uninstalls one release.
    func applyRelease(_ plan: ReleasePlan) async throws -> String? {
        guard let backend = releases else { throw StepFailure("no helm was given") }
        switch plan.action {
        case .install, .upgrade:
            guard let release = plan.desired else { throw StepFailure("the plan holds no desired release for \(plan.id)") }
            let revision = try await backend.upgradeInstall(release, timeout: options.timeout)
            return "deployed (revision \(revision))"
        case .uninstall:
            try await backend.uninstall(name: plan.name, namespace: plan.namespace, timeout: options.timeout)
            return "uninstalled"
        }
    }
}
