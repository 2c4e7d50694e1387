import FairwayApply
import FairwayCore
import FairwayLive
import Logging

extension ClusterTarget: SyncTarget {
    /// The applier for this cluster: its Kubernetes API, its EKS node groups (the cluster named in
    /// cluster.yaml) when EKS access was given, and helm when given. `charts` is a directory of local
    /// charts to install from instead of the charts' repositories.
    public func applier(for evaluation: Evaluation, options: ClusterApplier.Options, charts: String? = nil,
                        logger: Logger) -> ClusterApplier {
        var groups: EKSNodeGroups?
        if let spec = evaluation.platform.cluster?.spec, let client = eksClient(for: spec) {
            groups = EKSNodeGroups(client: client, cluster: spec.eks.clusterName)
        }
        return ClusterApplier(objects: KubernetesObjects(client: kubernetes), nodeGroups: groups,
                              releases: helm.map { HelmReleases(client: $0, charts: charts) }, options: options, logger: logger)
    }
}
