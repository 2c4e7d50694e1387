import FairwayCore

/// Everything one revision of the platform repository declares, decoded and typed.
///
/// Collections are sorted by name. A document whose spec failed to decode is absent from the typed
/// collections but present in `headers`.
public struct Platform: Sendable {
    public internal(set) var revision: String
    public internal(set) var cluster: Document<ClusterSpec>?
    public internal(set) var tenants: [Document<TenantSpec>] = []
    public internal(set) var nodePools: [Document<NodePoolSpec>] = []
    public internal(set) var rayWorkloads: [RayWorkload] = []
    public internal(set) var notebookCatalog: Document<NotebookCatalogSpec>?
    /// The `GpuFairnessPolicy` named `default`: its parts merged (one file, or several).
    public internal(set) var fairnessPolicy: FairnessPolicy?
    public internal(set) var sharingPolicies: [Document<GpuSharingPolicySpec>] = []
    public internal(set) var headers: [DocumentHeader] = []

    /// The fairness policy's parts as the loader meets them; merged into `fairnessPolicy` by `reindex()`.
    var fairnessPolicyParts: [Document<GpuFairnessPolicySpec>] = []

    /// Lookup tables, rebuilt by `reindex()` once the loader has filled the collections.
    private var tenantPositions: [String: Int] = [:]
    private var declared: Set<String> = []
    private var workloadPositions: [String: [Int]] = [:]

    init(revision: String) { self.revision = revision }

    mutating func reindex() {
        fairnessPolicy = FairnessPolicy(merging: fairnessPolicyParts)
        tenantPositions = Dictionary(tenants.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { first, _ in first })
        declared = Set(headers.map { "\($0.kind.rawValue)/\($0.name)" })
        workloadPositions = [:]
        for (position, workload) in rayWorkloads.enumerated() { workloadPositions[workload.tenant, default: []].append(position) }
    }

    /// The Ray workloads of `tenant`, in the order of `rayWorkloads`: looked up, not searched, so that
    /// checks made once per tenant stay linear in the platform's size.
    public func rayWorkloads(of tenant: String) -> [RayWorkload] {
        (workloadPositions[tenant] ?? []).map { rayWorkloads[$0] }
    }

    public func tenant(named name: String) -> Document<TenantSpec>? {
        tenantPositions[name].map { tenants[$0] }
    }

    /// True when a document of `kind` named `name` exists, decoded or not.
    public func declares(_ kind: Kind, named name: String) -> Bool {
        declared.contains("\(kind.rawValue)/\(name)")
    }

    /// The GPU classes that node pools provide.
    public var gpuClasses: Set<String> {
        Set(nodePools.compactMap { $0.spec.gpu?.class })
    }
}

/// What loading a platform repository produced: the platform (possibly partial) and every problem found.
public struct LoadResult: Sendable {
    public var platform: Platform
    public var diagnostics: [Diagnostic]

    public var isValid: Bool { !diagnostics.hasErrors }
}

extension Platform {
    /// The priority class a Ray workload runs at: its own, its tenant's default, or the cluster's default.
    public func priorityClass(of workload: RayWorkload) -> String? {
        workload.spec.priorityClass ?? tenant(named: workload.tenant)?.spec.defaults?.priorityClass
            ?? cluster?.spec.priorityClasses.first(where: { $0.default == true })?.name
    }

    /// The cluster's priority class of that name.
    public func priorityClass(named name: String?) -> ClusterSpec.PriorityClass? {
        guard let name else { return nil }
        return cluster?.spec.priorityClasses.first { $0.name == name }
    }
}
