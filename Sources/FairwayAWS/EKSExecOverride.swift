import FairwayKubernetes
import Foundation

extension EKSTokenProvider {
    /// Recognises the exec plugins that mint EKS tokens (`aws eks get-token --cluster-name NAME
    /// [--region R]`, `aws-iam-authenticator token -i NAME`) and replaces them with a native provider
    /// using `credentials`, so no AWS CLI is needed and no process is started per token. The plugin's
    /// own `env` (an `AWS_PROFILE`, say) is honoured through `environment`. Nil for any other plugin.
    public static func replacing(_ exec: ExecConfig, environment: [String: String],
                                 credentials: (AWSEnvironment) -> any AWSCredentialsProvider,
                                 stsEndpoint: AWSURL? = nil) -> EKSTokenProvider? {
        let program = (exec.command as NSString).lastPathComponent
        let clusterName: String?
        switch program {
        case "aws":
            guard exec.args.contains("eks"), exec.args.contains("get-token") else { return nil }
            clusterName = exec.argument(after: "--cluster-name") ?? exec.argument(after: "--cluster-id")
        case "aws-iam-authenticator":
            guard exec.args.contains("token") else { return nil }
            clusterName = exec.argument(after: "-i") ?? exec.argument(after: "--cluster-id")
        default:
            return nil
        }
        guard let clusterName else { return nil }
        var variables = environment
        for variable in exec.env { variables[variable.name] = variable.value }
        let aws = AWSEnvironment(variables: variables, profile: exec.argument(after: "--profile"))
        guard let region = exec.argument(after: "--region") ?? (try? aws.region()) ?? nil else { return nil }
        return EKSTokenProvider(clusterName: clusterName, region: region, credentials: credentials(aws), stsEndpoint: stsEndpoint)
    }
}
