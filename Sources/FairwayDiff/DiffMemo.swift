import FairwayCore
import Foundation

/// The last plan's rows, kept by a process that plans again and again against a live state it
/// keeps (a re-plan after a commit; see `Pipeline.incremental()`) so that the next plan compares
/// only the objects whose desired or live body changed, and patches the last plan's bindings
/// rather than building them again.
///
/// A row is reused only when both bodies are the very same storage as last time
/// (`JSONValue.isIdentical(to:)`): a rendering reused from the render cache and a live object
/// reused from a live-state cache. The rows hold both bodies, so their storage cannot be freed and
/// reused by another value; identity therefore implies equal content and the reuse is exact.
public final class DiffMemo: @unchecked Sendable {
    /// What the last plan leaves for the next one.
    struct Last {
        var rows: [DiffRow]
        /// Whether the next plan's live array is the very array the last plan saw.
        var sameLive: Bool
        var bindings: [ObjectKey: String]
        /// The resourceVersions of the last plan's deletions.
        var deletions: [ObjectKey: String]
    }

    /// The live array of the last plan and what was derived from it alone, reused while the live
    /// array is the same storage (a live-state cache with nothing new).
    private struct LiveDerived {
        var objects: [Manifest]
        var index: [ObjectKey: Int]?
        var guarantees: [GPUGuarantees.Key: Int]?
    }

    private let lock = NSLock()
    private var rows: [DiffRow] = []
    private var bindings: [ObjectKey: String] = [:]
    private var deletions: [ObjectKey: String] = [:]
    private var planned = false
    private var liveDerived: LiveDerived?

    public init() {}

    private var lastCounts: (compared: Int, reused: Int) = (0, 0)

    /// How many objects the last plan compared afresh and how many comparisons it reused.
    public var lastPlan: (compared: Int, reused: Int) {
        lock.lock()
        defer { lock.unlock() }
        return lastCounts
    }

    /// How many comparisons are remembered.
    public var count: Int {
        lock.lock()
        defer { lock.unlock() }
        return rows.count
    }

    /// Hands the last plan over to a plan against `live` (nil before the first plan), keeping no
    /// reference to its rows and bindings so the new plan can update them in place; `remember`
    /// gives them back.
    func takeLast(for live: [Manifest]) -> Last? {
        lock.lock()
        defer { lock.unlock() }
        guard planned else { return nil }
        let last = Last(rows: rows, sameLive: liveDerived.map { Self.same($0.objects, live) } ?? false,
                        bindings: bindings, deletions: deletions)
        rows = []
        bindings = [:]
        deletions = [:]
        planned = false
        return last
    }

    /// `live` indexed by key, built once per distinct live array.
    func index(_ live: [Manifest]) -> [ObjectKey: Int] {
        derived(live, \.index) { Differ.index(live) }
    }

    /// The GPU guarantees the live ClusterQueues hold, read once per distinct live array.
    func guarantees(of live: [Manifest]) -> [GPUGuarantees.Key: Int] {
        derived(live, \.guarantees) { GPUGuarantees.read(live) }
    }

    /// Records the plan just made.
    func remember(rows: [DiffRow], live: [Manifest], bindings: [ObjectKey: String], deletions: [ObjectKey: String],
                  compared: Int) {
        lock.lock()
        defer { lock.unlock() }
        self.rows = rows
        self.bindings = bindings
        self.deletions = deletions
        planned = true
        if let derived = liveDerived, !Self.same(derived.objects, live) { liveDerived = nil }
        lastCounts = (compared, rows.count - compared)
    }

    private func derived<T>(_ live: [Manifest], _ field: WritableKeyPath<LiveDerived, T?>, make: () -> T) -> T {
        lock.lock()
        if let cached = liveDerived, Self.same(cached.objects, live), let value = cached[keyPath: field] {
            lock.unlock()
            return value
        }
        lock.unlock()
        let value = make()
        lock.lock()
        if liveDerived.map({ !Self.same($0.objects, live) }) ?? true { liveDerived = LiveDerived(objects: live) }
        liveDerived![keyPath: field] = value
        lock.unlock()
        return value
    }

    private static func same(_ a: [Manifest], _ b: [Manifest]) -> Bool {
        a.count == b.count && a.withUnsafeBufferPointer { x in b.withUnsafeBufferPointer { x.baseAddress == $0.baseAddress } }
    }
}
