import FairwayCore
import FairwayModel

/// The JupyterHub chart's values from the notebook catalogue, the tenants and cluster.yaml:
///
/// - `singleuser.profileList`: one entry per catalogue profile, `kubespawner_override` with CPU and
///   memory, GPU or MIG limits, the node selector and tolerations of its node pool, the home volume's
///   size and class, and for GPU profiles the Kueue queue (`kueue.x-k8s.io/queue-name`: the tenant's
///   LocalQueue named after the class), so a GPU notebook is a Kueue workload like any Ray job;
/// - hub configuration (`NotebookTenancyConfig`) that turns those into each user's profiles of their
///   tenants: server in the tenant's namespace, as its workload ServiceAccount (IRSA), under its
///   quota, with its priority, team volume and Ray addresses, and the per-tenant server limits;
/// - the hub's NetworkPolicy accepting servers from other namespaces (they carry the chart's
///   `hub.jupyter.org/network-access-hub` label); the metadata-server block is a NetworkPolicy in
///   each tenant namespace instead of the chart's privileged iptables init container, which the
///   tenants' pod security would refuse;
/// - the pinned images pre-pulled on every node, start timeout and culling from the catalogue;
/// - sign-in (`HubAuthValues`) and the optional Ingress.
struct JupyterHubValues {
    let platform: Platform
    let hub: ClusterSpec.JupyterHub

    static let queueLabel = "kueue.x-k8s.io/queue-name"

    var values: JSONValue {
        var values = JSONObject()
        var singleuser = JSONObject()
        var hubValues = JSONObject()
        if let catalog = platform.notebookCatalog?.spec {
            singleuser["profileList"] = .array(catalog.profiles.map { profile($0, images: catalog.images) })
            var storage = JSONObject()
            if let size = catalog.defaults?.storage { storage["capacity"] = .string(size.description) }
            if let storageClass = catalog.defaults?.storageClass { storage["dynamic"] = ["storageClass": .string(storageClass)] }
            if !storage.isEmpty { singleuser["storage"] = .object(storage) }
            if let timeout = catalog.defaults?.startTimeout { singleuser["startTimeout"] = .int(Int64(timeout.seconds)) }
            if let cull = catalog.defaults?.cull {
                var culling: JSONObject = [("enabled", .bool(cull.enabled))]
                if let timeout = cull.timeout { culling["timeout"] = .int(Int64(timeout.seconds)) }
                values["cull"] = .object(culling)
            }
            let pulled = catalog.images.compactMap(Self.prePulled)
            if !pulled.isEmpty { values["prePuller"] = ["extraImages": .object(JSONObject(pulled))] }
            hubValues["extraConfig"] = ["fairway-tenant-notebooks": .string(NotebookTenancyConfig(platform: platform).python)]
        }
        // Servers run in tenant namespaces: the hub accepts them, and each tenant namespace blocks
        // the cloud metadata server with a NetworkPolicy (TenantRenderer) instead of iptables.
        singleuser["cloudMetadata"] = ["blockWithIptables": false]
        // Servers meet the `restricted` Pod Security Standard a tenant may enforce (the chart already
        // runs them as uid 1000, fsGroup 100, without privilege escalation).
        var kubeSpawner = JSONObject()
        kubeSpawner["container_security_context"] = [
            "allowPrivilegeEscalation": false, "capabilities": ["drop": ["ALL"]], "runAsNonRoot": true,
        ]
        kubeSpawner["pod_security_context"] = ["seccompProfile": ["type": "RuntimeDefault"]]
        hubValues["networkPolicy"] = ["interNamespaceAccessLabels": "accept"]
        if let auth = hub.auth {
            HubAuthValues(platform: platform, auth: auth, ingress: hub.ingress).apply(to: &hubValues)
        }
        var config = hubValues["config"]?.objectValue ?? JSONObject()
        config["KubeSpawner"] = .object(kubeSpawner)
        hubValues["config"] = .object(config)
        if let ingress = hub.ingress { values["ingress"] = Self.ingress(ingress) }
        if !hubValues.isEmpty { values["hub"] = .object(hubValues) }
        if !singleuser.isEmpty { values["singleuser"] = .object(singleuser) }
        return .object(values)
    }

