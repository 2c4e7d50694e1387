/// What Fairway knows of one kind, in the one table (`KindFacts.table`) that drives apply order,
/// apply phases, readiness waits, the live search for owned objects and the agent's RBAC.
public struct KindFact: Sendable, Hashable {
    /// Where a kind's objects go in an apply.
    public enum Role: Sendable, Hashable {
        /// Applied first and waited on: CustomResourceDefinitions and Namespaces.
        case definition
        /// Cluster policy or namespaced configuration (by the object's scope).
        case configuration
        /// Applied last, after everything it refers to: Deployments and Ray clusters, jobs and services.
        case workload
    }

    /// Whether an apply waits for the object to become ready (`Health`).
    public enum Wait: Sendable, Hashable {
        case never
        /// Always: objects of the definitions' kinds need them (CRDs established).
        case always
        /// Unless the apply was told not to wait for workloads (`--no-wait`).
        case unlessNoWait
    }

    public let kind: String
    /// The API version Fairway renders the kind at; nil for kinds it orders and waits on when they
    /// come (from `extra/` or charts) but never renders, which the agent therefore may not write.
    public let renderedAs: String?
    /// The resource name (plural) of a rendered kind, for RBAC.
    public let resource: String?
    public let role: Role
    public let wait: Wait

    init(_ kind: String, _ renderedAs: String? = nil, resource: String? = nil, role: Role = .configuration, wait: Wait = .never) {
        self.kind = kind
        self.renderedAs = renderedAs
        self.resource = renderedAs == nil ? nil : (resource ?? kind.lowercased() + "s")
        self.role = role
        self.wait = wait
    }
}

/// The table of kinds, in apply order (deletions go in reverse). Kinds not in it are ordered just
/// before Services, by their scope, and never waited on.
public enum KindFacts {
    public static let table: [KindFact] = [
        KindFact("CustomResourceDefinition", role: .definition, wait: .always),
        KindFact("Namespace", "v1", role: .definition),
        KindFact("PriorityClass", "scheduling.k8s.io/v1", resource: "priorityclasses"),
        KindFact("WorkloadPriorityClass", "kueue.x-k8s.io/v1beta2", resource: "workloadpriorityclasses"),
        KindFact("ResourceFlavor", "kueue.x-k8s.io/v1beta2"),
        KindFact("Cohort", "kueue.x-k8s.io/v1beta2"),
        KindFact("ClusterQueue", "kueue.x-k8s.io/v1beta2"),
        KindFact("EC2NodeClass", "karpenter.k8s.aws/v1", resource: "ec2nodeclasses"),
        KindFact("NodePool", "karpenter.sh/v1"),
        KindFact("ClusterRole"),
        KindFact("ClusterRoleBinding"),
        KindFact("ServiceAccount", "v1"),
        KindFact("ResourceQuota", "v1"),
        KindFact("LimitRange", "v1"),
        KindFact("Role"),
        KindFact("RoleBinding", "rbac.authorization.k8s.io/v1"),
        KindFact("NetworkPolicy", "networking.k8s.io/v1", resource: "networkpolicies"),
        KindFact("Secret"),
        KindFact("ConfigMap"),
        KindFact("PersistentVolumeClaim", "v1"),
        KindFact("LocalQueue", "kueue.x-k8s.io/v1beta2"),
        KindFact("Service"),
        KindFact("Deployment", role: .workload, wait: .unlessNoWait),
        KindFact("StatefulSet", role: .workload),
        KindFact("DaemonSet", role: .workload),
        KindFact("Job", role: .workload),
        KindFact("CronJob", role: .workload),
        KindFact("RayCluster", "ray.io/v1", role: .workload, wait: .unlessNoWait),
        KindFact("RayService", "ray.io/v1", role: .workload),
        KindFact("RayJob", "ray.io/v1", role: .workload),
        KindFact("RayCronJob", role: .workload),
    ]

    private static let byKind: [String: (rank: Int, fact: KindFact)] = Dictionary(
        uniqueKeysWithValues: table.enumerated().map { ($1.kind, ($0, $1)) })

    /// The position of `kind` in apply order; unknown kinds go just before Services.
    public static func rank(of kind: String) -> Int {
        if let known = byKind[kind] { return known.rank }
        return (byKind["Service"]?.rank ?? table.count) - 1
    }

    public static func role(of kind: String) -> KindFact.Role { byKind[kind]?.fact.role ?? .configuration }

    public static func wait(of kind: String) -> KindFact.Wait { byKind[kind]?.fact.wait ?? .never }

    /// Every kind Fairway renders, by API version, and no other: the agent's RBAC is generated from
    /// this list, so it may write these kinds and nothing else; a live cluster is searched for
    /// Fairway-owned objects of all of them, so an object no longer rendered is still found and pruned.
    public static let rendered: [(apiVersion: String, kind: String, resource: String)] = table.compactMap { fact in
        fact.renderedAs.map { ($0, fact.kind, fact.resource!) }
    }
}
