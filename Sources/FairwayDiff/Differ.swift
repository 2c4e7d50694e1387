import FairwayCore

/// Options that shape a plan.
public struct DiffOptions: Sendable {
    /// Delete owned live objects that are no longer desired.
    public var prune: Bool
    /// Refuse the plan when it deletes more objects than this; nil for no limit.
    public var maxDeletions: Int?

    public init(prune: Bool = true, maxDeletions: Int? = nil) {
        self.prune = prune
        self.maxDeletions = maxDeletions
    }
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

    /// Plans `desired` against `live`. With a `memo`, objects whose desired and live bodies are the
    /// same storage as in the memo's last plan are not compared again.
    public static func plan(desired: [Manifest], tenantOf: [ObjectKey: String], live: [Manifest], liveSerial: Int,
                            revision: String, options: DiffOptions = DiffOptions(), memo: DiffMemo? = nil) -> Plan {
        let lookup = memo?.index(live) ?? index(live)
        // Comparing objects is independent per object: spread it over the cores.
        let remembered = memo?.snapshot() ?? [:]
        let outcomes = ParallelMap.map(desired) { manifest -> (comparison: Comparison, fresh: Bool) in
            guard let current = lookup[manifest.key] else { return (.create, false) }
            if let entry = remembered[manifest.key], entry.desired.isIdentical(to: manifest.body),
               entry.live.isIdentical(to: current) {
                return (entry.comparison, false)
            }
            return (compare(manifest.key, desired: manifest.body, live: current), true)
        }
        var changes: [Change] = []
        var unchanged = 0
        var refusals: [String] = []
        for (manifest, outcome) in zip(desired, outcomes) {
            let tenant = tenantOf[manifest.key]
            switch outcome.comparison {
            case .create:
                changes.append(Change(action: .create, key: manifest.key, tenant: tenant, desired: manifest.body))
            case .unowned:
                refusals.append("\(manifest.key) exists but is not managed by Fairway; it will not be taken over")
            case .unchanged:
                unchanged += 1
            case let .update(fields):
                changes.append(Change(action: .update, key: manifest.key, tenant: tenant, fields: fields,
                                      desired: manifest.body))
            }
        }
        let desiredKeys = Set(desired.map(\.key))
        if let memo {
            var fresh: [(ObjectKey, DiffMemo.Entry)] = []
            var reused = 0
            for (manifest, outcome) in zip(desired, outcomes) {
                guard let current = lookup[manifest.key] else { continue }
                if outcome.fresh {
                    fresh.append((manifest.key, DiffMemo.Entry(desired: manifest.body, live: current, comparison: outcome.comparison)))
                } else {
                    reused += 1
                }
            }
            memo.update(fresh, reused: reused, desiredKeys: desiredKeys)
        }
        var deletions: [Change] = []
        var orphaned: [ObjectKey] = []
        for manifest in live where !desiredKeys.contains(manifest.key) && Ownership.isOwned(manifest.body) {
            if options.prune {
                let tenant = manifest.body["metadata"]?["labels"]?[Ownership.tenantLabel]?.stringValue
                deletions.append(Change(action: .delete, key: manifest.key, tenant: tenant))
            } else {
                orphaned.append(manifest.key)
            }
        }
        if let limit = options.maxDeletions, deletions.count > limit {
            refusals.append(deletionRefusal(deletions.count, limit: limit))
        }
        changes.sort { $0.key < $1.key }
        deletions.sort { $1.key < $0.key }
        var plan = Plan(revision: revision, liveSerial: liveSerial, changes: changes + deletions, unchanged: unchanged,
                        orphaned: orphaned.sorted(), refusals: refusals)
        plan.gpu = GPUGuarantees.changes(live: live, desired: desired)
        plan.bindings.objects = bindings(desired: desired, deletions: deletions, lookup: lookup)
        return plan
    }

    /// The resourceVersion of every object the plan writes or relies on ("" for absent ones).
    static func bindings(desired: [Manifest], deletions: [Change], lookup: [ObjectKey: JSONValue]) -> [ObjectKey: String] {
        var out: [ObjectKey: String] = [:]
        out.reserveCapacity(desired.count + deletions.count)
        func bind(_ key: ObjectKey) {
            out[key] = lookup[key]?["metadata"]?["resourceVersion"]?.stringValue ?? ""
        }
        for manifest in desired { bind(manifest.key) }
        for change in deletions { bind(change.key) }
        return out
    }

    static func index(_ live: [Manifest]) -> [ObjectKey: JSONValue] {
        var byKey: [ObjectKey: JSONValue] = [:]
        byKey.reserveCapacity(live.count)
        for manifest in live { byKey[manifest.key] = manifest.body }
        return byKey
    }

    /// Compares one desired body with its live twin: only the fields Fairway sets or owns count, and
    /// a Secret's values are masked.
    static func compare(_ key: ObjectKey, desired: JSONValue, live: JSONValue) -> Comparison {
        guard Ownership.isOwned(live) else { return .unowned }
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
