import FairwayAWS
import FairwayCore
import FairwayHelm
import FairwayKubernetes
import FairwayLive
import Foundation
import Logging

/// How to reach a cluster as a plan target: what `fairway plan`, `apply` and `sync` take on their
/// command lines, as a value, so a cluster target can be built in-process (tests, embedders).
public struct ClusterAccess: Sendable, Equatable {
    /// Kubeconfig file (KUBECONFIG's files when nil) and context (its current context when nil).
    public var kubeconfig: String?
    public var context: String?
    /// The in-cluster service account instead of a kubeconfig.
    public var inCluster = false
    /// EKS: the region (cluster.yaml's when nil), an endpoint (emulators), a profile; off with `eks = false`.
    public var eks = true
    public var awsRegion: String?
    public var awsEndpointURL: String?
    public var awsProfile: String?
    /// Helm: the binary (helm on PATH when nil), a kubeconfig of its own; off with `helm = false`.
    public var helm = true
    public var helmExecutable: String?
    public var helmKubeconfig: String?

    public init(kubeconfig: String? = nil, context: String? = nil, inCluster: Bool = false) {
        self.kubeconfig = kubeconfig
        self.context = context
        self.inCluster = inCluster
    }
}

extension ClusterTarget {
    /// The cluster target `access` describes: the Kubernetes client from the kubeconfig (or the
    /// in-cluster service account; `aws eks get-token` plugins replaced by native EKS tokens), EKS
    /// access from the AWS credential chain, and the helm CLI (with `helmKubeconfig`, under its own
    /// identity). `logger` is what the clients log to (retries, credential loading, helm runs): the
    /// sync agent's log; nil for one-shot commands, which report on their own output.
    public static func make(_ access: ClusterAccess, environment: [String: String] = ProcessInfo.processInfo.environment,
                            logger: Logger? = nil) async throws(PipelineError) -> ClusterTarget {
        let (connection, kubernetes) = try kubernetesClient(access, environment: environment, logger: logger)
        var eks: EKSAccess?
        if access.eks {
            let aws = AWSEnvironment(variables: environment, profile: access.awsProfile)
            var endpoint: AWSURL?
            if let text = access.awsEndpointURL {
                guard let url = AWSURL(string: text) else {
                    try? await kubernetes.shutdown()
                    throw PipelineError("--aws-endpoint-url \(text) is not an http(s) URL")
                }
                endpoint = url
            }
            eks = EKSAccess(region: access.awsRegion, endpoint: endpoint, credentials: AWSCredentialChain(environment: aws),
                            transport: logger.map { AWSTransport(logger: $0) } ?? AWSTransport())
        }
        var helm: HelmClient?
        if access.helm {
            // A kubeconfig of its own gives Helm releases their own identity, in that file's current context.
            let kubeconfig = access.helmKubeconfig ?? access.kubeconfig
            let context = access.helmKubeconfig == nil ? access.context : nil
            helm = HelmClient(executable: access.helmExecutable ?? "helm", kubeconfig: kubeconfig, kubeContext: context,
                              logger: logger ?? Logger(label: "fairway.helm", factory: { _ in SwiftLogNoOpLogHandler() }))
        }
        let name = "cluster \(connection.contextName ?? "in-cluster") (\(connection.server))"
        return ClusterTarget(name: name, kubernetes: kubernetes, eks: eks, helm: helm)
    }

    /// The Kubernetes client alone (for `fairway status`, which reads one ConfigMap).
    public static func kubernetesClient(_ access: ClusterAccess, environment: [String: String] = ProcessInfo.processInfo.environment,
                                        logger: Logger? = nil) throws(PipelineError) -> (KubernetesConnection, KubernetesClient) {
        do {
            let connection: KubernetesConnection
            if access.inCluster {
                connection = try InClusterConfig.load(environment: environment)
            } else {
                connection = try KubeconfigLoader.load(paths: access.kubeconfig.map { [$0] }, context: access.context,
                                                       environment: environment, execOverride: { exec in
                    EKSTokenProvider.replacing(exec, environment: environment, credentials: { AWSCredentialChain(environment: $0) })
                })
            }
            var options = KubernetesClient.Options()
            if let logger { options.logger = logger }
            return (connection, try KubernetesClient(connection, options: options))
        } catch {
            throw PipelineError("\(error)")
        }
    }

    /// Runs `body` with the target `access` describes, shutting its connections down afterwards whatever happens.
    public static func with<T>(_ access: ClusterAccess, logger: Logger? = nil,
                               _ body: (ClusterTarget) async throws -> T) async throws -> T {
        let cluster = try await make(access, logger: logger)
        do {
            let result = try await body(cluster)
            await cluster.shutdown()
            return result
        } catch {
            await cluster.shutdown()
            throw error
        }
    }
}
