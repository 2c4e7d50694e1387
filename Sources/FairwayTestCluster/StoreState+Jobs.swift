import FairwayCore

/// The Job controller and the kubelet as a client sees them from outside: a `batch/v1` Job runs to
/// completion, in the status writes Kubernetes 1.35 makes, each its own `MODIFIED` watch event with
/// its own resourceVersion, so clients that watch a Job (helm waiting for a hook Job, `kubectl wait
/// --for=condition=complete`) see it finish as on a real cluster.
///
/// Modelled, once a Job is stored (created, or changed by a write that is not a dry run):
/// - a Job with `spec.suspend: true` is not started; it gets the condition `Suspended=True`
///   (`JobSuspended`) and no `startTime`, and stays so until it is resumed (Kueue admits a workload by
///   clearing `suspend`);
/// - a resumed Job's `Suspended` condition turns `False` (`JobResumed`);
/// - starting: `startTime`, `active` (parallelism, at most the completions), `ready: 0`,
///   `terminating: 0` and `uncountedTerminatedPods: {}`;
/// - finishing, every pod having succeeded: `active` gone, `succeeded` = `spec.completions` (1 when
///   unset), `completedIndexes` for an Indexed Job, `completionTime`, and the conditions
///   `SuccessCriteriaMet` then `Complete`, both `True` with reason `CompletionsReached`.
///
/// Not modelled: no pods are created or run (so nothing fails, and no pod template is checked), no
/// time passes between the steps, `backoffLimit`, `activeDeadlineSeconds`, success and failure
/// policies, `ttlSecondsAfterFinished` and spec defaulting (selector, template labels, `completions`)
/// are ignored. A finished Job (a `Complete` or `Failed` condition that is `True`) is left alone, so a
/// test may write a failed status itself. Only with `simulateWorkloads`, as the other controllers.
extension StoreState {
    static func isJob(_ resource: ResourceType) -> Bool { resource.group == "batch" && resource.kind == "Job" }

    /// Runs the Job controller on the stored Job at `objectKey` until it has nothing left to do.
    mutating func settleJob(_ resource: ResourceType, objectKey: String) {
        for _ in 0..<3 {
            guard let job = buckets[resource.storageKey]?[objectKey], let status = Self.nextJobStatus(job) else { return }
            var next = job
            next["status"] = .object(status)
            revision += 1
            next.setMetadata("resourceVersion", .string(String(revision)))
            buckets[resource.storageKey]?[objectKey] = next
            record(WatchEvent(type: "MODIFIED", object: next, revision: revision, key: resource.storageKey, previous: job))
        }
    }

    /// The status the Job controller writes next, or nil when the Job is suspended and says so, or finished.
    static func nextJobStatus(_ job: JSONObject) -> JSONObject? {
        var status = job["status"]?.objectValue ?? JSONObject()
        var conditions = status["conditions"]?.arrayValue ?? []
        func isTrue(_ type: String) -> Bool {
            conditions.contains { $0["type"]?.stringValue == type && $0["status"]?.stringValue == "True" }
        }
        if isTrue("Complete") || isTrue("Failed") { return nil }
        let now = JSONValue.string(WallTime.now().rfc3339)
        func condition(_ type: String, _ value: String, _ reason: String, _ message: String) -> JSONValue {
            .object([("type", .string(type)), ("status", .string(value)), ("lastProbeTime", now), ("lastTransitionTime", now),
                     ("reason", .string(reason)), ("message", .string(message))])
        }
        let suspendedIndex = conditions.firstIndex { $0["type"]?.stringValue == "Suspended" }
        if job["spec"]?["suspend"] == .bool(true) {
            guard status["startTime"] == nil, !isTrue("Suspended") else { return nil }
            let suspended = condition("Suspended", "True", "JobSuspended", "Job suspended")
            if let suspendedIndex { conditions[suspendedIndex] = suspended } else { conditions.append(suspended) }
            status["conditions"] = .array(conditions)
            return status
        }
        let completions = job["spec"]?["completions"]?.intValue ?? 1
        let parallelism = job["spec"]?["parallelism"]?.intValue ?? 1
        if status["startTime"] == nil {
            if let suspendedIndex, isTrue("Suspended") {
                conditions[suspendedIndex] = condition("Suspended", "False", "JobResumed", "Job resumed")
                status["conditions"] = .array(conditions)
            }
            status["active"] = .int(Int64(max(0, min(parallelism, completions))))
            status["ready"] = 0
            status["startTime"] = now
            status["terminating"] = 0
            status["uncountedTerminatedPods"] = .object(JSONObject())
            return status
        }
        status["active"] = nil
        status["succeeded"] = .int(Int64(completions))
        if job["spec"]?["completionMode"]?.stringValue == "Indexed", completions > 0 {
            status["completedIndexes"] = .string(completions == 1 ? "0" : completions == 2 ? "0,1" : "0-\(completions - 1)")
        }
        status["completionTime"] = now
        conditions.append(condition("SuccessCriteriaMet", "True", "CompletionsReached", "Reached expected number of succeeded pods"))
        conditions.append(condition("Complete", "True", "CompletionsReached", "Reached expected number of succeeded pods"))
        status["conditions"] = .array(conditions)
        return status
    }
}
