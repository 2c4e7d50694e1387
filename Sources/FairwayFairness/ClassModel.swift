import CZ3
import FairwayCore
import FairwayModel

/// The statements of the platform repository that bear on one GPU class, as integer facts for the
/// solver, and the policy semantics that bind them as rules. A fact is a value someone wrote in a
/// file (a guarantee, a pool's maxNodes, a workload's peak) with the place it was written.
struct ClassModel {
    struct Fact {
        enum Kind: Equatable {
            case maxNodes(pool: String)
            case guarantee(tenant: String)
            case maxShare
            case borrowingLimit(tenant: String)
            case peak(workload: String, tenant: String)
            /// The guarantees of many tenants that play no other part, summed into one statement.
            case otherGuarantees(count: Int)
        }

        let kind: Kind
        let variable: String
        let value: Int
        let location: SourceLocation
        let text: String
    }

    struct Pool {
        let name: String
        /// GPU units one node adds (GPUs per node x replicas or MIG devices).
        let unitsPerNode: Int
    }

    struct Workload {
        let name: String
        let kindName: String
        let tenant: String
        let location: SourceLocation
    }

    let className: String
    let classLocation: SourceLocation
    var pools: [Pool] = []
    var tenants: [String] = []
    var workloads: [Workload] = []
    var facts: [Fact] = []
    var hasMaxShare = false
    var borrowing: Set<String> = []

    /// The rules of the policy semantics, independent of the values in files.
    func rules(_ z: Z3Session) -> [Z3_ast] {
        var rules: [Z3_ast] = []
        let capacity = z.add(pools.map { z.mul(z.int("maxNodes.\($0.name)"), z.const($0.unitsPerNode)) })
        for fact in facts {
            rules.append(z.ge(z.int(fact.variable), z.const(0)))
            rules.append(z.le(z.int(fact.variable), z.const(1_000_000)))
        }
        rules.append(z.le(z.add(tenants.map { z.int("guaranteed.\($0)") }), capacity))
        // cap = floor(share x capacity / 100): the one nonlinear rule; every tenant's bound is linear in it.
        let share = z.int("maxSharePercent")
        let cap = z.int("cap")
        if hasMaxShare {
            rules.append(z.le(share, z.const(100)))
            rules.append(z.le(z.mul(z.const(100), cap), z.mul(share, capacity)))
            rules.append(z.le(z.mul(share, capacity), z.add([z.mul(z.const(100), cap), z.const(99)])))
            for tenant in tenants {
                rules.append(z.le(z.int("guaranteed.\(tenant)"), cap))
            }
        }
        for workload in workloads {
            let peak = z.int("peak.\(workload.tenant).\(workload.name)")
            if !tenants.contains(workload.tenant) {
                rules.append(z.le(peak, z.const(0)))
                continue
            }
            if borrowing.contains(workload.tenant) {
                rules.append(z.le(peak, z.add([z.int("guaranteed.\(workload.tenant)"), z.int("borrowingLimit.\(workload.tenant)")])))
            }
            rules.append(z.le(peak, capacity))
            if hasMaxShare { rules.append(z.le(peak, cap)) }
        }
        return rules
    }

    /// The tenants that keep their own statements: all of them in small classes; otherwise the
    /// largest guarantees, every guarantee above the cap, and every tenant with GPU workloads in the class.
    static func individualTenants(_ shares: [(key: String, value: GpuFairnessPolicySpec.TenantShare)], className: String,
                                  platform: Platform, policy: FairnessPolicy) -> Set<String> {
        guard shares.count > individualTenantLimit else { return Set(shares.map(\.key)) }
        let capacity = GPUCapacity.byClass(platform)[className] ?? 0
        let cap = policy.spec.classes?[className]?.maxSharePercent.map { capacity.multiplied(by: $0, dividedBy: 100) } ?? capacity
        var keep = Set(shares.sorted { $0.value.guaranteed > $1.value.guaranteed }.prefix(individualTenantLimit / 2).map(\.key))
        keep.formUnion(shares.filter { $0.value.guaranteed > cap }.map(\.key))
        keep.formUnion(platform.rayWorkloads.filter { $0.spec.gpuClass == className }.map(\.tenant))
        return keep
    }

