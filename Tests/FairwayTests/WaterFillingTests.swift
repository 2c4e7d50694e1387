import Testing
import FairwayCore
@testable import FairwayFairness

/// `WaterFilling.targets`: the worked examples, then agreement with an independent exact reference
/// implementation over seeded random instances, plus the invariants every allocation must keep.
@Suite struct WaterFillingTests {
    private typealias R = ShareRequest

    // MARK: Worked examples

    static let examples: [(Int, Int?, [ShareRequest], [String: Int])] = [
        (16, nil, [R(tenant: "research", guaranteed: 8, weight: 2, demand: 14),
                   R(tenant: "prod", guaranteed: 6, weight: 1, lendingLimit: 3, demand: 3),
                   R(tenant: "interns", guaranteed: 2, weight: 1, borrowingLimit: 2, demand: 6)],
         ["research": 10, "prod": 3, "interns": 3]),
        (16, nil, [R(tenant: "research", guaranteed: 8, weight: 2, demand: 14),
                   R(tenant: "prod", guaranteed: 6, weight: 1, lendingLimit: 3, demand: 6),
                   R(tenant: "interns", guaranteed: 2, weight: 1, borrowingLimit: 2, demand: 6)],
         ["research": 8, "prod": 6, "interns": 2]),
        (16, nil, [R(tenant: "research", guaranteed: 8, weight: 2, demand: 14),
                   R(tenant: "prod", guaranteed: 6, weight: 1, lendingLimit: 2, demand: 3),
                   R(tenant: "interns", guaranteed: 2, weight: 1, borrowingLimit: 2, demand: 6)],
         ["research": 9, "prod": 3, "interns": 3]),
        (24, nil, [R(tenant: "a", guaranteed: 4, weight: 1, demand: 20),
                   R(tenant: "b", guaranteed: 4, weight: 3, demand: 20),
                   R(tenant: "c", guaranteed: 8, weight: 1, demand: 2)],
         ["a": 7, "b": 15, "c": 2]),
        // maxShare caps borrowing: floor(50% of 10) = 5.
        (10, 50, [R(tenant: "x", guaranteed: 2, demand: 10), R(tenant: "y", guaranteed: 2, demand: 1)],
         ["x": 5, "y": 1]),
        // Lending limit 0 keeps idle guaranteed units out of the pool.
        (8, nil, [R(tenant: "x", guaranteed: 4, lendingLimit: 0, demand: 0), R(tenant: "y", guaranteed: 4, demand: 8)],
         ["x": 0, "y": 4]),
        // Equal weights and remainders: the tie goes by name.
        (3, nil, [R(tenant: "b", guaranteed: 0, demand: 5), R(tenant: "a", guaranteed: 0, demand: 5)],
         ["a": 2, "b": 1]),
        // Nobody wants more than their guarantee: the spare capacity stays unallocated.
        (100, nil, [R(tenant: "x", guaranteed: 10, demand: 3), R(tenant: "y", guaranteed: 10, demand: 12)],
         ["x": 3, "y": 12]),
        (0, nil, [R(tenant: "x", guaranteed: 0, demand: 3)], ["x": 0]),
        (5, nil, [], [:]),
    ]

    @Test(arguments: examples)
    func workedExamples(capacity: Int, maxShare: Int?, requests: [ShareRequest], expected: [String: Int]) {
        let targets = WaterFilling.targets(capacity: capacity, maxSharePercent: maxShare, requests: requests)
        #expect(targets == expected)
        #expect(Reference.targets(capacity: capacity, maxSharePercent: maxShare, requests: requests) == expected)
    }

    // MARK: Property test

    @Test func agreesWithReferenceOnRandomInstances() {
        var rng = SplitMix64(seed: 0x5EED_FA12_1A7E)
        var checked = 0
        for _ in 0..<600 {
            let (capacity, maxShare, requests) = Self.randomInstance(&rng)
            let targets = WaterFilling.targets(capacity: capacity, maxSharePercent: maxShare, requests: requests)
            let expected = Reference.targets(capacity: capacity, maxSharePercent: maxShare, requests: requests)
            #expect(targets == expected, "C=\(capacity) maxShare=\(String(describing: maxShare)) \(requests)")
            Self.checkInvariants(capacity: capacity, maxShare: maxShare, requests: requests, targets: targets)
            checked += 1
        }
        #expect(checked == 600)
    }

