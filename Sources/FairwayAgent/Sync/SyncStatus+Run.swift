import FairwayCore
import FairwayFairness
import FairwayPipeline

extension SyncStatus {
    /// What the status keeps of the last run that did something, typed; its JSON is the status
    /// ConfigMap's `lastRun`.
    public struct RunSummary: Sendable, Equatable {
        /// Plan totals: object changes by action, node group and release changes.
        public struct PlanTotals: Sendable, Equatable {
            public var create = 0, update = 0, delete = 0, nodeGroups = 0, releases = 0
        }

        /// What the apply did.
        public struct ApplyTotals: Sendable, Equatable {
            public var applied = 0, failed = 0, skipped = 0
            public var stopped = false
        }

        public var id = ""
        public var trigger: SyncRun.Trigger?
        public var result: SyncRun.Result?
        public var reason: SyncRun.Reason?
        public var startedAt = ""
        public var seconds = 0.0
        /// The commit planned against the cluster.
        public var commit: String?
        public var sourceNotes: [String] = []
        public var driftCheck = false
        public var plan: PlanTotals?
        public var drift = 0
        public var apply: ApplyTotals?
        /// Seconds per stage.
        public var stages: [SyncRun.Stage: Double] = [:]

        public init() {}

        init(_ run: SyncRun) {
            id = run.id
            trigger = run.trigger
            result = run.result
            reason = run.reason
            startedAt = run.startedAt.rfc3339
            seconds = run.seconds
            commit = run.reconciledCommit
            sourceNotes = run.sourceNotes
            driftCheck = run.driftCheck
            if let counts = run.planCounts {
                plan = PlanTotals(create: counts.create, update: counts.update, delete: counts.delete,
                                  nodeGroups: run.nodeGroupChanges, releases: run.releaseChanges)
            }
            drift = run.drift
            if let report = run.report {
                apply = ApplyTotals(applied: report.appliedCount, failed: report.failedCount, skipped: report.skippedCount,
                                    stopped: report.stopped)
            }
            stages = run.stages
        }

        public var json: JSONValue {
            var object: JSONObject = [
                ("id", .string(id)), ("trigger", .string(trigger?.rawValue ?? "")), ("result", .string(result?.rawValue ?? "")),
                ("reason", .string(reason?.rawValue ?? "")), ("startedAt", .string(startedAt)), ("seconds", .double(seconds)),
            ]
            if let commit { object["commit"] = .string(commit) }
            if !sourceNotes.isEmpty { object["sourceNotes"] = .array(sourceNotes.map(JSONValue.string)) }
            object["driftCheck"] = .bool(driftCheck)
            if let plan {
                object["plan"] = ["create": .int(Int64(plan.create)), "update": .int(Int64(plan.update)), "delete": .int(Int64(plan.delete)),
                                  "nodeGroups": .int(Int64(plan.nodeGroups)), "releases": .int(Int64(plan.releases))]
            }
            object["drift"] = .int(Int64(drift))
            if let apply {
                object["apply"] = ["applied": .int(Int64(apply.applied)), "failed": .int(Int64(apply.failed)),
                                   "skipped": .int(Int64(apply.skipped)), "stopped": .bool(apply.stopped)]
            }
            var stageObject = JSONObject()
            for stage in SyncRun.Stage.allCases { if let seconds = stages[stage] { stageObject[stage.rawValue] = .double(seconds) } }
            object["stages"] = .object(stageObject)
            return .object(object)
        }

        /// Read back from the ConfigMap; what is missing or of another type takes its default.
        public init(json: JSONValue) {
            func int(_ value: JSONValue?) -> Int { value?.intValue ?? 0 }
            id = json["id"]?.stringValue ?? ""
            trigger = json["trigger"]?.stringValue.flatMap(SyncRun.Trigger.init(rawValue:))
            result = json["result"]?.stringValue.flatMap(SyncRun.Result.init(rawValue:))
            reason = json["reason"]?.stringValue.flatMap(SyncRun.Reason.init(rawValue:))
            startedAt = json["startedAt"]?.stringValue ?? ""
            seconds = json["seconds"]?.doubleValue ?? 0
            commit = json["commit"]?.stringValue
            sourceNotes = (json["sourceNotes"]?.arrayValue ?? []).compactMap(\.stringValue)
            driftCheck = json["driftCheck"] == .bool(true)
            if let p = json["plan"] {
                plan = PlanTotals(create: int(p["create"]), update: int(p["update"]), delete: int(p["delete"]),
                                  nodeGroups: int(p["nodeGroups"]), releases: int(p["releases"]))
            }
            drift = int(json["drift"])
            if let a = json["apply"] {
                apply = ApplyTotals(applied: int(a["applied"]), failed: int(a["failed"]), skipped: int(a["skipped"]),
                                    stopped: a["stopped"] == .bool(true))
            }
            for member in json["stages"]?.objectValue ?? JSONObject() {
                if let stage = SyncRun.Stage(rawValue: member.key) { stages[stage] = member.value.doubleValue }
            }
        }
    }

    /// One GPU class as the status summarizes it.
    public struct ClassSummary: Sendable, Equatable {
        public struct Share: Sendable, Equatable {
            public var tenant: String
            public var guaranteed: Int
            public var target: Int
        }

        public var gpuClass: String
        public var capacity: Int
        public var unit: String
        public var guaranteed: Int
        public var tenantCount: Int
        /// At most 100 tenants, so the status object stays small.
        public var tenants: [Share]

        init(_ allocation: ClassAllocation) {
            gpuClass = allocation.gpuClass
            capacity = allocation.capacity
            unit = allocation.unit
            guaranteed = allocation.guaranteed
            tenantCount = allocation.tenants.count
            tenants = allocation.tenants.prefix(100).map { Share(tenant: $0.tenant, guaranteed: $0.guaranteed, target: $0.target) }
        }

        init(json: JSONValue) {
            gpuClass = json["class"]?.stringValue ?? "?"
            capacity = json["capacity"]?.intValue ?? 0
            unit = json["unit"]?.stringValue ?? ""
            guaranteed = json["guaranteed"]?.intValue ?? 0
            tenantCount = json["tenantCount"]?.intValue ?? 0
            tenants = (json["tenants"]?.arrayValue ?? []).map {
                Share(tenant: $0["tenant"]?.stringValue ?? "?", guaranteed: $0["guaranteed"]?.intValue ?? 0, target: $0["target"]?.intValue ?? 0)
            }
        }

        var json: JSONValue {
            ["class": .string(gpuClass), "capacity": .int(Int64(capacity)), "unit": .string(unit),
             "guaranteed": .int(Int64(guaranteed)), "tenantCount": .int(Int64(tenantCount)),
             "tenants": .array(tenants.map { ["tenant": .string($0.tenant), "guaranteed": .int(Int64($0.guaranteed)), "target": .int(Int64($0.target))] })]
        }
    }
}
