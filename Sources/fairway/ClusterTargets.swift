import FairwayAgent
import FairwayLive
import Foundation
import Logging

/// Builds the cluster target from the command line: the Kubernetes client from the kubeconfig (or
/// the in-cluster service account; `aws eks get-token` plugins replaced by native EKS tokens), EKS
/// access from the AWS credential chain, and the helm CLI (with `--helm-kubeconfig`, under its own identity).
enum ClusterTargets {
    /// `logger` is what the clients log to (retries, credential loading, helm runs): the sync agent's
    /// log; nil for the one-shot commands, which report on their own output.
    static func make(_ options: TargetOptions, environment: [String: String] = ProcessInfo.processInfo.environment,
                     logger: Logger? = nil) async throws(PipelineError) -> ClusterTarget
    {
        let (connection, kubernetes) = try kubernetes(options.access, environment: environment, logger: logger)
        var eks: ClusterTarget.EKSAccess?
        if !options.noEks {
            let aws = AWSEnvironment(variables: environment, profile: options.awsProfile)
            var endpoint: AWSURL?
            if let text = options.awsEndpointUrl {
                guard let url = AWSURL(string: text) else {
                    try? await kubernetes.shutdown()
                    throw PipelineError("--aws-endpoint-url \(text) is not an http(s) URL")
                }
                endpoint = url
            }
            eks = ClusterTarget.EKSAccess(region: options.awsRegion, endpoint: endpoint,
                                          credentials: AWSCredentialChain(environment: aws),
                                          transport: logger.map { AWSTransport(logger: $0) } ?? AWSTransport())
        }
        var helm: HelmClient?
        if !options.noHelm {
            // A kubeconfig of its own gives Helm releases their own identity, in that file's current context.
            let kubeconfig = options.helmKubeconfig ?? options.access.kubeconfig
            let context = options.helmKubeconfig == nil ? options.access.context : nil
            helm = HelmClient(executable: options.helm ?? "helm", kubeconfig: kubeconfig, kubeContext: context,
                              logger: logger ?? Logger(label: "fairway.helm", factory: { _ in SwiftLogNoOpLogHandler() }))
        }
        let name = "cluster \(connection.contextName ?? "in-cluster") (\(connection.server))"
        return ClusterTarget(name: name, kubernetes: kubernetes, eks: eks, helm: helm)
    }

    /// The Kubernetes client from the kubeconfig (or the in-cluster service account), with `aws eks
    /// get-token` plugins replaced by native EKS tokens.
    static func kubernetes(_ access: ClusterAccessOptions, environment: [String: String] = ProcessInfo.processInfo.environment,
                           logger: Logger? = nil) throws(PipelineError) -> (KubernetesConnection, KubernetesClient)
    {
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

    /// Runs `body` with the cluster target, shutting its connections down afterwards whatever happens.
    static func with<T>(_ options: TargetOptions, logger: Logger? = nil, _ body: (ClusterTarget) async throws -> T) async throws -> T {
        let cluster = try await make(options, logger: logger)
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
