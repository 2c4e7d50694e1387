import FairwayCore

/// The arrival orders a class's workloads are replayed in: all at once; one at a time in
/// declaration order, smallest first and largest first; each tenant's workloads first (for the
/// tenants with the largest guarantees when there are many); and seeded random orders, up to
/// `count` in all. Orders are lists of indices into the class's workloads.
public struct ArrivalOrder: Sendable, Hashable {
    public var name: String
    /// All workloads pending before the first scheduling cycle (one burst), or one arrival at a
    /// time, each followed by Kueue settling.
    public var burst: Bool
    public var indices: [Int]
}

enum ArrivalOrders {
    static let defaultCount = 16
    static let tenantFirstLimit = 8

    static func of(_ workloads: [ClassWorkload], tenantsByGuarantee: [String], count: Int = defaultCount) -> [ArrivalOrder] {
        let all = Array(workloads.indices)
        var orders = [ArrivalOrder(name: "all at once", burst: true, indices: all),
                      ArrivalOrder(name: "declaration order", burst: false, indices: all),
                      ArrivalOrder(name: "smallest first", burst: false,
                                   indices: all.sorted { (workloads[$0].units, $0) < (workloads[$1].units, $1) }),
                      ArrivalOrder(name: "largest first", burst: false,
                                   indices: all.sorted { (-workloads[$0].units, $0) < (-workloads[$1].units, $1) })]
        let present = Set(workloads.map(\.tenant))
        for tenant in tenantsByGuarantee.filter(present.contains).prefix(min(tenantFirstLimit, max(0, count - orders.count))) {
            let first = all.filter { workloads[$0].tenant == tenant }
            orders.append(ArrivalOrder(name: "\(tenant) first", burst: false, indices: first + all.filter { workloads[$0].tenant != tenant }))
        }
        var random = SplitMix64(seed: 0x5EED_FA1F)
        var seed = 1
        while orders.count < count && all.count > 1 {
            var shuffled = all
            for i in stride(from: shuffled.count - 1, to: 0, by: -1) {
                shuffled.swapAt(i, Int(random.next() % UInt64(i + 1)))
            }
            orders.append(ArrivalOrder(name: "random #\(seed)", burst: false, indices: shuffled))
            seed += 1
        }
        return orders
    }
}
