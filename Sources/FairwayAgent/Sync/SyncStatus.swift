import FairwayCore
import FairwayFairness

/// Where the agent stands, as people read it from the status ConfigMap (`fairway status`): the
/// commit last fetched and last applied, the last run's result and plan totals, the errors that
/// stand, the fairness summary and who leads. Built up run by run; a no-op run changes nothing here.
public struct SyncStatus: Sendable, Equatable {
    public var repository = ""
    public var ref = ""
    public var leader: String?
    public var lastFetchedCommit: String?
    public var lastFetchedAt: String?
    public var lastAppliedCommit: String?
    public var lastAppliedAt: String?
    /// The last run that did something (a no-op run is not recorded).
    public var lastRun: JSONValue?
    /// The result of that run (`applied`, `invalid`, `failed`, ...).
    public var result: String?
    /// The errors that stand after that run, one line each.
    public var errors: [String] = []
    /// Per GPU class: capacity, unit, guaranteed total and each tenant's guarantee and target.
    public var fairness: JSONValue = []

    public init(repository: String = "", ref: String = "") {
        self.repository = repository
        self.ref = ref
    }

    /// Takes in a run's outcome. Returns false when nothing changed (a no-op run).
    @discardableResult
    public mutating func record(_ run: SyncRun) -> Bool {
        let before = self
        if let commit = run.fetchedCommit, commit != lastFetchedCommit {
            lastFetchedCommit = commit
            lastFetchedAt = run.startedAt.rfc3339
        }
        guard run.result != .noop else { return self != before }
        result = run.result.rawValue
        errors = run.errors
        if let commit = run.appliedCommit, commit != lastAppliedCommit || run.report != nil {
            lastAppliedCommit = commit
            lastAppliedAt = run.startedAt.adding(seconds: run.seconds).rfc3339
        }
        if let stale = run.fetchStale { errors.insert("fetch failed, using the last fetched commit: \(stale)", at: 0) }
        lastRun = Self.summary(run)
        if !run.fairness.isEmpty { fairness = Self.fairness(run.fairness) }
        return true
    }

    static func summary(_ run: SyncRun) -> JSONValue {
        var object: JSONObject = [
            ("id", .string(run.id)), ("trigger", .string(run.trigger.rawValue)), ("result", .string(run.result.rawValue)),
            ("reason", .string(run.reason.rawValue)),
            ("startedAt", .string(run.startedAt.rfc3339)), ("seconds", .double(run.seconds)),
        ]
        if let commit = run.reconciledCommit { object["commit"] = .string(commit) }
        if !run.sourceNotes.isEmpty { object["sourceNotes"] = .array(run.sourceNotes.map(JSONValue.string)) }
        object["driftCheck"] = .bool(run.driftCheck)
        if let counts = run.planCounts {
            object["plan"] = [
                "create": .int(Int64(counts.create)), "update": .int(Int64(counts.update)), "delete": .int(Int64(counts.delete)),
                "nodeGroups": .int(Int64(run.nodeGroupChanges)), "releases": .int(Int64(run.releaseChanges)),
            ]
        }
        object["drift"] = .int(Int64(run.drift))
        if let report = run.report {
            object["apply"] = ["applied": .int(Int64(report.appliedCount)), "failed": .int(Int64(report.failedCount)),
                               "skipped": .int(Int64(report.skippedCount)), "stopped": .bool(report.stopped)]
        }
        var stages = JSONObject()
        for stage in SyncRun.Stage.allCases { if let seconds = run.stages[stage] { stages[stage.rawValue] = .double(seconds) } }
        object["stages"] = .object(stages)
        return .object(object)
    }

    static func fairness(_ classes: [ClassAllocation]) -> JSONValue {
        .array(classes.map { allocation in
            // A status object stays small: at most 100 tenants per class are listed.
            let tenants = allocation.tenants.prefix(100).map { tenant -> JSONValue in
                ["tenant": .string(tenant.tenant), "guaranteed": .int(Int64(tenant.guaranteed)), "target": .int(Int64(tenant.target))]
            }
            return [
                "class": .string(allocation.gpuClass), "capacity": .int(Int64(allocation.capacity)), "unit": .string(allocation.unit),
                "guaranteed": .int(Int64(allocation.guaranteed)), "tenantCount": .int(Int64(allocation.tenants.count)), "tenants": .array(tenants),
            ]
        })
    }

    public var json: JSONValue {
        var object: JSONObject = [("repository", .string(repository)), ("ref", .string(ref))]
        func put(_ key: String, _ value: String?) { if let value { object[key] = .string(value) } }
        put("leader", leader)
        put("lastFetchedCommit", lastFetchedCommit)
        put("lastFetchedAt", lastFetchedAt)
        put("lastAppliedCommit", lastAppliedCommit)
        put("lastAppliedAt", lastAppliedAt)
        put("result", result)
        object["errors"] = .array(errors.map { .string($0) })
        if let lastRun { object["lastRun"] = lastRun }
        object["fairness"] = fairness
        return .object(object)
    }

    public init(json: JSONValue) {
        repository = json["repository"]?.stringValue ?? ""
        ref = json["ref"]?.stringValue ?? ""
        leader = json["leader"]?.stringValue
        lastFetchedCommit = json["lastFetchedCommit"]?.stringValue
        lastFetchedAt = json["lastFetchedAt"]?.stringValue
        lastAppliedCommit = json["lastAppliedCommit"]?.stringValue
        lastAppliedAt = json["lastAppliedAt"]?.stringValue
        result = json["result"]?.stringValue
        errors = (json["errors"]?.arrayValue ?? []).compactMap(\.stringValue)
        lastRun = json["lastRun"]
        fairness = json["fairness"] ?? []
    }
}
