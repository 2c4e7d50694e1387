import FairwayCore

/// Names that must not collide with what the cluster or Fairway already owns: namespaces a tenant
/// may not claim, and the cluster-scoped names Fairway derives from two user names (a ClusterQueue is
/// `<tenant>-<class>`, so tenant `prod` with class `inference-l4` and tenant `prod-inference` with
/// class `l4` would render one object twice).
extension PlatformValidator {
    /// Namespaces Fairway installs add-ons into, besides JupyterHub's (configurable in cluster.yaml).
    /// Kept here rather than read from the renderers, which FairwayModel does not know.
    static let addonNamespaces = ["kueue-system", "kuberay-system", "nvidia-device-plugin", "gpu-operator"]
    /// The agent's own namespace.
    static let agentNamespace = "fairway-system"

    /// Every namespace a tenant may not claim, with why.
    var reservedNamespaces: [String: String] {
        var reserved: [String: String] = ["default": "it is Kubernetes' default namespace",
                                          Self.agentNamespace: "the Fairway agent runs there"]
        for name in Self.addonNamespaces { reserved[name] = "Fairway installs an add-on there" }
        let hub = platform.cluster?.spec.addons?.jupyterhub?.namespace ?? "jupyterhub"
        reserved[hub] = "JupyterHub runs there (cluster.yaml spec.addons.jupyterhub.namespace)"
        return reserved
    }

    mutating func checkReservedNamespaces() {
        let reserved = reservedNamespaces
        for tenant in platform.tenants {
            for (index, namespace) in tenant.spec.namespaces.enumerated() {
                let why = namespace.name.hasPrefix("kube-") ? "`kube-*` namespaces belong to Kubernetes" : reserved[namespace.name]
                guard let why else { continue }
                error("reserved-namespace", "tenant \(tenant.name) may not claim namespace '\(namespace.name)': \(why)",
                      tenant.location("spec", "namespaces", .index(index), "name"),
                      hint: "give the tenant a namespace of its own, such as '\(tenant.name)'")
            }
        }
    }

    /// ClusterQueues are named `<tenant>-<class>` for every tenant that lists a class or has a share
    /// of it; two pairs that join to one name would overwrite each other.
    mutating func checkClusterQueueNames() {
        let policy = platform.fairnessPolicy
        // class -> tenant -> where the pair is written: nil for the policy, else (tenant, list index).
        // Locations are looked up only for a collision (a lookup walks the document's tree).
        var places: [String: [String: (tenant: Int, index: Int)?]] = [:]
        for (gpuClass, classPolicy) in policy?.spec.classes ?? [:] {
            for tenant in (classPolicy.tenants ?? [:]).keys { places[gpuClass, default: [:]][tenant] = .some(nil) }
        }
        for (tenantIndex, tenant) in platform.tenants.enumerated() {
            for (index, gpuClass) in (tenant.spec.gpuClasses ?? []).enumerated() where places[gpuClass]?[tenant.name] == nil {
                places[gpuClass, default: [:]][tenant.name] = .some((tenantIndex, index))
            }
        }
        func location(_ tenant: String, _ gpuClass: String) -> SourceLocation? {
            guard let place = places[gpuClass]?[tenant] else { return nil }
            if let (tenantIndex, index) = place {
                return platform.tenants[tenantIndex].location("spec", "gpuClasses", .index(index))
            }
            return policy?.keyLocation("spec", "classes", .key(gpuClass), "tenants", .key(tenant))
        }
        var first: [String: (tenant: String, gpuClass: String)] = [:]
        for gpuClass in places.keys.sorted() {
            for tenant in places[gpuClass]!.keys.sorted() {
                let name = "\(tenant)-\(gpuClass)"
                guard let other = first[name] else {
                    first[name] = (tenant, gpuClass)
                    continue
                }
                let here = location(tenant, gpuClass)
                diagnostics.append(.error(
                    "name-collision",
                    "tenant \(tenant) in class '\(gpuClass)' and tenant \(other.tenant) in class '\(other.gpuClass)' both make ClusterQueue '\(name)'",
                    at: here, hint: "rename the tenant or the GPU class so that `<tenant>-<class>` differs",
                    notes: [.init("tenant \(other.tenant) in class '\(other.gpuClass)'", at: location(other.tenant, other.gpuClass))]))
            }
        }
    }
}
