/// Every kind Fairway renders, by API version, and no other: the agent's RBAC is generated from this
/// list (`AgentPermissions`), so it may write these kinds and nothing else. A live cluster is searched
/// for Fairway-owned objects of all of them, so an object no longer rendered is still found and
/// pruned. Keep in step with the renderers (a test checks the template's kinds are all here).
public enum ManagedKinds {
    public static let all: [(apiVersion: String, kind: String)] = [
        ("v1", "Namespace"),
        ("v1", "ServiceAccount"),
        ("v1", "ResourceQuota"),
        ("v1", "LimitRange"),
        ("v1", "PersistentVolumeClaim"),
        ("rbac.authorization.k8s.io/v1", "RoleBinding"),
        ("networking.k8s.io/v1", "NetworkPolicy"),
        ("scheduling.k8s.io/v1", "PriorityClass"),
        ("kueue.x-k8s.io/v1beta2", "WorkloadPriorityClass"),
        ("kueue.x-k8s.io/v1beta2", "ResourceFlavor"),
        ("kueue.x-k8s.io/v1beta2", "Cohort"),
        ("kueue.x-k8s.io/v1beta2", "ClusterQueue"),
        ("kueue.x-k8s.io/v1beta2", "LocalQueue"),
        ("karpenter.sh/v1", "NodePool"),
        ("karpenter.k8s.aws/v1", "EC2NodeClass"),
        ("ray.io/v1", "RayCluster"),
        ("ray.io/v1", "RayJob"),
        ("ray.io/v1", "RayService"),
    ]
}
