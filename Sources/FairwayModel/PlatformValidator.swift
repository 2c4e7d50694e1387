import FairwayCore

/// The checks that span documents or need more than a field's type: references between
/// documents, uniqueness, replica ranges, name lengths, GPU hardware facts. Each problem names the
/// file and line of the field at fault.
struct PlatformValidator: Sendable {
    let platform: Platform
    var diagnostics: [Diagnostic] = []

    /// Names other documents refer to, computed once.
    let priorityClassNames: Set<String>
    let policyClasses: Set<String>
    let knownGPUClasses: Set<String>

    init(platform: Platform) {
        self.platform = platform
        priorityClassNames = Set(platform.cluster?.spec.priorityClasses.map(\.name) ?? [])
        policyClasses = Set((platform.fairnessPolicy?.spec.classes ?? [:]).keys)
        knownGPUClasses = policyClasses.union(platform.gpuClasses)
    }

    /// The checks, independent of one another: each reads the platform and reports on its own.
    static let checks: [@Sendable (inout PlatformValidator) -> Void] = [
        { $0.checkCluster() }, { $0.checkTenants() }, { $0.checkNodePools() }, { $0.checkRayWorkloads() },
        { $0.checkCatalog() }, { $0.checkNotebooks() }, { $0.checkPolicies() }, { $0.checkReservedNamespaces() },
        { $0.checkClusterQueueNames() }, { $0.checkAPIRules() },
    ]

    /// Every check's diagnostics, in the order of `checks`; the checks run in parallel (each spans
    /// every tenant, so at thousands of tenants each takes tens of milliseconds).
    func validate() -> [Diagnostic] {
        ParallelMap.map(Array(Self.checks.indices), minimumCount: 2) { index in
            var validator = self
            Self.checks[index](&validator)
            return validator.diagnostics
        }.flatMap { $0 }
    }

    mutating func error(_ code: String, _ message: String, _ at: SourceLocation, hint: String? = nil) {
        diagnostics.append(.error(code, message, at: at, hint: hint))
    }

    mutating func warning(_ code: String, _ message: String, _ at: SourceLocation, hint: String? = nil) {
        diagnostics.append(.warning(code, message, at: at, hint: hint))
    }

    static func didYouMean(_ word: String, _ candidates: some Sequence<String>) -> String? {
        let list = Array(candidates).sorted()
        if let near = Suggest.nearest(to: word, in: list) { return "did you mean `\(near)`?" }
        if list.isEmpty { return nil }
        return "known: \(list.prefix(12).joined(separator: ", "))\(list.count > 12 ? ", ..." : "")"
    }


    mutating func checkCluster() {
        guard let cluster = platform.cluster else {
            if !platform.headers.contains(where: { $0.kind == .cluster }) {
                error("missing-cluster", "the repository has no cluster.yaml",
                      SourceLocation(path: "cluster.yaml", line: 1, column: 1),
                      hint: "every platform repository has exactly one cluster.yaml of kind Cluster")
            }
            return
        }
        var seen: [String: Int] = [:]
        var defaults: [Int] = []
        for (index, pc) in cluster.spec.priorityClasses.enumerated() {
            if let first = seen[pc.name] {
                error("duplicate-name", "priority class '\(pc.name)' is declared twice",
                      cluster.location("spec", "scheduling", "priorityClasses", .index(index), "name"),
                      hint: "first declared at \(cluster.location("spec", "scheduling", "priorityClasses", .index(first), "name"))")
            }
            seen[pc.name] = seen[pc.name] ?? index
            if pc.default == true { defaults.append(index) }
        }
        if defaults.count > 1 {
            error("invalid-value", "\(defaults.count) priority classes are marked default; at most one may be",
                  cluster.location("spec", "scheduling", "priorityClasses", .index(defaults[1]), "default"))
        }
        if cluster.spec.eks.karpenter == nil,
           let pool = platform.nodePools.first(where: { $0.spec.provisioner == .karpenter })
        {
            error("missing-field", "node pool '\(pool.name)' uses Karpenter but cluster.yaml has no `spec.eks.karpenter`",
                  pool.location("spec", "provisioner"),
                  hint: "add spec.eks.karpenter {nodeRole, discoveryTag} to cluster.yaml")
        }
    }

    /// `location` is looked up only for a problem (a lookup walks the document's tree).
    mutating func checkPriorityClass(_ name: String, at location: @autoclosure () -> SourceLocation) {
        guard platform.cluster != nil, !priorityClassNames.contains(name) else { return }
        error("unknown-priority-class", "priority class '\(name)' is not declared in cluster.yaml", location(),
              hint: Self.didYouMean(name, priorityClassNames))
    }
}
