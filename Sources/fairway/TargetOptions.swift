import ArgumentParser
import FairwayAgent
import FairwayKubernetes
import FairwayLive
import FairwayPipeline

/// How a cluster's Kubernetes API is reached: a kubeconfig and context, or the in-cluster service
/// account. Shared by every command that talks to a cluster.
struct ClusterAccessOptions: ParsableArguments {
    @Option(name: .long, help: "Kubeconfig file of the target cluster (KUBECONFIG's files when only --context is given).")
    var kubeconfig: String?

    @Option(name: .long, help: "Kubeconfig context of the target cluster (default: the current context).")
    var context: String?

    @Flag(name: .long, help: "Use the in-cluster service account (when running inside the cluster).")
    var inCluster = false

    func validate() throws {
        if inCluster && (kubeconfig != nil || context != nil) {
            throw ValidationError("give --in-cluster or --kubeconfig/--context, not both")
        }
    }

    /// True when a cluster is named.
    var isCluster: Bool { kubeconfig != nil || context != nil || inCluster }
}

/// Where plans are computed against and applied: the local state directory (the default), or a
/// cluster named by a kubeconfig and context (with its EKS node groups and Helm releases).
struct TargetOptions: ParsableArguments {
    @OptionGroup var access: ClusterAccessOptions

    @Option(name: .long, help: "AWS region for EKS (default: cluster.yaml's spec.aws.region, then AWS_REGION).")
    var awsRegion: String?

    @Option(name: .long, help: "EKS endpoint URL, for emulators such as moto_server (default: the AWS endpoint of the region).")
    var awsEndpointUrl: String?

    @Option(name: .long, help: "AWS profile for EKS credentials (default: AWS_PROFILE, then the default profile).")
    var awsProfile: String?

    @Flag(name: .long, help: "Leave EKS managed node groups out of the plan.")
    var noEks = false

    @Option(name: .long, help: "The helm binary for Helm releases (default: helm on PATH).")
    var helm: String?

    @Flag(name: .long, help: "Leave Helm releases out of the plan.")
    var noHelm = false

    @Option(name: .long, help: ArgumentHelp(
        "Kubeconfig helm uses for Helm releases (default: the cluster's own access).",
        discussion: "Lets Helm releases run under their own identity: the add-on charts create ClusterRoles, so installing them needs rights the agent's own service account does not hold."))
    var helmKubeconfig: String?

    @Option(name: .long, help: "Local state directory (the target when no cluster is named).")
    var state: String = ".fairway/state"

    /// True when a cluster is named; otherwise the local state is the target.
    var isCluster: Bool { access.isCluster }
}
