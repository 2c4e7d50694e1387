import FairwayCore

/// Options that shape a plan.
public struct DiffOptions: Sendable {
    /// Delete owned live objects that are no longer desired.
    public var prune: Bool
    /// Refuse the plan when it deletes more objects than this; nil for no limit.
    public var maxDeletions: Int?
    /// Existing objects not managed by Fairway that the plan takes over, as `Kind/name` or
    /// `Kind/namespace/name` (`--adopt`); any other such object in the way refuses the plan.
    public var adopt: Set<String>

    public init(prune: Bool = true, maxDeletions: Int? = nil, adopt: Set<String> = []) {
        self.prune = prune
        self.maxDeletions = maxDeletions
        self.adopt = adopt
    }

    /// Whether `key` is named for adoption (as the key prints: `Kind/name` or `Kind/namespace/name`).
    public func adopts(_ key: ObjectKey) -> Bool { adopt.contains(key.description) }
}

/// Computes a plan from desired and live objects. Pure: same inputs, same plan.
public enum Differ {
    /// How one desired object compares with its live twin.
    enum Comparison: Sendable {
        case create
        case unowned
        case unchanged
        case update([FieldChange])
    }

    /// Plans `desired` against `live`, with the tenant of each desired object by key.
    public static func plan(desired: [Manifest], tenantOf: [ObjectKey: String], live: [Manifest], liveSerial: Int,
                            revision: String, options: DiffOptions = DiffOptions(), memo: DiffMemo? = nil) -> Plan {
        plan(desired: desired, tenants: desired.map { tenantOf[$0.key] }, live: live, liveSerial: liveSerial,
             revision: revision, options: options, memo: memo)
    }

    /// Plans `desired` against `live`, with the tenant of each desired object by position. With a
    /// `memo`, objects whose desired and live bodies are the same storage as in the memo's last plan
    /// are not compared again.
    public static func plan(desired: [Manifest], tenants: [String?], live: [Manifest], liveSerial: Int,
                            revision: String, options: DiffOptions = DiffOptions(), memo: DiffMemo? = nil) -> Plan {
        precondition(tenants.count == desired.count, "one tenant entry per desired object")
        var last = memo?.takeLast(for: live)
        var previousRows = last?.rows ?? []
        last?.rows = []
        let made = DiffRows.make(desired: desired, live: live, taking: &previousRows, sameLive: last?.sameLive ?? false) {
            memo?.index(live) ?? index(live)
        }
        let rows = made.rows
        var changes: [Change] = []
        var unchanged = 0
        var blockers: [Refusal] = []
        var matched = [Bool](repeating: false, count: live.count)
        for position in rows.indices {
            if let twin = rows[position].liveIndex { matched[twin] = true }
            switch rows[position].comparison {
            case .unchanged:
                unchanged += 1
            case .create:
                let row = rows[position]
                changes.append(Change(action: .create, key: row.key, tenant: tenants[position], desired: row.desired))
            case .unowned:
                let row = rows[position]
                if options.adopts(row.key), let twin = row.liveIndex {
                    let desired = row.desired
                    // Taken over: the fields Fairway sets, compared with what is there; other fields stay.
                    let fields = FieldDiff.changes(from: Normalizer.comparable(live[twin].body), to: Normalizer.comparable(desired),
                                                   owned: .nothing)
                    changes.append(Change(action: .update, key: row.key, tenant: tenants[position], fields: fields,
                                          desired: desired, adopted: true))
                } else {
                    blockers.append(Refusal(.unownedObject, "\(row.key) exists but is not managed by Fairway; it will not be taken over "
                                            + "unless named with --adopt \(row.key)"))
                }
            case let .update(fields):
                let row = rows[position]
                changes.append(Change(action: .update, key: row.key, tenant: tenants[position], fields: fields,
                                      desired: row.desired))
            }
        }
        var deletions: [Change] = []
        var deletionVersions: [ObjectKey: String] = [:]
        var orphaned: [ObjectKey] = []
        for (position, manifest) in live.enumerated() where !matched[position] && Ownership.isOwned(manifest.body) {
            if options.prune {
                let tenant = manifest.body["metadata"]?["labels"]?[Ownership.tenantLabel]?.stringValue
                deletions.append(Change(action: .delete, key: manifest.key, tenant: tenant))
                deletionVersions[manifest.key] = resourceVersion(of: manifest.body)
            } else {
                orphaned.append(manifest.key)
            }
        }
        // Sorted by position, then gathered: a Change is large, and moving hundreds of thousands of them
        // through a merge sort cost more than the comparisons.
        let ordered = changes.indices.sorted { changes[$0].key < changes[$1].key }.map { changes[$0] }
            + deletions.indices.sorted { deletions[$1].key < deletions[$0].key }.map { deletions[$0] }
        var plan = Plan(revision: revision, liveSerial: liveSerial, changes: ordered, unchanged: unchanged,
                        orphaned: orphaned.sorted(), blockers: blockers, maxDeletions: options.maxDeletions)
        let liveGuarantees = memo?.guarantees(of: live) ?? GPUGuarantees.read(live)
        plan.gpu = GPUGuarantees.changes(before: liveGuarantees, after: GPUGuarantees.total(rows.lazy.compactMap(\.guarantee)))
        var objectBindings = last?.bindings ?? [:]
        last?.bindings = [:]
        patchBindings(&objectBindings, made, previousDeletions: last?.deletions, deletions: deletionVersions)
        plan.bindings.objects = objectBindings
        memo?.remember(rows: rows, live: live, bindings: plan.bindings.objects, deletions: deletionVersions,
                       compared: made.freshPositions.count)
        return plan
    }

