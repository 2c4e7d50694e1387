/// One GPU class as Fairway's JSON documents carry it (`fairway fairness`, `fairway plan`): what
/// `ClassAllocation` holds, under the documented member names and in the documented order.
public struct ClassAllocationRecord: Sendable, Hashable, Codable {
    /// One tenant's guarantee, limits, ideal fair point, target and predicted band.
    public struct Tenant: Sendable, Hashable, Codable {
        public var name: String
        public var guaranteed: Int
        public var weight: Int
        public var demand: Int
        public var borrowingLimit: Int?
        public var lendingLimit: Int?
        public var fairPoint: Int
        public var target: Int
        public var predicted: PredictedBand?
    }

    public var name: String
    public var capacity: Int
    public var unit: String
    public var maxSharePercent: Int?
    public var feasible: Bool
    public var arrivalOrders: Int
    public var tenants: [Tenant]
    public var workloads: [WorkloadAdmission]

}

extension ClassAllocationRecord {
    public init(_ allocation: ClassAllocation) {
        let tenants = allocation.tenants.map {
            Tenant(name: $0.tenant, guaranteed: $0.guaranteed, weight: $0.weight, demand: $0.demand, borrowingLimit: $0.borrowingLimit,
                   lendingLimit: $0.lendingLimit, fairPoint: $0.fairPoint, target: $0.target, predicted: $0.predicted)
        }
        self.init(name: allocation.gpuClass, capacity: allocation.capacity, unit: allocation.unit, maxSharePercent: allocation.maxSharePercent,
                  feasible: allocation.feasible, arrivalOrders: allocation.orders.count, tenants: tenants, workloads: allocation.workloads)
    }
}
