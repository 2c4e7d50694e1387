/// The order in which kinds are applied: definitions and namespaces first, then cluster-wide
/// policy, then namespaced configuration, then workloads. Deletions run in the reverse order.
///
/// Ordering is data: this table is the single place that decides it (after the fashion of Argo CD's
/// and Flux's kind orders). Kinds not listed sort after all listed kinds except workloads.
public enum KindOrder {
    public static let table: [String] = [
        "CustomResourceDefinition",
        "Namespace",
        "PriorityClass",
        "WorkloadPriorityClass",
        "ResourceFlavor",
        "Cohort",
        "ClusterQueue",
        "EC2NodeClass",
        "NodePool",
        "ClusterRole",
        "ClusterRoleBinding",
        "ServiceAccount",
        "ResourceQuota",
        "LimitRange",
        "Role",
        "RoleBinding",
        "NetworkPolicy",
        "Secret",
        "ConfigMap",
        "LocalQueue",
        "Service",
        "Deployment",
        "RayCluster",
        "RayService",
        "RayJob",
    ]

    private static let ranks: [String: Int] = Dictionary(
        uniqueKeysWithValues: table.enumerated().map { ($1, $0) })

    /// The position of `kind` in apply order; unknown kinds go just before workloads.
    public static func rank(of kind: String) -> Int {
        if let rank = ranks[kind] { return rank }
        return (ranks["Service"] ?? table.count) - 1
    }
}
