import FairwayCore
import FairwayFairness

/// The plan as a versioned document: what `fairway plan --output json` prints, what a saved plan
/// records as reviewed, and what tools read back (docs/json-output.md). Built from a `Plan` and the
/// fairness report; encoding it with `JSONValueEncoder` gives its members in the documented order.
/// Within a format version members are only ever added.
public struct PlanDocument: Sendable, Hashable, Codable {
    public static let currentFormatVersion = 1

    /// An object named by its API version, kind, namespace (nil when cluster-scoped) and name.
    public struct ObjectReference: Sendable, Hashable, Codable {
        public var apiVersion: String
        public var kind: String
        public var namespace: String?
        public var name: String

        public init(_ key: ObjectKey) {
            apiVersion = key.apiVersion
            kind = key.kind
            namespace = key.namespace
            name = key.name
        }

        public var key: ObjectKey { ObjectKey(apiVersion: apiVersion, kind: kind, namespace: namespace, name: name) }
    }

    /// Object changes by action, and the objects left as they are.
    public struct Summary: Sendable, Hashable, Codable {
        public var create: Int
        public var update: Int
        public var delete: Int
        public var unchanged: Int
    }

    /// Object changes of one tenant.
    public struct TenantCounts: Sendable, Hashable, Codable {
        public var tenant: String
        public var create: Int
        public var update: Int
        public var delete: Int
    }

    /// One object change, field by field (values as the plan holds them: masked for review).
    public struct ObjectChange: Sendable, Hashable, Codable {
        public var object: ObjectReference
        public var action: Change.Action
        public var tenant: String?
        /// Present (true) only for an update that takes over an object made outside Fairway.
        public var adopted: Bool?
        public var fields: [FieldChange]

        enum CodingKeys: String, CodingKey { case action, tenant, adopted, fields }

        public init(_ change: Change) {
            object = ObjectReference(change.key)
            action = change.action
            tenant = change.tenant
            adopted = change.adopted ? true : nil
            fields = change.fields
        }

        public init(from decoder: any Decoder) throws {
            object = try ObjectReference(from: decoder)
            let c = try decoder.container(keyedBy: CodingKeys.self)
            action = try c.decode(Change.Action.self, forKey: .action)
            tenant = try c.decodeIfPresent(String.self, forKey: .tenant)
            adopted = try c.decodeIfPresent(Bool.self, forKey: .adopted) == true ? true : nil
            fields = try c.decode([FieldChange].self, forKey: .fields)
        }

        /// The object's reference members first, then the change's; `adopted` only when true.
        public func encode(to encoder: any Encoder) throws {
            try object.encode(to: encoder)
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(action, forKey: .action)
            try c.encode(tenant, forKey: .tenant)
            try c.encodeWhenPresent(adopted, forKey: .adopted)
            try c.encode(fields, forKey: .fields)
        }
    }

    /// One EKS managed node group change.
    public struct NodeGroupChange: Sendable, Hashable, Codable {
        public var name: String
        public var action: NodeGroupPlan.Action
        public var liveName: String?
        public var newName: String?
        public var note: String?
        public var fields: [FieldChange]

    }

    /// One Helm release change.
    public struct ReleaseChange: Sendable, Hashable, Codable {
        public var name: String
        public var namespace: String
        public var action: ReleasePlan.Action
        public var chart: String
        public var versionBefore: String?
        public var versionAfter: String?
        public var note: String?
        public var fields: [FieldChange]

    }

    /// A tenant's guaranteed GPUs of one class moving.
    public struct GuaranteeChange: Sendable, Hashable, Codable {
        public var tenant: String
        public var `class`: String
        public var guaranteedBefore: Int
        public var guaranteedAfter: Int
    }

    public var formatVersion: Int
    public var revision: String
    public var liveSerial: Int
    public var hasChanges: Bool
    public var canApply: Bool
    public var summary: Summary
    public var tenants: [TenantCounts]
    public var refusals: [String]
    public var refusalCodes: [String]
    public var orphaned: [ObjectReference]
    public var orphanedTargets: [String]
    public var changes: [ObjectChange]
    public var gpu: [ClassAllocationRecord]
    /// Nil (null) when no EKS target was read.
    public var nodeGroups: [NodeGroupChange]?
    /// Nil (null) when no Helm target was read.
    public var releases: [ReleaseChange]?
    public var gpuChanges: [GuaranteeChange]

    public init(_ plan: Plan, gpu: [ClassAllocation]) {
        formatVersion = Self.currentFormatVersion
        revision = plan.revision
        liveSerial = plan.liveSerial
        hasChanges = plan.hasChanges
        canApply = plan.canApply
        let counts = plan.counts
        summary = Summary(create: counts.create, update: counts.update, delete: counts.delete, unchanged: plan.unchanged)
        tenants = plan.countsByTenant.map {
            TenantCounts(tenant: $0.tenant, create: $0.counts.create, update: $0.counts.update, delete: $0.counts.delete)
        }
        let refusals = plan.refusals
        self.refusals = refusals.map(\.message)
        refusalCodes = refusals.map(\.code.rawValue)
        orphaned = plan.orphaned.map(ObjectReference.init)
        orphanedTargets = plan.orphanedTargets
        changes = plan.changes.map(ObjectChange.init)
        self.gpu = gpu.map(ClassAllocationRecord.init)
        nodeGroups = plan.nodeGroups?.map(NodeGroupChange.init)
        releases = plan.releases?.map(ReleaseChange.init)
        gpuChanges = plan.gpu.map {
            GuaranteeChange(tenant: $0.tenant, class: $0.gpuClass, guaranteedBefore: $0.before, guaranteedAfter: $0.after)
        }
    }

    /// The document as JSON, members in the documented order.
    public var json: JSONValue { JSONValueEncoder.document(self) }
}

extension PlanDocument.NodeGroupChange {
    public init(_ group: NodeGroupPlan) {
        self.init(name: group.name, action: group.action, liveName: group.liveName, newName: group.newName, note: group.note,
                  fields: group.fields)
    }
}

extension PlanDocument.ReleaseChange {
    public init(_ release: ReleasePlan) {
        self.init(name: release.name, namespace: release.namespace, action: release.action, chart: release.chart,
                  versionBefore: release.versionBefore, versionAfter: release.versionAfter, note: release.note, fields: release.fields)
    }
}
