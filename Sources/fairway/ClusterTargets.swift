import FairwayAgent
import FairwayPipeline

extension ClusterAccessOptions {
    /// The library's description of the access these flags give (no EKS or helm: `fairway status`).
    var clusterAccess: ClusterAccess {
        var access = ClusterAccess(kubeconfig: kubeconfig, context: context, inCluster: inCluster)
        access.eks = false
        access.helm = false
        return access
    }
}

extension TargetOptions {
    /// The library's description of the cluster these flags name (`ClusterTarget.make` builds it).
    var clusterAccess: ClusterAccess {
        var access = self.access.clusterAccess
        access.eks = !noEks
        access.awsRegion = awsRegion
        access.awsEndpointURL = awsEndpointUrl
        access.awsProfile = awsProfile
        access.helm = !noHelm
        access.helmExecutable = helm
        access.helmKubeconfig = helmKubeconfig
        return access
    }
}
