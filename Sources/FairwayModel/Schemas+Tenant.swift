extension KindSchemas {
    static let tenant = ObjectSchema("A team sharing the platform.", [
        Field("displayName", .text, "Human name."),
        Field("owners", .list(.text), "People accountable for the tenant (emails)."),
        Field("members", .object(ObjectSchema("Who may use the tenant's namespaces.", [
            Field("groups", .list(.text), "Identity-provider groups (bound to the `edit` ClusterRole)."),
            Field("users", .list(.text), "Individual users (bound to the `edit` ClusterRole)."),
        ])), "Members."),
        Field("namespaces", .list(.object(ObjectSchema("A namespace of the tenant.", [
            Field("name", .dnsLabel, required: true, "Namespace name, unique across tenants."),
            Field("purpose", .text, "What runs there."),
        ])), minItems: 1), required: true, "Namespaces; the first is primary."),
        Field("quota", .map(.quantity, keyFormat: .labelKey),
              "ResourceQuota hard limits applied in each namespace; `nvidia.com/*` is not allowed (GPUs follow the fairness policy)."),
        Field("defaults", .object(ObjectSchema("Defaults for the tenant's pods.", [
            Field("priorityClass", .dnsLabel, "Priority class for workloads that name none."),
            Field("containerLimits", .object(ObjectSchema("LimitRange defaults per container.", [
                Field("cpu", .quantity, "Default CPU limit."),
                Field("memory", .quantity, "Default memory limit."),
            ])), "Container limits."),
        ])), "Defaults."),
        Field("allowedPriorityClasses", .list(.dnsLabel), "Priority classes the tenant may use."),
        Field("gpuClasses", .list(.dnsLabel), "GPU classes (from the fairness policy) the tenant may use."),
        Field("notebooks", .object(ObjectSchema("JupyterHub access.", [
            Field("profiles", .list(.dnsLabel), "Notebook profiles the tenant's users see."),
            Field("maxServersPerUser", .count, "Servers one user may run at once in this tenant (JupyterHub named servers); default 1."),
            Field("maxGpuServers", .count, "GPU notebook servers running at once across the tenant."),
            Field("namespace", .dnsLabel, "The tenant namespace its users' notebook servers run in; default the primary namespace."),
            Field("priorityClass", .dnsLabel,
                  "Priority class of the tenant's GPU notebooks (their Kueue priority); default `defaults.priorityClass`."),
        ])), "Notebooks."),
        Field("ray", .object(ObjectSchema("Ray limits.", [
            Field("maxWorkerReplicas", .count, "Most worker replicas one Ray workload may declare."),
        ])), "Ray."),
        Field("networkIsolation", .boolean, "Default-deny network policy plus same-tenant traffic; default true."),
        Field("podSecurity", .enumeration(["baseline", "restricted"]),
              "Pod Security Standard enforced in the tenant's namespaces; default `baseline`. Fairway's Ray pods and notebook servers meet `restricted`."),
        Field("serviceAccount", .object(ObjectSchema("The tenant's workload service account.", [
            Field("name", .dnsLabel, required: true, "ServiceAccount name."),
            Field("iamRoleArn", .string(.arn), "IAM role for service accounts (IRSA)."),
        ])), "Service account."),
    ])
}
