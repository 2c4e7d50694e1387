/// A dominant resource share as Kueue computes it (`DRS`): the borrowed share of the most
/// borrowed resource, ×1000, before weighting, and the node's fair-sharing weight.
public struct DominantResourceShare: Sendable, Hashable, CustomStringConvertible {
    public var fairWeight: Double
    /// Borrowed amount × 1000 ÷ lendable capacity of the dominant resource.
    public var unweightedRatio: Double = 0
    /// The dominant resource's name, empty when not borrowing anything that can be lent.
    public var dominantResource: String = ""
    /// Whether the node uses more than its subtree quota in any flavor-resource.
    public var isBorrowing: Bool = false
    var dominantIndex: Int = -1
    var borrowedFRs: [Int] = []

    public init(fairWeight: Double) { self.fairWeight = fairWeight }

    public var isZero: Bool { unweightedRatio == 0 }
    var isWeightZero: Bool { fairWeight == 0 }
    var zeroWeightBorrows: Bool { isWeightZero && !isZero }

    /// The weighted share: 0 when not borrowing, +∞ for a borrowing node of weight 0.
    public var preciseWeightedShare: Double {
        if isZero { return 0 }
        if isWeightZero { return .infinity }
        return unweightedRatio / fairWeight
    }

    /// The value Kueue publishes (`status.fairSharing.weightedShare`): rounded up, `Int64.max` for
    /// a borrowing node of weight 0.
    public var roundedWeightedShare: Int64 {
        if zeroWeightBorrows { return .max }
        return Int64(preciseWeightedShare.rounded(.up))
    }

    /// Kueue's `CompareDRS`: −1, 0 or 1. Borrowing nodes of weight 0 sort after every other and
    /// among themselves by unweighted ratio.
    public static func compare(_ a: DominantResourceShare, _ b: DominantResourceShare) -> Int {
        switch (a.zeroWeightBorrows, b.zeroWeightBorrows) {
        case (true, true): return cmp(a.unweightedRatio, b.unweightedRatio)
        case (true, false): return 1
        case (false, true): return -1
        case (false, false): return cmp(a.preciseWeightedShare, b.preciseWeightedShare)
        }
    }

    /// A share below every real one (Kueue's `NegativeDRS`), the start of a maximum search.
    static var negative: DominantResourceShare {
        var d = DominantResourceShare(fairWeight: 1)
        d.unweightedRatio = -1
        return d
    }

    /// Whether the node borrows on any flavor-resource the request uses (needs `collectBorrowed`).
    func isBorrowing(on request: [FRAmount]) -> Bool {
        for fr in borrowedFRs {
            for u in request where u.fr == fr && u.amount > 0 { return true }
        }
        return false
    }

    public var description: String {
        zeroWeightBorrows ? "+Inf(\(dominantResource))" : "\(preciseWeightedShare)(\(dominantResource))"
    }
}

@inline(__always) func cmp<T: Comparable>(_ a: T, _ b: T) -> Int { a < b ? -1 : (a > b ? 1 : 0) }