    /// The resourceVersion of every object the plan writes or relies on ("" for absent ones). With
    /// `previousDeletions`, `bindings` holds the previous plan's: the rows this plan did not carry
    /// over are taken out and its fresh rows and deletions put in. Without, they are built anew.
    static func patchBindings(_ bindings: inout [ObjectKey: String], _ made: DiffRows,
                              previousDeletions: [ObjectKey: String]?, deletions: [ObjectKey: String]) {
        if let previousDeletions {
            for key in previousDeletions.keys { bindings.removeValue(forKey: key) }
            for key in made.dropped { bindings.removeValue(forKey: key) }
            for position in made.freshPositions {
                bindings[made.rows[position].key] = made.rows[position].resourceVersion
            }
        } else {
            bindings = [:]
            bindings.reserveCapacity(made.rows.count + deletions.count)
            for row in made.rows { bindings[row.key] = row.resourceVersion }
        }
        bindings.merge(deletions) { _, new in new }
    }

    static func resourceVersion(of body: JSONValue) -> String {
        body["metadata"]?["resourceVersion"]?.stringValue ?? ""
    }

    static func index(_ live: [Manifest]) -> [ObjectKey: Int] {
        var byKey: [ObjectKey: Int] = [:]
        byKey.reserveCapacity(live.count)
        for (position, manifest) in live.enumerated() { byKey[manifest.key] = position }
        return byKey
    }

    /// Compares one desired body with its live twin: only the fields Fairway sets or owns count, and
    /// a Secret's values are masked.
    static func compare(_ key: ObjectKey, desired: JSONValue, live: JSONValue) -> Comparison {
        guard Ownership.isOwned(live) else { return .unowned }
        // The very same body: `fairway diff` compares two renderings that share every unchanged object.
        if desired.isIdentical(to: live) { return .unchanged }
        // Bodies equal but for the source annotation (the common case) need no normalising.
        if Normalizer.equalIgnoringSource(live, desired) { return .unchanged }
        let owned: FieldDiff.Owned
        switch ManagedFieldSet.owned(in: live) {
        case nil: owned = .everything
        case let set? where set.node.isEmpty: owned = .nothing
        case let set?: owned = .fields(set)
        }
        var fields = FieldDiff.changes(from: Normalizer.comparable(live), to: Normalizer.comparable(desired), owned: owned)
        if Sensitive.isSecret(key) { fields = Sensitive.maskSecretFields(fields) }
        return fields.isEmpty ? .unchanged : .update(fields)
    }
}
