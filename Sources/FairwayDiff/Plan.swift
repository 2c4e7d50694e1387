import FairwayCore

/// FairwayDiff compares desired objects with live ones and produces a `Plan`: a value that says
/// what would be created, updated and deleted, field by field. It is a pure function of its inputs;
/// fetching live state is the caller's work and showing the plan is the views' work.

/// One field that differs between live and desired. `before` is nil for an added field, `after`
/// nil for a removed one. `path` is dotted, with list indexes and odd keys in brackets
/// (`spec.hard["requests.cpu"]`, `subjects[0].name`).
public struct FieldChange: Sendable, Hashable, Codable {
    public var path: String
    public var before: JSONValue?
    public var after: JSONValue?

    public init(path: String, before: JSONValue?, after: JSONValue?) {
        self.path = path
        self.before = before
        self.after = after
    }
}

/// What happens to one object.
public struct Change: Sendable, Hashable {
    public enum Action: String, Sendable, Codable, CaseIterable {
        case create
        case update
        case delete
    }

    public var action: Action
    public var key: ObjectKey
    /// The tenant the object belongs to, when it belongs to one.
    public var tenant: String?
    /// Field-level differences (updates only).
    public var fields: [FieldChange]
    /// The object to write (creates and updates).
    public var desired: JSONValue?
    /// An update that takes over an object made outside Fairway (`--adopt`): written with the
    /// fields other managers hold taken over, and labelled as Fairway's from then on.
    public var adopted: Bool

    public init(action: Action, key: ObjectKey, tenant: String?, fields: [FieldChange] = [], desired: JSONValue? = nil,
                adopted: Bool = false) {
        self.action = action
        self.key = key
        self.tenant = tenant
        self.fields = fields
        self.desired = desired
        self.adopted = adopted
    }
}

/// Counts of a plan, overall or for one tenant.
public struct ChangeCounts: Sendable, Hashable, Codable {
    public var create = 0
    public var update = 0
    public var delete = 0

    public init() {}

    public var total: Int { create + update + delete }

    mutating func add(_ action: Change.Action) {
        switch action {
        case .create: create += 1
        case .update: update += 1
        case .delete: delete += 1
        }
    }
}

/// What a plan was computed against. Applying a saved plan re-reads these and refuses when any has
/// moved: an object's resourceVersion ("" when it did not exist), a node group's modification time,
/// a Helm release's revision (0 when not installed).
public struct PlanBindings: Sendable, Hashable {
    public var objects: [ObjectKey: String]
    public var nodeGroups: [String: String]
    /// Keyed by `namespace/name`.
    public var releases: [String: Int]

    public init(objects: [ObjectKey: String] = [:], nodeGroups: [String: String] = [:], releases: [String: Int] = [:]) {
        self.objects = objects
        self.nodeGroups = nodeGroups
        self.releases = releases
    }

    /// What moved between `self` (the saved plan's) and `now`, one line per binding.
    public func moved(since now: PlanBindings) -> [String] {
        func compare<K: Comparable & Hashable, V: Equatable>(_ kind: String, _ a: [K: V], _ b: [K: V], absent: V) -> [String] {
            Set(a.keys).union(b.keys).sorted().compactMap { key in
                let before = a[key] ?? absent, after = b[key] ?? absent
                return before == after ? nil : "\(kind) \(key): \(before) -> \(after)"
            }
        }
        return compare("object", objects, now.objects, absent: "")
            + compare("node group", nodeGroups, now.nodeGroups, absent: "")
            + compare("release", releases, now.releases, absent: 0)
    }
}

/// Everything an apply would do, and whether it may: the decisions live here, not in the views.
public struct Plan: Sendable, Hashable {
    /// The revision the desired state was rendered from.
    public var revision: String
    /// The live state's serial the plan was computed against; apply refuses a plan whose serial is stale.
    public var liveSerial: Int
    /// Changes in apply order: creates and updates by kind order, then deletes in reverse kind order.
    public var changes: [Change]
    /// Objects that match their desired state.
    public var unchanged: Int
    /// Owned live objects gone from Git that are kept because pruning is off.
    public var orphaned: [ObjectKey]
    /// Owned Helm releases (`release/<namespace>/<name>`) and EKS node groups (`nodegroup/<name>`)
    /// gone from Git that are kept because pruning is off.
    public var orphanedTargets: [String] = []
    /// What stands in the way of this plan, found while planning (unowned objects); the deletion
    /// guard is not among them: it is decided from the whole plan (`refusals`).
    public var blockers: [Refusal]
    /// The deletion guard's limit (`spec.reconcile.maxDeletions`, `--max-deletions`); nil for none.
    public var maxDeletions: Int?
    /// EKS managed node groups to create, update, replace or delete; nil when no EKS target was read.
    public var nodeGroups: [NodeGroupPlan]?
    /// Helm releases to install, upgrade or uninstall; nil when no Helm target was read.
    public var releases: [ReleasePlan]?
    /// Tenants' GPU guarantees that move, per class (from the Kueue ClusterQueues).
    public var gpu: [GPUGuaranteeChange]
    /// What the plan was computed against.
    public var bindings: PlanBindings

    public init(revision: String, liveSerial: Int, changes: [Change], unchanged: Int, orphaned: [ObjectKey],
                blockers: [Refusal], maxDeletions: Int? = nil) {
        self.revision = revision
        self.liveSerial = liveSerial
        self.changes = changes
        self.unchanged = unchanged
        self.orphaned = orphaned
        self.blockers = blockers
        self.maxDeletions = maxDeletions
        self.gpu = []
        self.bindings = PlanBindings()
    }

    public var hasChanges: Bool { changeCount > 0 }
    public var canApply: Bool { refusals.isEmpty }

    /// Why this plan must not be applied; empty when it may: what stands in the way, and the deletion
    /// guard over every deletion (objects, node groups and releases), decided once, here.
    public var refusals: [Refusal] {
        guard let limit = maxDeletions, deletions > limit else { return blockers }
        return blockers + [.tooManyDeletions(deletions, limit: limit)]
    }

    /// Every change: objects, node groups and releases.
    public var changeCount: Int { changes.count + (nodeGroups ?? []).count + (releases ?? []).count }

    /// Objects deleted, node groups deleted and releases uninstalled.
    public var deletions: Int {
        counts.delete + (nodeGroups ?? []).count(where: { $0.action == .delete })
            + (releases ?? []).count(where: { $0.action == .uninstall })
    }

    public var counts: ChangeCounts {
        var counts = ChangeCounts()
        for change in changes { counts.add(change.action) }
        return counts
    }

    /// Counts per tenant, sorted by tenant name; objects of no tenant are left out.
    public var countsByTenant: [(tenant: String, counts: ChangeCounts)] {
        var byTenant: [String: ChangeCounts] = [:]
        for change in changes {
            guard let tenant = change.tenant else { continue }
            byTenant[tenant, default: ChangeCounts()].add(change.action)
        }
        return byTenant.keys.sorted().map { ($0, byTenant[$0]!) }
    }
}
