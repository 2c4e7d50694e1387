import FairwayAdmission
import FairwayCore
import FairwayModel

/// Replays one class's workloads at their peaks through FairwayAdmission (Kueue v0.19.2's
/// scheduler) on the very specs Fairway renders, once per arrival order, and reads each tenant's
/// steady-state holding, the workloads left pending with room idle (starvation) and preemptions
/// of higher-priority work by lower (priority inversion).
enum AdmissionPredictor {
    static func predict(_ queues: KueueQuotas.ClassQueues, workloads: [ClassWorkload], fairPoints: [String: Int],
                        orderCount: Int = ArrivalOrders.defaultCount) -> ClassPrediction {
        let admissions = workloads.map(AdmissionJudge(queues).judge)
        var bands: [String: PredictedBand] = [:]
        for queue in queues.queues { bands[queue.tenant] = PredictedBand(min: .max, max: 0) }
        guard let objects = try? objects(queues) else {
            return ClassPrediction(bands: [:], workloads: admissions, orders: [], settled: false, diagnostics: [])
        }
        let byGuarantee = queues.queues.sorted { ($0.gpu.nominal.units, $0.tenant) > ($1.gpu.nominal.units, $1.tenant) }.map(\.tenant)
        let orders = ArrivalOrders.of(workloads, tenantsByGuarantee: byGuarantee, count: orderCount)
        let nominal = Dictionary(queues.queues.map { ($0.tenant, $0.gpu.nominal.units) }, uniquingKeysWith: { first, _ in first })
        let index = Dictionary(workloads.enumerated().map { ($1.workload.name, $0) }, uniquingKeysWith: { first, _ in first })
        // Orders replay independently, each on its own scheduler (in parallel when the class's
        // replays are heavy); their outcomes are merged in order, so the first order that shows a
        // finding names it, as a sequential replay would.
        let outcomes = ParallelMap.map(orders, minimumCount: workloads.count * queues.queues.count >= 2_000 ? 2 : .max) { order in
            replay(order, queues: queues, objects: objects, workloads: workloads, admissions: admissions, nominal: nominal, index: index)
        }
        var settled = true
        var starving: [Int: (order: String, idle: Int64, held: Int)] = [:]
        var inversions: [Int: (preemptor: Int, order: String)] = [:]
        for (order, outcome) in zip(orders, outcomes) {
            guard let outcome else { continue }
            settled = settled && outcome.settled
            for (tenant, held) in outcome.holding {
                guard let band = bands[tenant] else { continue }
                bands[tenant] = PredictedBand(min: Swift.min(band.min, held), max: Swift.max(band.max, held))
            }
            for found in outcome.starving where starving[found.workload] == nil {
                starving[found.workload] = (order.name, found.idle, found.held)
            }
            for (victim, preemptor) in outcome.inversions where inversions[victim] == nil {
                inversions[victim] = (preemptor, order.name)
            }
        }
        for (tenant, band) in bands where band.min == .max { bands[tenant] = PredictedBand(min: 0, max: 0) }
        var diagnostics = starving.keys.sorted().map { i in
            starvation(workloads[i], gpuClass: queues.gpuClass, found: starving[i]!, fairPoint: fairPoints[workloads[i].tenant] ?? 0)
        }
        diagnostics += inversions.keys.sorted().map { i in
            inversion(workloads[i], by: workloads[inversions[i]!.preemptor], gpuClass: queues.gpuClass, order: inversions[i]!.order)
        }
        return ClassPrediction(bands: bands, workloads: admissions, orders: orders.map(\.name), settled: settled,
                               diagnostics: diagnostics)
    }

    /// What one arrival order's replay ended with: each tenant's holding, the workloads left pending
    /// with room idle while their tenant holds less than its guarantee, and the preemptions of
    /// higher-priority work by lower (by workload index); nil when the scheduler could not be built.
    struct OrderOutcome: Sendable {
        var settled: Bool
        var holding: [(tenant: String, held: Int)]
        var starving: [(workload: Int, idle: Int64, held: Int)]
        var inversions: [(victim: Int, preemptor: Int)]
    }

