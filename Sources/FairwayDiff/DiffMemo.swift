import FairwayCore
import Foundation

/// The comparisons of the last plan, kept by a process that plans again and again (the sync agent,
/// a re-plan after a commit) so that the next plan compares only the objects whose desired or live
/// body changed.
///
/// An entry is reused only when both bodies are the very same storage as last time
/// (`JSONValue.isIdentical(to:)`): a rendering reused from the render cache and a live object
/// reused from a live-state cache. The entry holds both bodies, so their storage cannot be freed and
/// reused by another value; identity therefore implies equal content and the reuse is exact.
public final class DiffMemo: @unchecked Sendable {
    struct Entry {
        var desired: JSONValue
        var live: JSONValue
        var comparison: Differ.Comparison
    }

    private let lock = NSLock()
    private var entries: [ObjectKey: Entry] = [:]
    /// The live objects of the last plan and their index by key, reused while the live array is
    /// the same storage (a live-state cache with nothing new).
    private var liveIndex: (objects: [Manifest], byKey: [ObjectKey: JSONValue])?

    public init() {}

    /// How many objects the last plan compared afresh and how many comparisons it reused.
    public private(set) var lastPlan: (compared: Int, reused: Int) = (0, 0)

    /// How many comparisons are remembered.
    public var count: Int {
        lock.lock()
        defer { lock.unlock() }
        return entries.count
    }

    /// `live` indexed by key, built once per distinct live array.
    func index(_ live: [Manifest]) -> [ObjectKey: JSONValue] {
        lock.lock()
        defer { lock.unlock() }
        if let cached = liveIndex, cached.objects.count == live.count,
           cached.objects.withUnsafeBufferPointer({ a in live.withUnsafeBufferPointer { a.baseAddress == $0.baseAddress } }) {
            return cached.byKey
        }
        let byKey = Differ.index(live)
        liveIndex = (live, byKey)
        return byKey
    }

    func snapshot() -> [ObjectKey: Entry] {
        lock.lock()
        defer { lock.unlock() }
        return entries
    }

    /// Records this plan's fresh comparisons and forgets keys that are no longer desired.
    func update(_ fresh: [(ObjectKey, Entry)], reused: Int, desiredKeys: Set<ObjectKey>) {
        lock.lock()
        defer { lock.unlock() }
        for (key, entry) in fresh { entries[key] = entry }
        lastPlan = (fresh.count, reused)
        if entries.count > desiredKeys.count {
            entries = entries.filter { desiredKeys.contains($0.key) }
        }
    }
}
