extension KindSchemas {
    static let addon = ObjectSchema("A Helm release Fairway installs and upgrades.", [
        Field("version", .string(.chartVersion), required: true, "Chart version, pinned (SemVer, for example `1.7.0`; no ranges or `latest`)."),
        Field("values", .any, "Helm values merged over the values Fairway computes."),
        Field("sensitiveValues", .list(.text),
              "Dotted paths of values that are secret (besides keys such as `password` or `client_secret`): masked in plans and diffs."),
    ])

    static let cluster = ObjectSchema("The one EKS cluster this repository describes.", [
        Field("aws", .object(ObjectSchema("The AWS account and region.", [
            Field("accountId", .string(.awsAccountId), required: true, "12-digit AWS account id, quoted."),
            Field("region", .string(.awsRegion), required: true, "AWS region, for example `us-west-2`."),
        ])), required: true, "Where the cluster lives."),
        Field("eks", .object(ObjectSchema("The EKS cluster.", [
            Field("clusterName", .dnsLabel, required: true, "EKS cluster name."),
            Field("kubernetesVersion", .string(.kubernetesVersion), required: true, "Kubernetes minor version, quoted (`\"1.33\"`)."),
            Field("nodeRoleArn", .string(.iamRoleArn), required: true, "IAM role for managed node groups."),
            Field("subnetIds", .list(.string(.subnetId), minItems: 1), required: true, "Private subnets for node groups (`subnet-` and 8 or 17 hex digits)."),
            Field("subnets", .map(.string(.subnetId)),
                  "The subnets of `subnetIds` by availability zone (`us-west-2b: subnet-...`). Required when a managed node group's pool names `instances.zones`: the group is placed in those zones' subnets only."),
            Field("karpenter", .object(ObjectSchema("Karpenter settings.", [
                Field("nodeRole", .string(.iamRoleName), required: true, "IAM role name Karpenter nodes assume."),
                Field("discoveryTag", .string(.awsTagValue), required: true,
                      "Value of the `karpenter.sh/discovery` tag on subnets and security groups."),
            ])), "Karpenter node provisioning; required when a node pool uses Karpenter."),
        ])), required: true, "The EKS cluster."),
        Field("addons", .object(ObjectSchema("Pinned Helm releases.", [
            Field("kuberayOperator", .object(addon), "The KubeRay operator."),
            Field("kueue", .object(addon), "Kueue."),
            Field("jupyterhub", .object(ObjectSchema("JupyterHub (zero-to-jupyterhub chart).", [
                Field("version", .string(.chartVersion), required: true, "Chart version, pinned (SemVer)."),
                Field("namespace", .dnsLabel, "Namespace of the hub; default `jupyterhub`."),
                Field("auth", .object(hubAuth), "Authentication."),
                Field("ingress", .object(ObjectSchema("An Ingress in front of the hub's proxy.", [
                    Field("className", .string(.dnsSubdomain), "IngressClass (for example `alb` or `nginx`); default the cluster's default class."),
                    Field("host", .string(.ingressHost), required: true, "Public host name, for example `notebooks.example.com`."),
                    Field("tlsSecretName", .dnsLabel, "Secret (in the hub's namespace) with the TLS certificate for the host."),
                ])), "Ingress for the proxy; without one the proxy is reached however `values` expose it."),
                Field("values", .any, "Helm values merged over the values Fairway computes."),
                Field("sensitiveValues", .list(.text),
                      "Dotted paths of values that are secret (besides keys such as `password` or `client_secret`): masked in plans and diffs."),
            ])), "JupyterHub."),
            Field("gpuStack", .object(ObjectSchema("The NVIDIA stack that advertises GPUs.", [
                Field("type", .enumeration(["device-plugin", "gpu-operator"]), required: true,
                      "NVIDIA device plugin alone, or the GPU operator."),
                Field("version", .string(.chartVersion), required: true, "Chart version, pinned (SemVer)."),
                Field("values", .any, "Helm values merged over the values Fairway computes."),
                Field("sensitiveValues", .list(.text),
                      "Dotted paths of values that are secret (besides keys such as `password` or `client_secret`): masked in plans and diffs."),
            ])), "GPU device plugin or operator."),
        ])), "Helm releases Fairway manages."),
        Field("scheduling", .object(ObjectSchema("Scheduling settings.", [
            Field("priorityClasses", .list(.object(ObjectSchema("A PriorityClass and its Kueue twin.", [
                Field("name", .dnsLabel, required: true, "Name; not beginning `system-` (reserved by Kubernetes)."),
                Field("value", .integer(min: -2_147_483_648, max: 1_000_000_000), required: true, "Priority."),
                Field("default", .boolean, "The global default (at most one)."),
                Field("description", .text, "What it is for."),
                Field("preemptible", .boolean,
                      "False: work at this priority is never preempted by lower-priority work (default true)."),
            ]))), "Priority classes, rendered as PriorityClass and WorkloadPriorityClass."),
            Field("podsReadyTimeout", .duration,
                  "How long an admitted workload may wait for all its pods to run before Kueue releases its quota and requeues it; default `15m`."),
        ])), "Scheduling."),
        Field("reconcile", .object(ObjectSchema("How Fairway reconciles.", [
            Field("interval", .positiveDuration, "How often the agent checks for drift; default `5m`."),
            Field("prune", .boolean, "Delete owned objects gone from Git; default true."),
            Field("maxDeletions", .count, "Refuse a plan that deletes more objects than this."),
        ])), "Reconciliation settings."),
    ])
}
