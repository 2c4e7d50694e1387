import FairwayCore
import FairwayModel

/// One tenant's place in one GPU class.
public struct TenantAllocation: Sendable, Hashable, Codable {
    public var tenant: String
    public var guaranteed: Int
    public var weight: Int
    public var borrowingLimit: Int?
    public var lendingLimit: Int?
    public var demand: Int
    /// What the tenant gets when every tenant asks for its demand.
    public var target: Int
    /// The least and most Kueue lets it hold at steady state over the arrival orders replayed;
    /// nil when the class was not predicted (the policy cannot hold).
    public var predicted: PredictedBand?

    /// The ideal fair point for divisible work: the weighted water-filling target.
    public var fairPoint: Int { target }
}

/// One GPU class: capacity, cap and each tenant's allocation.
public struct ClassAllocation: Sendable, Hashable, Codable {
    public var gpuClass: String
    public var capacity: Int
    /// What one unit of capacity is: `gpu`, `time-slice` or `mig:<profile>`.
    public var unit: String
    public var maxSharePercent: Int?
    public var tenants: [TenantAllocation]
    /// Every workload of the class at its peak, and how Kueue can admit it.
    public var workloads: [WorkloadAdmission] = []
    /// The arrival orders the prediction replayed (empty when it did not run).
    public var orders: [String] = []
    /// False when the policy cannot hold in this class (its errors are in the diagnostics).
    public var feasible: Bool = true

    public var guaranteed: Int { tenants.map(\.guaranteed).saturatingSum() }
}

/// The fairness outcome of a platform: allocations per class, and the problems that make the
/// policy impossible.
public struct FairnessReport: Sendable {
    public var classes: [ClassAllocation]
    public var diagnostics: [Diagnostic]

    public init(classes: [ClassAllocation], diagnostics: [Diagnostic]) {
        self.classes = classes
        self.diagnostics = diagnostics
    }
}

/// How much of Kueue's behaviour `Fairness.evaluate` replays.
public struct PredictionOptions: Sendable {
    /// Arrival orders replayed per class; 0 skips the replay (bands stay nil, no findings from it).
    public var arrivalOrders: Int
    /// The largest class replayed, in ClusterQueues times workloads: a larger class is reported
    /// with `prediction-skipped` rather than holding up validate, plan and the agent (and a hostile
    /// repository cannot make them replay for minutes). The default (about 60 tenants with 1-4
    /// jobs each) replays a class in 16 orders in about half a second.
    public var maxClassSize: Int

    public init(arrivalOrders: Int = 16, maxClassSize: Int = 10_240) {
        self.arrivalOrders = arrivalOrders
        self.maxClassSize = maxClassSize
    }

    public static let standard = PredictionOptions()
    public static let off = PredictionOptions(arrivalOrders: 0)
}

