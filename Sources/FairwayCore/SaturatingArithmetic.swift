/// Arithmetic on values that come from platform files, where a sum or product of user values must
/// never trap. Results clamp at `Int.max` / `Int.min` (a saturated capacity or peak is "more than
/// anything", which every comparison downstream treats correctly); the schema bounds every integer a
/// user writes, so saturation is a last guard, not a semantics.
extension Int {
    /// `self + other`, clamped to the range of `Int`.
    public func saturatingAdding(_ other: Int) -> Int {
        let (sum, overflow) = addingReportingOverflow(other)
        guard overflow else { return sum }
        return other > 0 ? .max : .min
    }

    /// `self - other`, clamped to the range of `Int`.
    public func saturatingSubtracting(_ other: Int) -> Int {
        let (difference, overflow) = subtractingReportingOverflow(other)
        guard overflow else { return difference }
        return other < 0 ? .max : .min
    }

    /// `self * other`, clamped to the range of `Int`.
    public func saturatingMultiplied(by other: Int) -> Int {
        let (product, overflow) = multipliedReportingOverflow(by: other)
        guard overflow else { return product }
        return (self < 0) == (other < 0) ? .max : .min
    }

    /// `self * factor / divisor` computed without intermediate overflow (128 bits), clamped to the
    /// range of `Int`; `divisor` must not be zero.
    public func multiplied(by factor: Int, dividedBy divisor: Int) -> Int {
        let exact = Int128(self) * Int128(factor) / Int128(divisor)
        return Int(clamping: exact)
    }
}

extension Sequence where Element == Int {
    /// The sum of the elements, clamped to the range of `Int`.
    public func saturatingSum() -> Int { reduce(0) { $0.saturatingAdding($1) } }
}
