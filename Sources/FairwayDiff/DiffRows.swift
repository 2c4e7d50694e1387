import FairwayCore

/// One desired object and how it compares with its live twin: what a plan is assembled from, and
/// what a `DiffMemo` keeps so the next plan need not compare the object again.
struct DiffRow: Sendable {
    var key: ObjectKey
    var desired: JSONValue
    /// The live twin's position in the live array the row was computed against, and its body; nil
    /// when there is no live twin.
    var liveIndex: Int?
    var live: JSONValue?
    var comparison: Differ.Comparison
    /// The live twin's resourceVersion, "" when there is none.
    var resourceVersion: String
    /// The GPUs the desired object guarantees, when it is a tenant's Kueue ClusterQueue.
    var guarantee: GPUGuarantees.Contribution?
}

/// The rows of one plan: rows of the previous plan carried over where nothing they depend on
/// changed, fresh rows for the rest.
struct DiffRows {
    var rows: [DiffRow]
    /// The keys of the previous plan's rows that this plan did not carry over.
    var dropped: [ObjectKey]
    /// The positions of the rows compared afresh.
    var freshPositions: [Int]

    /// How far ahead in the previous rows a desired key is looked for when the two fall out of step
    /// (objects added or removed before it). A row not found within it is compared afresh, which
    /// costs time, never correctness.
    static let lookahead = 256

    /// Builds the rows for `desired` against `live` from the previous plan's rows (taken, leaving
    /// `previous` empty, so that when the keys line up they are updated in place). A previous row is
    /// carried over when its desired body and its live twin's body are the very same storage as now
    /// (`JSONValue.isIdentical`), or, for an object with no live twin, when `live` is the very array
    /// the previous plan saw. `lookup` gives the live index by key; it is asked for only when some
    /// row must be computed.
    static func make(desired: [Manifest], live: [Manifest], taking previous: inout [DiffRow], sameLive: Bool,
                     lookup: () -> [ObjectKey: Int]) -> DiffRows {
        if previous.isEmpty {
            // Nothing to carry over (no memo, or its first plan): every row is computed, in parallel.
            let index = lookup()
            let rows = ParallelMap.map(Array(desired.indices)) { position in row(for: desired[position], live: live, index: index) }
            return DiffRows(rows: rows, dropped: [], freshPositions: Array(desired.indices))
        }
        var rows: [DiffRow] = []
        swap(&rows, &previous)
        var pending: [Int] = []
        var dropped: [ObjectKey] = []
        if let stale = staleInPlace(rows, desired: desired, live: live, sameLive: sameLive) {
            // The keys line up one to one: stale rows are replaced in place.
            pending = stale
        } else {
            realign(&rows, to: desired, live: live, sameLive: sameLive, pending: &pending, dropped: &dropped)
        }
        if !pending.isEmpty {
            let index = lookup()
            let computed = ParallelMap.map(pending) { position in
                row(for: desired[position], live: live, index: index)
            }
            for (position, row) in zip(pending, computed) { rows[position] = row }
        }
        return DiffRows(rows: rows, dropped: dropped, freshPositions: pending)
    }

    /// When `rows` hold the keys of `desired` in the same order, the positions of the rows that
    /// cannot be reused; nil when the keys do not line up. One pass of pointer comparisons in the
    /// common case (keys and bodies from the same caches as last time).
    private static func staleInPlace(_ rows: [DiffRow], desired: [Manifest], live: [Manifest], sameLive: Bool) -> [Int]? {
        guard rows.count == desired.count else { return nil }
        return rows.withUnsafeBufferPointer { rows in
            desired.withUnsafeBufferPointer { desired in
                var stale: [Int] = []
                for position in 0..<desired.count {
                    guard rows[position].key == desired[position].key else { return nil }
                    if !reusable(rows[position], for: desired[position], live: live, sameLive: sameLive) {
                        stale.append(position)
                    }
                }
                return stale
            }
        }
    }

    /// Rebuilds `rows` in the order of `desired` when the keys do not line up: matching previous
    /// rows are carried over where reusable; the others, listed in `pending`, hold the desired
    /// object as a create until `make` computes them; the keys of previous rows not carried over go
    /// to `dropped`.
    private static func realign(_ rows: inout [DiffRow], to desired: [Manifest], live: [Manifest], sameLive: Bool,
                                pending: inout [Int], dropped: inout [ObjectKey]) {
        let previous = rows
        var carried = [Bool](repeating: false, count: previous.count)
        rows = []
        rows.reserveCapacity(desired.count)
        var cursor = 0
        // Looking ahead is bounded over the whole plan, so a wholly new set of keys costs no more
        // than a few comparisons per object.
        var budget = 4 * desired.count
        for (position, manifest) in desired.enumerated() {
            if let match = previousPosition(of: manifest.key, in: previous, from: cursor, budget: &budget) {
                cursor = match + 1
                if reusable(previous[match], for: manifest, live: live, sameLive: sameLive) {
                    carried[match] = true
                    rows.append(previous[match])
                    continue
                }
            }
            pending.append(position)
            rows.append(DiffRow(key: manifest.key, desired: manifest.body, comparison: .create, resourceVersion: ""))
        }
        for (position, row) in previous.enumerated() where !carried[position] { dropped.append(row.key) }
    }

    /// Where `key` sits among the previous rows, looking from `cursor` a little way ahead while the
    /// budget of comparisons lasts.
    private static func previousPosition(of key: ObjectKey, in previous: [DiffRow], from cursor: Int,
                                         budget: inout Int) -> Int? {
        let end = min(previous.count, cursor + max(1, min(lookahead, budget)))
        var position = cursor
        while position < end {
            if previous[position].key == key { return position }
            position += 1
        }
        budget -= position - cursor
        return nil
    }

    private static func reusable(_ row: borrowing DiffRow, for manifest: borrowing Manifest, live: [Manifest],
                                 sameLive: Bool) -> Bool {
        guard row.desired.isIdentical(to: manifest.body) else { return false }
        guard let index = row.liveIndex, let body = row.live else { return sameLive }
        return index < live.count && live[index].body.isIdentical(to: body)
    }

    /// Compares one desired object with its live twin.
    static func row(for manifest: Manifest, live: [Manifest], index: [ObjectKey: Int]) -> DiffRow {
        let guarantee = GPUGuarantees.contribution(of: manifest)
        guard let position = index[manifest.key] else {
            return DiffRow(key: manifest.key, desired: manifest.body, comparison: .create, resourceVersion: "",
                           guarantee: guarantee)
        }
        let current = live[position].body
        return DiffRow(key: manifest.key, desired: manifest.body, liveIndex: position, live: current,
                       comparison: Differ.compare(manifest.key, desired: manifest.body, live: current),
                       resourceVersion: Differ.resourceVersion(of: current), guarantee: guarantee)
    }
}