    /// `variable == value` for each fact.
    func assertions(_ z: Z3Session) -> [Z3_ast] {
        facts.map { z.eq(z.int($0.variable), z.const($0.value)) }
    }

    /// Tenants kept as separate statements at most; the others' guarantees are summed (only their
    /// total bears on capacity, and none of them is above the cap), which keeps solver models small.
    static let individualTenantLimit = 48

    /// Gathers the class's facts from the platform.
    static func build(className: String, platform: Platform, policy: FairnessPolicy) -> ClassModel {
        let classPolicy = policy.spec.classes?[className]
        var model = ClassModel(className: className, classLocation: policy.keyLocation("spec", "classes", .key(className)))
        for pool in platform.nodePools where pool.spec.gpu?.class == className {
            let total = GPUCapacity.of(pool.spec)
            let maxNodes = pool.spec.capacity.maxNodes
            let perNode = maxNodes > 0 ? total / maxNodes : GPUCapacity.of(withMaxNodes: 1, pool.spec)
            model.pools.append(Pool(name: pool.name, unitsPerNode: perNode))
            model.facts.append(Fact(kind: .maxNodes(pool: pool.name), variable: "maxNodes.\(pool.name)", value: maxNodes,
                                    location: pool.location("spec", "capacity", "maxNodes"),
                                    text: "node pool \(pool.name) gives \(total): maxNodes \(maxNodes) x \(perNode) per node"))
        }
        if let percent = classPolicy?.maxSharePercent {
            model.hasMaxShare = true
            model.facts.append(Fact(kind: .maxShare, variable: "maxSharePercent", value: percent,
                                    location: policy.location("spec", "classes", .key(className), "maxSharePercent"),
                                    text: "no tenant may hold more than \(percent)% of '\(className)'"))
        }
        let shares = (classPolicy?.tenants ?? [:]).sorted { $0.key < $1.key }
        let individual = individualTenants(shares, className: className, platform: platform, policy: policy)
        var othersCount = 0, othersTotal = 0
        for (tenant, share) in shares {
            guard individual.contains(tenant) else {
                othersCount += 1
                othersTotal += share.guaranteed
                continue
            }
            model.tenants.append(tenant)
            model.facts.append(Fact(kind: .guarantee(tenant: tenant), variable: "guaranteed.\(tenant)", value: share.guaranteed,
                                    location: policy.location("spec", "classes", .key(className), "tenants", .key(tenant), "guaranteed"),
                                    text: "\(tenant) is guaranteed \(share.guaranteed)"))
            if let limit = share.borrowingLimit {
                model.borrowing.insert(tenant)
                model.facts.append(Fact(kind: .borrowingLimit(tenant: tenant), variable: "borrowingLimit.\(tenant)", value: limit,
                                        location: policy.location("spec", "classes", .key(className), "tenants", .key(tenant), "borrowingLimit"),
                                        text: "\(tenant) may borrow at most \(limit)"))
            }
        }
        if othersCount > 0 {
            model.tenants.append("*others")
            model.facts.append(Fact(kind: .otherGuarantees(count: othersCount), variable: "guaranteed.*others",
                                    value: othersTotal, location: policy.keyLocation("spec", "classes", .key(className), "tenants"),
                                    text: "\(othersCount) other tenants are guaranteed \(othersTotal) in total"))
        }
        for workload in platform.rayWorkloads where workload.spec.gpuClass == className && workload.spec.peakAccelerators > 0 {
            let peak = workload.spec.peakAccelerators
            let location = workload.document.keyLocation("spec", "workerGroups")
            model.workloads.append(Workload(name: workload.name, kindName: workload.kind.rawValue, tenant: workload.tenant,
                                            location: location))
            model.facts.append(Fact(kind: .peak(workload: workload.name, tenant: workload.tenant),
                                    variable: "peak.\(workload.tenant).\(workload.name)", value: peak, location: location,
                                    text: "\(workload.kind.rawValue) \(workload.name) of \(workload.tenant) needs \(peak) at peak"))
        }
        return model
    }
}
