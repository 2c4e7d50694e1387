import FairwayCore

/// FairwayFairness decides who gets which GPUs. It computes each GPU class's capacity from the node
/// pools, each tenant's demand from its workloads, and each tenant's target share by the semantics of
/// the GpuFairnessPolicy (guarantees, lending and borrowing limits, max share, weighted water-filling
/// in whole units); and it refuses policies that cannot hold, naming the lines at fault.

/// One tenant's entry in a class, as the allocation needs it.
public struct ShareRequest: Sendable, Hashable {
    public var tenant: String
    public var guaranteed: Int
    public var weight: Int
    public var borrowingLimit: Int?
    public var lendingLimit: Int?
    public var demand: Int

    public init(tenant: String, guaranteed: Int, weight: Int = 1, borrowingLimit: Int? = nil,
                lendingLimit: Int? = nil, demand: Int) {
        self.tenant = tenant
        self.guaranteed = guaranteed
        self.weight = weight
        self.borrowingLimit = borrowingLimit
        self.lendingLimit = lendingLimit
        self.demand = demand
    }
}

/// Computes target shares by the policy semantics (see the README's fairness section):
///
///     inQuota_t  = min(d_t, g_t)
///     pool       = (C - sum g) + sum_t (LL_t absent ? g_t - inQuota_t : min(LL_t, g_t - inQuota_t))
///     residual_t = min(d_t, g_t + BL_t, floor(maxShare * C)) - inQuota_t
///     extra      = weighted water-filling of pool by w, each capped at residual_t
///     target_t   = inQuota_t + extra_t in whole units: floor, then largest remainders
///                  (ties: larger weight, then name)
///
/// Exact integer arithmetic throughout: fractional shares share one denominator, so remainders
/// compare without rounding error. Assumes the policy passed `FairnessChecks` (sum g <= C).
public enum WaterFilling {
    public static func targets(capacity: Int, maxSharePercent: Int?, requests: [ShareRequest]) -> [String: Int] {
        let cap = maxSharePercent.map { capacity.multiplied(by: $0, dividedBy: 100) } ?? capacity
        let totalGuaranteed = requests.map(\.guaranteed).saturatingSum()
        var inQuota: [String: Int] = [:]
        var residual: [String: Int] = [:]
        var pool = max(0, capacity.saturatingSubtracting(totalGuaranteed))
        for r in requests {
            let used = min(r.demand, r.guaranteed)
            inQuota[r.tenant] = used
            let idle = r.guaranteed - used
            pool = pool.saturatingAdding(r.lendingLimit.map { min($0, idle) } ?? idle)
            let ceiling = min(r.demand, r.borrowingLimit.map { r.guaranteed.saturatingAdding($0) } ?? Int.max, cap)
            residual[r.tenant] = max(0, ceiling - used)
        }
        var extra: [String: Int] = [:]
        var active = requests.filter { residual[$0.tenant]! > 0 && $0.weight > 0 }
        var remaining = pool
        // Tenants whose residual is below their weighted level take their residual; repeat until none is.
        while !active.isEmpty && remaining > 0 {
            let weights = active.map(\.weight).saturatingSum()
            // 128-bit products: residuals and the pool are capacities, weights sum over every tenant.
            let satisfied = active.filter { Int128(residual[$0.tenant]!) * Int128(weights) <= Int128($0.weight) * Int128(remaining) }
            if satisfied.isEmpty { break }
            for r in satisfied {
                extra[r.tenant] = residual[r.tenant]!
                remaining -= residual[r.tenant]!
            }
            let done = Set(satisfied.map(\.tenant))
            active.removeAll { done.contains($0.tenant) }
        }
        if !active.isEmpty && remaining > 0 {
            let weights = active.map(\.weight).saturatingSum()
            var remainders: [(request: ShareRequest, remainder: Int)] = []
            var handedOut = 0
            for r in active {
                let numerator = Int128(r.weight) * Int128(remaining)
                let share = Int(numerator / Int128(weights))
                extra[r.tenant] = share
                handedOut += share
                remainders.append((r, Int(numerator % Int128(weights))))
            }
            remainders.sort {
                if $0.remainder != $1.remainder { return $0.remainder > $1.remainder }
                if $0.request.weight != $1.request.weight { return $0.request.weight > $1.request.weight }
                return $0.request.tenant < $1.request.tenant
            }
            for entry in remainders.prefix(remaining - handedOut) {
                extra[entry.request.tenant, default: 0] += 1
            }
        }
        var targets: [String: Int] = [:]
        for r in requests { targets[r.tenant] = inQuota[r.tenant]! + (extra[r.tenant] ?? 0) }
        return targets
    }
}
