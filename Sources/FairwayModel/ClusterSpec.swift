import FairwayCore

/// `cluster.yaml`: the AWS account, the EKS cluster, pinned add-ons, priority classes and how
/// Fairway reconciles.
public struct ClusterSpec: Decodable, Sendable {
    public struct AWS: Decodable, Sendable {
        public var accountId: String
        public var region: String
    }

    public struct EKS: Decodable, Sendable {
        public struct Karpenter: Decodable, Sendable {
            public var nodeRole: String
            public var discoveryTag: String
        }

        public var clusterName: String
        public var kubernetesVersion: String
        public var nodeRoleArn: String
        public var subnetIds: [String]
        /// The same subnets by availability zone (`us-west-2b: subnet-...`): a managed node group whose
        /// pool names `instances.zones` is placed in exactly those zones' subnets.
        public var subnets: [String: String]?
        public var karpenter: Karpenter?

        /// The subnets of a managed node group: those of `zones` when given (in their order, once
        /// each; zones without a subnet are left out, and `validate` reports them), else every subnet.
        public func subnets(forZones zones: [String]?) -> [String] {
            guard let zones, !zones.isEmpty, let subnets else { return subnetIds }
            var seen: Set<String> = []
            return zones.compactMap { subnets[$0] }.filter { seen.insert($0).inserted }
        }
    }

    public struct Addon: Decodable, Sendable {
        public var version: String
        public var values: JSONValue?
        public var sensitiveValues: [String]?
    }

    public struct JupyterHub: Decodable, Sendable {
        public struct Auth: Decodable, Sendable {
            public struct SecretRef: Decodable, Sendable { public var name: String }
            /// An Amazon Cognito user pool's hosted UI.
            public struct Cognito: Decodable, Sendable {
                /// The hosted-UI domain: a full host (`auth.example.com`) or the prefix of
                /// `<prefix>.auth.<region>.amazoncognito.com`.
                public var domain: String
                public var region: String?
                public var userPoolId: String?
                public var usernameClaim: String?
                public var groupsClaim: String?
            }

            public struct GitHub: Decodable, Sendable {
                public var organizations: [String]?
            }

            /// Any OAuth 2 / OpenID Connect provider.
            public struct OAuth: Decodable, Sendable {
                public var authorizeUrl: String
                public var tokenUrl: String
                public var userdataUrl: String
                public var usernameClaim: String?
                public var groupsClaim: String?
                public var scopes: [String]?
            }

            /// JupyterHub's NativeAuthenticator: users sign up on the hub itself.
            public struct Native: Decodable, Sendable {
                /// True: sign-ups are active at once; false (default): an admin approves each one.
                public var openSignup: Bool?
                public var minimumPasswordLength: Int?
            }

            public var type: String
            public var adminGroups: [String]?
            public var adminUsers: [String]?
            public var secretRef: SecretRef?
            /// The OAuth callback URL registered with the provider; default from `ingress.host`.
            public var callbackUrl: String?
            public var cognito: Cognito?
            public var github: GitHub?
            public var oauth: OAuth?
            public var native: Native?
        }

        /// An Ingress for the hub's proxy.
        public struct Ingress: Decodable, Sendable {
            public var className: String?
            public var host: String
            public var tlsSecretName: String?
        }

        public var version: String
        public var namespace: String?
        public var auth: Auth?
        public var ingress: Ingress?
        public var values: JSONValue?
        public var sensitiveValues: [String]?
    }

    public struct GPUStack: Decodable, Sendable {
        public var type: String
        public var version: String
        public var values: JSONValue?
        public var sensitiveValues: [String]?
    }

    public struct Addons: Decodable, Sendable {
        public var kuberayOperator: Addon?
        public var kueue: Addon?
        public var jupyterhub: JupyterHub?
        public var gpuStack: GPUStack?
    }

    public struct PriorityClass: Decodable, Sendable {
        public var name: String
        public var value: Int
        public var `default`: Bool?
        public var description: String?
        /// False: work at this priority must never be preempted by lower-priority work (the
        /// default is true, Kueue's usual semantics).
        public var preemptible: Bool?
    }

    public struct Scheduling: Decodable, Sendable {
        public var priorityClasses: [PriorityClass]?
        public var podsReadyTimeout: GoDuration?
    }

    public struct Reconcile: Decodable, Sendable {
        public var interval: GoDuration?
        public var prune: Bool?
        public var maxDeletions: Int?
    }

    public var aws: AWS
    public var eks: EKS
    public var addons: Addons?
    public var scheduling: Scheduling?
    public var reconcile: Reconcile?

    public var priorityClasses: [PriorityClass] { scheduling?.priorityClasses ?? [] }
}
