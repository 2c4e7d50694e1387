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
    }

    /// One GPU class as the status summarizes it.
    public struct ClassSummary: Sendable, Equatable {
        public struct Share: Sendable, Equatable {
            public var tenant: String
            public var guaranteed: Int
            public var target: Int

            public init(tenant: String, guaranteed: Int, target: Int) {
                self.tenant = tenant
                self.guaranteed = guaranteed
                self.target = target
            }
        }

        public var gpuClass: String
        public var capacity: Int
        public var unit: String
        public var guaranteed: Int
        public var tenantCount: Int
        /// At most 100 tenants, so the status object stays small.
        public var tenants: [Share]

        public init(gpuClass: String, capacity: Int, unit: String, guaranteed: Int, tenantCount: Int, tenants: [Share]) {
            self.gpuClass = gpuClass
            self.capacity = capacity
            self.unit = unit
            self.guaranteed = guaranteed
            self.tenantCount = tenantCount
            self.tenants = tenants
        }

        init(_ allocation: ClassAllocation) {
            gpuClass = allocation.gpuClass
            capacity = allocation.capacity
            unit = allocation.unit
            guaranteed = allocation.guaranteed
            tenantCount = allocation.tenants.count
            tenants = allocation.tenants.prefix(100).map { Share(tenant: $0.tenant, guaranteed: $0.guaranteed, target: $0.target) }
        }
    }
}

// The status document's parts, read leniently (see SyncStatus+Codable.swift); written as declared.

extension SyncStatus.RunSummary.PlanTotals: Codable {
    enum CodingKeys: String, CodingKey { case create, update, delete, nodeGroups, releases }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(create: c.lenient(Int.self, .create) ?? 0, update: c.lenient(Int.self, .update) ?? 0,
                  delete: c.lenient(Int.self, .delete) ?? 0, nodeGroups: c.lenient(Int.self, .nodeGroups) ?? 0,
                  releases: c.lenient(Int.self, .releases) ?? 0)
    }
}

extension SyncStatus.RunSummary.ApplyTotals: Codable {
    enum CodingKeys: String, CodingKey { case applied, failed, skipped, stopped }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(applied: c.lenient(Int.self, .applied) ?? 0, failed: c.lenient(Int.self, .failed) ?? 0,
                  skipped: c.lenient(Int.self, .skipped) ?? 0, stopped: c.lenient(Bool.self, .stopped) ?? false)
    }
}

extension SyncStatus.ClassSummary: Codable {
    enum CodingKeys: String, CodingKey { case gpuClass = "class", capacity, unit, guaranteed, tenantCount, tenants }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(gpuClass: c.lenient(String.self, .gpuClass) ?? "?", capacity: c.lenient(Int.self, .capacity) ?? 0,
                  unit: c.lenient(String.self, .unit) ?? "", guaranteed: c.lenient(Int.self, .guaranteed) ?? 0,
                  tenantCount: c.lenient(Int.self, .tenantCount) ?? 0, tenants: c.lenient([Share].self, .tenants) ?? [])
    }
}

extension SyncStatus.ClassSummary.Share: Codable {
    enum CodingKeys: String, CodingKey { case tenant, guaranteed, target }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(tenant: c.lenient(String.self, .tenant) ?? "?", guaranteed: c.lenient(Int.self, .guaranteed) ?? 0,
                  target: c.lenient(Int.self, .target) ?? 0)
    }
}