    static func replay(_ order: ArrivalOrder, queues: KueueQuotas.ClassQueues,
                       objects: (flavors: [ResourceFlavor], cohorts: [Cohort], clusterQueues: [ClusterQueue]),
                       workloads: [ClassWorkload], admissions: [WorkloadAdmission], nominal: [String: Int64],
                       index: [String: Int]) -> OrderOutcome? {
        guard let scheduler = try? Scheduler(flavors: objects.flavors, cohorts: objects.cohorts,
                                             clusterQueues: objects.clusterQueues, config: SchedulerConfig()) else { return nil }
        var settled = true
        var creation: Int64 = 0
        for i in order.indices {
            var workload = workloads[i].workload
            workload.creation = creation
            creation += 1
            try? scheduler.submit(workload)
            if !order.burst { settled = scheduler.runUntilSteady().settled && settled }
        }
        if order.burst { settled = scheduler.runUntilSteady().settled && settled }
        var outcome = OrderOutcome(settled: settled, holding: [], starving: [], inversions: [])
        var used: Int64 = 0
        var holding: [String: Int] = [:]
        for queue in queues.queues {
            let held = Int(clamping: scheduler.usage(of: queue.name, resource: queues.resource))
            used += Int64(held)
            holding[queue.tenant] = held
            outcome.holding.append((queue.tenant, held))
        }
        let idle = queues.capacity - used
        for (i, workload) in workloads.enumerated() where admissions[i].admission != .never {
            let held = holding[workload.tenant] ?? 0
            let borrowedByOthers = queues.queues.reduce(Int64(0)) { sum, queue in
                queue.tenant == workload.tenant ? sum : sum + max(0, Int64(holding[queue.tenant] ?? 0) - queue.gpu.nominal.units)
            }
            if !scheduler.isAdmitted(workload.workload.name), idle > 0, Int64(workload.units) <= idle + borrowedByOthers,
               Int64(held) < nominal[workload.tenant] ?? 0 {
                outcome.starving.append((i, idle, held))
            }
        }
        for eviction in scheduler.evictions {
            guard let victim = index[eviction.workload], let preemptor = index[eviction.preemptor],
                  workloads[victim].priority > workloads[preemptor].priority else { continue }
            outcome.inversions.append((victim, preemptor))
        }
        return outcome
    }

    /// The class's Kueue objects, parsed back from the specs Fairway renders.
    static func objects(_ queues: KueueQuotas.ClassQueues) throws
        -> (flavors: [ResourceFlavor], cohorts: [Cohort], clusterQueues: [ClusterQueue]) {
        func wrap(_ kind: String, _ name: String, _ spec: JSONValue) -> JSONValue {
            ["apiVersion": "kueue.x-k8s.io/v1beta2", "kind": .string(kind), "metadata": ["name": .string(name)], "spec": spec]
        }
        let flavors = [try KueueObjects.resourceFlavor(wrap("ResourceFlavor", queues.gpuClass, queues.flavorSpec)),
                       try KueueObjects.resourceFlavor(wrap("ResourceFlavor", KueueQuotas.cpuFlavor, KueueQuotas.cpuFlavorSpec))]
        let cohort = try KueueObjects.cohort(wrap("Cohort", queues.gpuClass, queues.cohortSpec))
        let clusterQueues = try queues.queues.map { try KueueObjects.clusterQueue(wrap("ClusterQueue", $0.name, queues.clusterQueueSpec($0))) }
        return (flavors, [cohort], clusterQueues)
    }

    private static func starvation(_ w: ClassWorkload, gpuClass: String, found: (order: String, idle: Int64, held: Int),
                                   fairPoint: Int) -> Diagnostic {
        .warning("workload-starves",
                 "\(w.kind) '\(w.name)' of \(w.tenant) (\(w.units) '\(gpuClass)') can stay pending with \(found.idle) idle while \(w.tenant) holds \(found.held), less than its guarantee (fair point \(fairPoint); arrival order: \(found.order)): Kueue admits whole workloads, and neither its fair-sharing preemption rules nor the lending limits free the room it needs from the tenants that borrow",
                 at: w.location,
                 hint: "raise \(w.tenant)'s guarantee in '\(gpuClass)' to at least \(w.units), or lower the borrowing limits of the tenants that borrow into it")
    }

    private static func inversion(_ victim: ClassWorkload, by preemptor: ClassWorkload, gpuClass: String, order: String) -> Diagnostic {
        .warning("priority-inversion",
                 "\(victim.kind) '\(victim.name)' of \(victim.tenant) at '\(victim.priorityClass ?? "no priority class")' can be preempted by \(preemptor.kind) '\(preemptor.name)' of \(preemptor.tenant) at the lower '\(preemptor.priorityClass ?? "no priority class")' when it reclaims its '\(gpuClass)' guarantee (arrival order: \(order))",
                 at: victim.location,
                 hint: "give \(victim.tenant) borrowingLimit: 0 in '\(gpuClass)' so its work never borrows, or mark '\(victim.priorityClass ?? "")' preemptible: false in cluster.yaml")
    }
}