    static func ingress(_ ingress: ClusterSpec.JupyterHub.Ingress) -> JSONValue {
        var out: JSONObject = [("enabled", true), ("hosts", [.string(ingress.host)])]
        if let className = ingress.className { out["ingressClassName"] = .string(className) }
        if let secret = ingress.tlsSecretName {
            out["tls"] = [["hosts": [.string(ingress.host)], "secretName": .string(secret)]]
        }
        return .object(out)
    }

    /// `kubespawner_override` for one catalogue profile.
    private func profile(_ profile: NotebookCatalogSpec.Profile, images: [NotebookCatalogSpec.Image]) -> JSONValue {
        var entry: JSONObject = [
            ("display_name", .string(profile.displayName ?? profile.name)),
            ("slug", .string(profile.name)),
        ]
        if profile.default == true { entry["default"] = true }
        var override = JSONObject()
        if let cpu = profile.resources?.cpu {
            if let guarantee = cpu.guarantee { override["cpu_guarantee"] = .double(Self.cores(guarantee)) }
            if let limit = cpu.limit { override["cpu_limit"] = .double(Self.cores(limit)) }
        }
        if let memory = profile.resources?.memory {
            if let guarantee = memory.guarantee { override["mem_guarantee"] = .int(Int64(guarantee.wholeUnits)) }
            if let limit = memory.limit { override["mem_limit"] = .int(Int64(limit.wholeUnits)) }
        }
        if let gpu = profile.gpu, let resource = profile.gpuResource {
            override["extra_resource_limits"] = .object(JSONObject([(resource, .string(String(gpu.count ?? 1)))]))
            override["extra_labels"] = [Ownership.gpuClassLabel: .string(gpu.class), Self.queueLabel: .string(gpu.class)]
        }
        if let size = profile.storage?.size { override["storage_capacity"] = .string(size.description) }
        if let storageClass = profile.storage?.storageClass { override["storage_class"] = .string(storageClass) }
        if let poolName = profile.nodepool, let pool = platform.nodePools.first(where: { $0.name == poolName }) {
            override["node_selector"] = KueueRenderer.nodeLabels(pool)
            let tolerations = KueueRenderer.taints(pool).map(\.toleration)
            if !tolerations.isEmpty { override["tolerations"] = .array(tolerations) }
        }
        let refs = (profile.images ?? []).compactMap { name in images.first { $0.name == name } }
        if refs.count == 1 {
            override["image"] = .string(refs[0].ref)
        } else if refs.count > 1 {
            let choices = JSONObject(refs.enumerated().map { index, image in
                var choice: JSONObject = [("display_name", .string(image.name)),
                                          ("kubespawner_override", ["image": .string(image.ref)])]
                if index == 0 { choice["default"] = true }
                return (image.name, JSONValue.object(choice))
            })
            entry["profile_options"] = ["image": ["display_name": "Image", "choices": .object(choices)]]
        }
        entry["kubespawner_override"] = .object(override)
        return .object(entry)
    }

    /// `name:tag` split for the pre-puller; digest references are left to the first spawn, since
    /// the chart's pre-puller only takes tags.
    static func prePulled(_ image: NotebookCatalogSpec.Image) -> (String, JSONValue)? {
        guard !image.ref.contains("@"), let colon = image.ref.lastIndex(of: ":"),
              !image.ref[colon...].contains("/") else { return nil }
        return (image.name, ["name": .string(String(image.ref[..<colon])),
                             "tag": .string(String(image.ref[image.ref.index(after: colon)...]))])
    }

    static func cores(_ quantity: Quantity) -> Double { Double(quantity.milliValue) / 1000 }
}
