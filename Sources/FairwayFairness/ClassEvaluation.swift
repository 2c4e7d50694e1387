import FairwayCore
import FairwayModel

/// One GPU class's checks, allocation and admission kinds, and whether its admission is to be
/// replayed: what `Fairness.evaluate` computes for each class, independently of the others.
struct ClassEvaluation: Sendable {
    /// What every class is evaluated against.
    struct Inputs: Sendable {
        let platform: Platform
        let policy: FairnessPolicy
        let capacity: [String: Int]
        let demand: [String: [String: Int]]
        let units: [String: String]
        let quotas: KueueQuotas
        let prediction: PredictionOptions
    }

    var allocation: ClassAllocation
    var diagnostics: [Diagnostic] = []
    /// Findings that follow from another error in the same file (left out when that error stands).
    var consequences: [Diagnostic] = []
    /// The class to replay (the caller sets its `index`, the class's place in the report); nil when it is not predicted.
    var replay: Replay?

    init(_ className: String, _ classPolicy: GpuFairnessPolicySpec.ClassPolicy, _ inputs: Inputs) {
        let (platform, policy, capacity, demand, units, quotas, prediction) =
            (inputs.platform, inputs.policy, inputs.capacity, inputs.demand, inputs.units, inputs.quotas, inputs.prediction)
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
                    replay = Replay(index: 0, queues: queues, workloads: workloads, fairPoints: targets)
                }
            }
        }
        self.allocation = allocation
    }
}