/// Runs the fairness checks and computes allocations.
public enum Fairness {
    public static func evaluate(_ platform: Platform, prediction: PredictionOptions = .standard) -> FairnessReport {
        guard let policy = platform.fairnessPolicy else { return FairnessReport(classes: [], diagnostics: []) }
        let capacity = GPUCapacity.byClass(platform)
        let demand = DeclaredDemand.byTenantAndClass(platform)
        let units = GPUCapacity.unitsByClass(platform)
        let quotas = KueueQuotas.build(platform)
        var diagnostics: [Diagnostic] = []
        // Findings that follow from another error in the same file are left out: one mistake, one diagnostic.
        var consequences: [Diagnostic] = []
        var pending: [(Int, KueueQuotas.ClassQueues, [ClassWorkload], [String: Int])] = []
        var classes: [ClassAllocation] = []
        for (className, classPolicy) in (policy.spec.classes ?? [:]).sorted(by: { $0.key < $1.key }) {
            let c = capacity[className] ?? 0
            let requests = (classPolicy.tenants ?? [:]).sorted { $0.key < $1.key }.map { tenant, share in
                ShareRequest(tenant: tenant, guaranteed: share.guaranteed, weight: share.weight ?? policy.spec.defaultWeight,
                             borrowingLimit: share.borrowingLimit, lendingLimit: share.lendingLimit,
                             demand: share.demand ?? demand[tenant]?[className] ?? 0)
            }
            var problems = FairnessChecks.check(className: className, capacity: c,
                                                maxSharePercent: classPolicy.maxSharePercent, requests: requests,
                                                policy: policy, platform: platform)
            problems += FairnessChecks.workloadsFit(className: className, platform: platform, policy: policy, capacity: c)
            if problems.hasErrors {
                // The arithmetic found a conflict; Z3 names the smallest set of statements behind it and
                // the nearest fixes. Should Z3 not decide in time, the arithmetic diagnostics stand.
                let arithmetic = problems
                let model = ClassModel.build(className: className, platform: platform, policy: policy)
                if let explained = PolicyExplainer.explain(model, capacity: c), explained.hasErrors { problems = explained }
                problems = RootCauses.overCommitmentFirst(problems, arithmetic: arithmetic, model: model, capacity: c)
            }
            diagnostics += problems
            let targets = problems.hasErrors
                ? [:] : WaterFilling.targets(capacity: c, maxSharePercent: classPolicy.maxSharePercent, requests: requests)
            var allocation = ClassAllocation(
                gpuClass: className, capacity: c, unit: units[className] ?? "gpu", maxSharePercent: classPolicy.maxSharePercent,
                tenants: requests.map {
                    TenantAllocation(tenant: $0.tenant, guaranteed: $0.guaranteed, weight: $0.weight,
                                     borrowingLimit: $0.borrowingLimit, lendingLimit: $0.lendingLimit, demand: $0.demand,
                                     target: targets[$0.tenant] ?? 0)
                })
            allocation.feasible = !problems.hasErrors
            if let queues = quotas.classes.first(where: { $0.gpuClass == className }) {
                let workloads = ClassWorkloads.of(queues, platform: platform)
                let judge = AdmissionJudge(queues)
                allocation.workloads = workloads.map(judge.judge)
                diagnostics += Findings.capacity(queues, policy: policy, className: className)
                consequences += Findings.neverByCPUOrMemory(workloads, admissions: allocation.workloads, gpuClass: className)
                let size = queues.queues.count.multipliedReportingOverflow(by: max(1, workloads.count))
                if allocation.feasible && prediction.arrivalOrders > 0 {
                    if size.overflow || size.partialValue > prediction.maxClassSize {
                        diagnostics.append(.warning(
                            "prediction-skipped",
                            "class '\(className)' has \(queues.queues.count) ClusterQueues and \(workloads.count) workloads, more than Kueue's admission is replayed for (\(prediction.maxClassSize) ClusterQueues x workloads): its predicted band is not computed",
                            at: policy.keyLocation("spec", "classes", .key(className)),
                            hint: "the fair point and each workload's admission kind are still computed; a class this size is replayed by `fairway-bench predict`"))
                    } else {
                        pending.append((classes.count, queues, workloads, targets))
                    }
                }
            }
            classes.append(allocation)
        }
        // Classes replay independently: in parallel, each on its own scheduler.
        let orders = prediction.arrivalOrders
        let predictions = ParallelMap.map(pending.map { Replay(index: $0.0, queues: $0.1, workloads: $0.2, fairPoints: $0.3) },
                                          minimumCount: 2) {
            AdmissionPredictor.predict($0.queues, workloads: $0.workloads, fairPoints: $0.fairPoints, orderCount: orders)
        }
        for (replay, result) in zip(pending, predictions) {
            classes[replay.0].orders = result.orders
            classes[replay.0].workloads = result.workloads
            for i in classes[replay.0].tenants.indices {
                classes[replay.0].tenants[i].predicted = result.bands[classes[replay.0].tenants[i].tenant]
            }
            diagnostics += result.diagnostics
        }
        diagnostics += Protection.diagnostics(quotas, platform: platform)
        diagnostics += FairnessChecks.classesWithoutPolicy(platform: platform, policy: policy)
        diagnostics += SharingChecks.check(platform)
        let erring = Set(diagnostics.filter { $0.severity == .error }.compactMap { $0.location?.path })
        diagnostics += consequences.filter { !erring.contains($0.location?.path ?? "") }
        return FairnessReport(classes: classes, diagnostics: diagnostics.sorted())
    }
}

/// One class to replay: its position in the report and what the predictor needs.
struct Replay: Sendable {
    let index: Int
    let queues: KueueQuotas.ClassQueues
    let workloads: [ClassWorkload]
    let fairPoints: [String: Int]
}

/// Each tenant's declared peak per class: Ray workloads at maxReplicas plus GPU notebooks at
/// maxGpuServers (each at the largest GPU count of the tenant's profiles in that class).
public enum DeclaredDemand {
    public static func byTenantAndClass(_ platform: Platform) -> [String: [String: Int]] {
        var demand: [String: [String: Int]] = [:]
        for workload in platform.rayWorkloads {
            guard let gpuClass = workload.spec.gpuClass else { continue }
            demand[workload.tenant, default: [:]][gpuClass] = (demand[workload.tenant]?[gpuClass] ?? 0).saturatingAdding(workload.spec.peakAccelerators)
        }
        let profiles = platform.notebookCatalog?.spec.profiles ?? []
        for tenant in platform.tenants {
            guard let notebooks = tenant.spec.notebooks, let servers = notebooks.maxGpuServers, servers > 0 else { continue }
            let classes = Set((notebooks.profiles ?? []).compactMap { name in profiles.first { $0.name == name }?.gpu?.class })
            for gpuClass in classes {
                let perServer = platform.largestNotebookProfile(of: tenant.spec, gpuClass: gpuClass)?.gpu?.count ?? 1
                demand[tenant.name, default: [:]][gpuClass] = (demand[tenant.name]?[gpuClass] ?? 0).saturatingAdding(servers.saturatingMultiplied(by: perServer))
            }
        }
        return demand
    }
}
