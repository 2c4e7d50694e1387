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
        var pending: [Replay] = []
        var classes: [ClassAllocation] = []
        // Classes are checked independently: in parallel, in name order.
        let inputs = ClassEvaluation.Inputs(platform: platform, policy: policy, capacity: capacity, demand: demand, units: units,
                                            quotas: quotas, prediction: prediction)
        let evaluated = ParallelMap.map((policy.spec.classes ?? [:]).sorted(by: { $0.key < $1.key }), minimumCount: 2) {
            ClassEvaluation($0.key, $0.value, inputs)
        }
        for (index, result) in evaluated.enumerated() {
            diagnostics += result.diagnostics
            consequences += result.consequences
            if var replay = result.replay {
                replay.index = index
                pending.append(replay)
            }
            classes.append(result.allocation)
        }
        // Classes replay independently: in parallel, each on its own scheduler.
        let orders = prediction.arrivalOrders
        let predictions = ParallelMap.map(pending, minimumCount: 2) {
            AdmissionPredictor.predict($0.queues, workloads: $0.workloads, fairPoints: $0.fairPoints, orderCount: orders)
        }
        for (replay, result) in zip(pending, predictions) {
            classes[replay.index].orders = result.orders
            classes[replay.index].workloads = result.workloads
            for i in classes[replay.index].tenants.indices {
                classes[replay.index].tenants[i].predicted = result.bands[classes[replay.index].tenants[i].tenant]
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
    var index: Int
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
