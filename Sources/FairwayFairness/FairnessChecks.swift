import FairwayCore
import FairwayModel

/// The checks that make a fairness policy impossible, each pointing at the policy lines involved.
enum FairnessChecks {
    static func check(className: String, capacity: Int, maxSharePercent: Int?, requests: [ShareRequest],
                      policy: FairnessPolicy, platform: Platform) -> [Diagnostic] {
        var out: [Diagnostic] = []
        let total = requests.map(\.guaranteed).saturatingSum()
        let classAt = policy.keyLocation("spec", "classes", .key(className))
        if total > capacity {
            let pools = platform.nodePools.filter { $0.spec.gpu?.class == className }
            let poolText = pools.isEmpty ? "no node pool provides it"
                : pools.map { "\($0.path) gives \(GPUCapacity.of($0.spec))" }.joined(separator: ", ")
            out.append(.error("guarantees-exceed-capacity",
                              "guarantees in class '\(className)' add up to \(total) but its capacity is \(capacity)",
                              at: classAt,
                              hint: "lower guarantees by \(total.saturatingSubtracting(capacity)) or add capacity (\(poolText))"))
        }
        if let percent = maxSharePercent {
            let cap = capacity.multiplied(by: percent, dividedBy: 100)
            for r in requests where r.guaranteed > cap {
                out.append(.error("guarantee-above-max-share",
                                  "\(r.tenant) is guaranteed \(r.guaranteed) in '\(className)', above the max share floor(\(percent)% x \(capacity)) = \(cap)",
                                  at: policy.location("spec", "classes", .key(className), "tenants", .key(r.tenant), "guaranteed"),
                                  hint: "lower \(r.tenant).guaranteed to \(cap), or raise maxSharePercent"))
            }
        }
        return out
    }

    /// A Ray workload whose peak exceeds what its tenant could ever hold in the class can never be admitted.
    static func workloadsFit(className: String, platform: Platform, policy: FairnessPolicy,
                             capacity c: Int) -> [Diagnostic] {
        guard let classPolicy = policy.spec.classes?[className] else { return [] }
        var out: [Diagnostic] = []
        for workload in platform.rayWorkloads where workload.spec.gpuClass == className && workload.spec.peakAccelerators > 0 {
            let cap = classPolicy.maxSharePercent.map { c.multiplied(by: $0, dividedBy: 100) } ?? c
            let share = classPolicy.tenants?[workload.tenant]
            let ceiling = min(share.map { s in s.borrowingLimit.map { s.guaranteed.saturatingAdding($0) } ?? c } ?? 0, cap)
            let peak = workload.spec.peakAccelerators
            if peak > ceiling {
                let why = share == nil ? "the tenant has no share of '\(className)' in the policy"
                    : "guarantee \(share!.guaranteed) plus borrowing limit \(share!.borrowingLimit.map(String.init) ?? "none"), capped at \(cap)"
                out.append(.error("workload-never-admitted",
                                  "\(workload.kind.rawValue) '\(workload.name)' needs \(peak) '\(className)' GPUs at peak; tenant \(workload.tenant) can hold at most \(ceiling) (\(why))",
                                  at: workload.document.keyLocation("spec", "workerGroups"),
                                  hint: "lower maxReplicas, or raise \(workload.tenant)'s guarantee or borrowing limit in \(policy.path(ofClass: className))"))
            }
        }
        return out
    }

    /// Workloads that ask for a class the fairness policy does not cover: Kueue has no queue for them.
    static func classesWithoutPolicy(platform: Platform, policy: FairnessPolicy) -> [Diagnostic] {
        let covered = Set((policy.spec.classes ?? [:]).keys)
        return platform.rayWorkloads.compactMap { workload in
            guard let gpuClass = workload.spec.gpuClass, workload.spec.peakAccelerators > 0, !covered.contains(gpuClass)
            else { return nil }
            return .error("workload-never-admitted",
                          "\(workload.kind.rawValue) '\(workload.name)' needs '\(gpuClass)' GPUs, but the fairness policy has no class '\(gpuClass)'",
                          at: workload.document.location("spec", "gpuClass"),
                          hint: "add spec.classes.\(gpuClass) with a share for \(workload.tenant) to \(policy.path)")
        }
    }
}