    private static func checkInvariants(capacity: Int, maxShare: Int?, requests: [ShareRequest], targets: [String: Int]) {
        let cap = maxShare.map { capacity * $0 / 100 } ?? capacity
        #expect(Set(targets.keys) == Set(requests.map(\.tenant)))
        #expect(targets.values.reduce(0, +) <= capacity)
        for r in requests {
            let target = targets[r.tenant] ?? -1
            let inQuota = min(r.demand, r.guaranteed)
            #expect(target >= inQuota, "\(r.tenant) below its in-quota use")
            #expect(target <= max(inQuota, cap), "\(r.tenant) above max share")
            #expect(target <= max(inQuota, r.demand), "\(r.tenant) above demand")
            if let limit = r.borrowingLimit { #expect(target <= max(inQuota, r.guaranteed + limit)) }
        }
    }

    private static func randomInstance(_ rng: inout SplitMix64) -> (Int, Int?, [ShareRequest]) {
        let capacity = rng.int(0...40)
        let count = rng.int(1...6)
        var budget = capacity
        var requests: [ShareRequest] = []
        for n in 0..<count {
            let guaranteed = rng.int(0...min(budget, max(1, capacity / 2)))
            budget -= guaranteed
            requests.append(ShareRequest(
                tenant: "t\(rng.int(0...9))\(n)",
                guaranteed: guaranteed,
                weight: rng.int(1...5),
                borrowingLimit: rng.bool() ? nil : rng.int(0...capacity + 2),
                lendingLimit: rng.bool() ? nil : rng.int(0...guaranteed + 1),
                demand: rng.int(0...capacity + 4)))
        }
        let maxShare: Int? = rng.int(0...3) == 0 ? nil : rng.int(5...100)
        return (capacity, maxShare, requests)
    }
}

// MARK: Reference implementation

/// Deterministic (FairwayCore's SplitMix64), so every run checks the same instances.
extension SplitMix64 {
    mutating func int(_ range: ClosedRange<Int>) -> Int {
        range.lowerBound + Int(next() % UInt64(range.upperBound - range.lowerBound + 1))
    }
    mutating func bool() -> Bool { next() & 1 == 1 }
}

/// A non-negative exact fraction.
private struct Fraction: Comparable {
    var num: Int
    var den: Int
    init(_ num: Int, _ den: Int = 1) {
        precondition(den > 0)
        var a = abs(num), b = den
        while b != 0 { (a, b) = (b, a % b) }
        let g = max(a, 1)
        self.num = num / g
        self.den = den / g
    }
    static func < (a: Fraction, b: Fraction) -> Bool { a.num * b.den < b.num * a.den }
    static func * (a: Fraction, k: Int) -> Fraction { Fraction(a.num * k, a.den) }
    var floor: Int { num / den }
    var fractionalPart: Fraction { Fraction(num % den, den) }
}

/// Water-filling derived from the semantics alone: find the exact rational water level L at which
/// sum_t min(residual_t, w_t * L) equals the pool (scanning the breakpoints residual_t / w_t), give
/// each tenant min(residual_t, w_t * L), then round to whole units by floor and largest remainders.
private enum Reference {
    static func targets(capacity: Int, maxSharePercent: Int?, requests: [ShareRequest]) -> [String: Int] {
        let cap = maxSharePercent.map { (capacity * $0) / 100 } ?? capacity
        let pool = capacity - requests.map(\.guaranteed).reduce(0, +) + requests.map { r in
            let idle = r.guaranteed - min(r.demand, r.guaranteed)
            return r.lendingLimit.map { min($0, idle) } ?? idle
        }.reduce(0, +)
        var inQuota: [String: Int] = [:], residual: [String: Int] = [:]
        for r in requests {
            inQuota[r.tenant] = min(r.demand, r.guaranteed)
            let ceiling = min(r.demand, r.guaranteed + (r.borrowingLimit ?? capacity), cap)
            residual[r.tenant] = max(0, ceiling - inQuota[r.tenant]!)
        }
        let wanting = requests.filter { residual[$0.tenant]! > 0 }
        var extra: [String: Fraction] = [:]
        if wanting.map({ residual[$0.tenant]! }).reduce(0, +) <= pool {
            for r in wanting { extra[r.tenant] = Fraction(residual[r.tenant]!) }
        } else {
            let level = waterLevel(pool: pool, wanting.map { (residual[$0.tenant]!, $0.weight) })
            for r in wanting {
                extra[r.tenant] = min(Fraction(residual[r.tenant]!), level * r.weight)
            }
        }
        // Whole units: floors, then one more unit each for the largest remainders.
        var whole: [String: Int] = extra.mapValues(\.floor)
        let leftover = (wanting.isEmpty ? 0 : min(pool, wanting.map { residual[$0.tenant]! }.reduce(0, +)))
            - whole.values.reduce(0, +)
        let ranked = wanting.sorted { a, b in
            let ra = extra[a.tenant]!.fractionalPart, rb = extra[b.tenant]!.fractionalPart
            if ra != rb { return rb < ra }
            if a.weight != b.weight { return a.weight > b.weight }
            return a.tenant < b.tenant
        }
        for r in ranked.prefix(leftover) { whole[r.tenant]! += 1 }
        var out: [String: Int] = [:]
        for r in requests { out[r.tenant] = inQuota[r.tenant]! + (whole[r.tenant] ?? 0) }
        return out
    }

    /// The level L with sum min(r, w * L) == pool, given that sum r > pool.
    private static func waterLevel(pool: Int, _ entries: [(residual: Int, weight: Int)]) -> Fraction {
        let breakpoints = Set(entries.map { Fraction($0.residual, $0.weight) }).sorted()
        func filled(_ level: Fraction) -> Fraction {
            entries.reduce(Fraction(0)) { sum, e in
                let share = min(Fraction(e.residual), level * e.weight)
                return Fraction(sum.num * share.den + share.num * sum.den, sum.den * share.den)
            }
        }
        // The first breakpoint at which the filled amount reaches the pool closes the segment holding L.
        var lower = Fraction(0)
        for point in breakpoints {
            if !(filled(point) < Fraction(pool)) { break }
            lower = point
        }
        // On (lower, next] the tenants with breakpoint <= lower are full; the rest rise with L.
        let full = entries.filter { !(lower < Fraction($0.residual, $0.weight)) }
        let rising = entries.filter { lower < Fraction($0.residual, $0.weight) }
        let fullSum = full.map(\.residual).reduce(0, +)
        return Fraction(pool - fullSum, rising.map(\.weight).reduce(0, +))
    }
}

extension Fraction: Hashable {}
