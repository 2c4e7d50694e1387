import FairwayCore
import FairwayModel

/// Renders one tenant: per namespace a Namespace, ResourceQuota, LimitRange, RoleBindings for
/// owners and members, default-deny and same-tenant NetworkPolicies, the workload ServiceAccount,
/// and a Kueue LocalQueue per GPU class (named after the class, feeding the tenant's ClusterQueue);
/// in the notebook namespace, what JupyterHub's servers need there (`TenantRenderer+Notebooks`).
struct TenantRenderer {
    let tenant: Document<TenantSpec>
    /// The tenant's GPU classes that have node pools (and so ClusterQueues).
    let queueClasses: [String]
    /// Set when the tenant's users have notebook profiles on a hub.
    var notebooks: NotebookHosting? = nil

    var spec: TenantSpec { tenant.spec }
    var meta: MetadataBuilder { MetadataBuilder(sourcePath: tenant.path) }
    var tenantLabel: (String, JSONValue) { (Ownership.tenantLabel, .string(tenant.name)) }

    func render() -> [Manifest] {
        var out: [Manifest] = []
        for namespace in spec.namespaces {
            out.append(namespaceObject(namespace))
            if let quota = resourceQuota(namespace.name) { out.append(quota) }
            if let limits = limitRange(namespace.name) { out.append(limits) }
            if let owners = ownerBinding(namespace.name) { out.append(owners) }
            if let members = memberBinding(namespace.name) { out.append(members) }
            if spec.isolatesNetwork { out += networkPolicies(namespace.name) }
            if let account = serviceAccount(namespace.name) { out.append(account) }
            for gpuClass in queueClasses { out.append(localQueue(gpuClass, namespace: namespace.name)) }
            if let notebooks, namespace.name == spec.notebookNamespace { out += notebookObjects(notebooks, namespace: namespace.name) }
        }
        return out
    }

    private func localQueue(_ gpuClass: String, namespace: String) -> Manifest {
        .rendered([
            "apiVersion": "kueue.x-k8s.io/v1beta2",
            "kind": "LocalQueue",
            "metadata": meta.metadata(name: gpuClass, namespace: namespace,
                                      labels: [tenantLabel, (Ownership.gpuClassLabel, .string(gpuClass))]),
            "spec": ["clusterQueue": .string("\(tenant.name)-\(gpuClass)")],
        ])
    }

    private func namespaceObject(_ namespace: TenantSpec.Namespace) -> Manifest {
        var annotations: [(String, JSONValue)] = []
        if let purpose = namespace.purpose { annotations.append(("fairway.dev/purpose", .string(purpose))) }
        if let display = spec.displayName { annotations.append(("fairway.dev/tenant-display-name", .string(display))) }
        let primary = namespace.name == spec.primaryNamespace
        return .rendered([
            "apiVersion": "v1",
            "kind": "Namespace",
            "metadata": meta.metadata(name: namespace.name, labels: [
                tenantLabel,
                ("fairway.dev/primary", primary ? "true" : "false"),
                ("pod-security.kubernetes.io/enforce", .string(spec.podSecurity ?? "baseline")),
            ], annotations: annotations),
        ])
    }

    private func resourceQuota(_ namespace: String) -> Manifest? {
        guard let quota = spec.quota, !quota.isEmpty else { return nil }
        var hard = JSONObject()
        for key in quota.keys.sorted() { hard[key] = .string(quota[key]!.text) }
        return .rendered([
            "apiVersion": "v1",
            "kind": "ResourceQuota",
            "metadata": meta.metadata(name: "tenant-quota", namespace: namespace, labels: [tenantLabel]),
            "spec": ["hard": .object(hard)],
        ])
    }

    private func limitRange(_ namespace: String) -> Manifest? {
        guard let limits = spec.defaults?.containerLimits, limits.cpu != nil || limits.memory != nil else { return nil }
        var defaults = JSONObject()
        if let cpu = limits.cpu { defaults["cpu"] = .string(cpu.text) }
        if let memory = limits.memory { defaults["memory"] = .string(memory.text) }
        return .rendered([
            "apiVersion": "v1",
            "kind": "LimitRange",
            "metadata": meta.metadata(name: "container-defaults", namespace: namespace, labels: [tenantLabel]),
            "spec": ["limits": [["type": "Container", "default": .object(defaults), "defaultRequest": .object(defaults)]]],
        ])
    }

    private func binding(_ name: String, namespace: String, role: String, subjects: [JSONValue]) -> Manifest {
        .rendered([
            "apiVersion": "rbac.authorization.k8s.io/v1",
            "kind": "RoleBinding",
            "metadata": meta.metadata(name: name, namespace: namespace, labels: [tenantLabel]),
            "roleRef": ["apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": .string(role)],
            "subjects": .array(subjects),
        ])
    }

    private static func subject(_ kind: String, _ name: String) -> JSONValue {
        ["kind": .string(kind), "apiGroup": "rbac.authorization.k8s.io", "name": .string(name)]
    }

    private func ownerBinding(_ namespace: String) -> Manifest? {
        let owners = spec.owners ?? []
        guard !owners.isEmpty else { return nil }
        return binding("tenant-owners", namespace: namespace, role: BoundRoles.tenantAdmin,
                       subjects: owners.map { Self.subject("User", $0) })
    }

    private func memberBinding(_ namespace: String) -> Manifest? {
        let groups = spec.members?.groups ?? [], users = spec.members?.users ?? []
        guard !groups.isEmpty || !users.isEmpty else { return nil }
        return binding("tenant-members", namespace: namespace, role: BoundRoles.tenantEdit,
                       subjects: groups.map { Self.subject("Group", $0) } + users.map { Self.subject("User", $0) })
    }

    private func networkPolicies(_ namespace: String) -> [Manifest] {
        let deny: Manifest = .rendered([
            "apiVersion": "networking.k8s.io/v1",
            "kind": "NetworkPolicy",
            "metadata": meta.metadata(name: "default-deny-ingress", namespace: namespace, labels: [tenantLabel]),
            "spec": ["podSelector": [:], "policyTypes": ["Ingress"]],
        ])
        let sameTenant: Manifest = .rendered([
            "apiVersion": "networking.k8s.io/v1",
            "kind": "NetworkPolicy",
            "metadata": meta.metadata(name: "allow-same-tenant", namespace: namespace, labels: [tenantLabel]),
            "spec": [
                "podSelector": [:],
                "policyTypes": ["Ingress"],
                "ingress": [["from": [["namespaceSelector": ["matchLabels": [Ownership.tenantLabel: .string(tenant.name)]]]]]],
            ],
        ])
        // KubeRay's operator submits jobs and Serve configs through the head's dashboard port.
        let operatorToHeads: Manifest = .rendered([
            "apiVersion": "networking.k8s.io/v1",
            "kind": "NetworkPolicy",
            "metadata": meta.metadata(name: "allow-kuberay-operator", namespace: namespace, labels: [tenantLabel]),
            "spec": [
                "podSelector": ["matchLabels": ["ray.io/node-type": "head"]],
                "policyTypes": ["Ingress"],
                "ingress": [[
                    "from": [["namespaceSelector": ["matchLabels": [
                        "kubernetes.io/metadata.name": .string(HelmRenderer.kubeRayNamespace)]]]],
                    "ports": [["protocol": "TCP", "port": 8265]],
                ]],
            ],
        ])
        return [deny, sameTenant, operatorToHeads]
    }

    private func serviceAccount(_ namespace: String) -> Manifest? {
        guard let account = spec.serviceAccount else { return nil }
        var annotations: [(String, JSONValue)] = []
        if let arn = account.iamRoleArn { annotations.append(("eks.amazonaws.com/role-arn", .string(arn))) }
        return .rendered([
            "apiVersion": "v1",
            "kind": "ServiceAccount",
            "metadata": meta.metadata(name: account.name, namespace: namespace, labels: [tenantLabel],
                                      annotations: annotations),
        ])
    }
}
