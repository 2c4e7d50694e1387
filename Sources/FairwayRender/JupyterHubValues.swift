import FairwayCore
import FairwayModel

/// The JupyterHub chart's values from the notebook catalogue and the tenants:
/// `singleuser.profileList` (one profile per catalogue profile, `kubespawner_override` with CPU and
/// memory, GPU or MIG limits, and the node selector and tolerations of its node pool), the pinned
/// images pre-pulled on every node, storage, start timeout and culling from the catalogue defaults,
/// the authenticator from cluster.yaml (client credentials read from the named Secret, never
/// written here), and hub configuration that shows each user only the profiles their tenant lists.
struct JupyterHubValues {
    let platform: Platform
    let hub: ClusterSpec.JupyterHub

    var values: JSONValue {
        var values = JSONObject()
        var singleuser = JSONObject()
        var hubValues = JSONObject()
        if let catalog = platform.notebookCatalog?.spec {
            singleuser["profileList"] = .array(catalog.profiles.map { profile($0, images: catalog.images) })
            if let storage = catalog.defaults?.storage { singleuser["storage"] = ["capacity": .string(storage.description)] }
            if let timeout = catalog.defaults?.startTimeout { singleuser["startTimeout"] = .int(Int64(timeout.seconds)) }
            if let cull = catalog.defaults?.cull {
                var culling: JSONObject = [("enabled", .bool(cull.enabled))]
                if let timeout = cull.timeout { culling["timeout"] = .int(Int64(timeout.seconds)) }
                values["cull"] = .object(culling)
            }
            let pulled = catalog.images.compactMap(Self.prePulled)
            if !pulled.isEmpty { values["prePuller"] = ["extraImages": .object(JSONObject(pulled))] }
            hubValues["extraConfig"] = ["fairway-tenant-profiles": .string(TenantProfilesConfig(platform: platform).python)]
        }
        if let auth = hub.auth { authenticate(auth, into: &hubValues) }
        if !hubValues.isEmpty { values["hub"] = .object(hubValues) }
        if !singleuser.isEmpty { values["singleuser"] = .object(singleuser) }
        return .object(values)
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
        if let gpu = profile.gpu {
            let resource = gpu.mig.map { "nvidia.com/mig-\($0)" } ?? "nvidia.com/gpu"
            override["extra_resource_limits"] = .object(JSONObject([(resource, .string(String(gpu.count ?? 1)))]))
            override["extra_labels"] = [Ownership.gpuClassLabel: .string(gpu.class)]
        }
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

    /// The authenticator class and its settings; client credentials come from the Secret in
    /// `auth.secretRef` as environment variables OAuthenticator reads.
    private func authenticate(_ auth: ClusterSpec.JupyterHub.Auth, into hub: inout JSONObject) {
        var config = JSONObject()
        switch auth.type {
        case "dummy":
            config["JupyterHub"] = ["authenticator_class": "dummy"]
        case "github":
            config["JupyterHub"] = ["authenticator_class": "github"]
            config["GitHubOAuthenticator"] = authenticatorSettings(auth, groupsKey: nil)
        default:
            config["JupyterHub"] = ["authenticator_class": "generic-oauth"]
            config["GenericOAuthenticator"] = authenticatorSettings(
                auth, groupsKey: auth.type == "cognito" ? "oauth_user.cognito:groups" : "oauth_user.groups")
        }
        hub["config"] = .object(config)
        if let secret = auth.secretRef?.name {
            func fromSecret(_ key: String) -> JSONValue { ["valueFrom": ["secretKeyRef": ["name": .string(secret), "key": .string(key)]]] }
            hub["extraEnv"] = ["OAUTH_CLIENT_ID": fromSecret("client_id"), "OAUTH_CLIENT_SECRET": fromSecret("client_secret")]
        }
    }

    private func authenticatorSettings(_ auth: ClusterSpec.JupyterHub.Auth, groupsKey: String?) -> JSONValue {
        var settings = JSONObject()
        if let groupsKey {
            settings["manage_groups"] = true
            settings["auth_state_groups_key"] = .string(groupsKey)
        }
        if let admins = auth.adminGroups, !admins.isEmpty { settings["admin_groups"] = .array(admins.map(JSONValue.string)) }
        // Only tenant members (and admins) may log in; what each may start is decided per tenant.
        let groups = Set(platform.tenants.flatMap(\.spec.notebookGroups)).union(auth.adminGroups ?? [])
        let users = Set(platform.tenants.flatMap(\.spec.notebookUsers))
        if groupsKey != nil, !groups.isEmpty { settings["allowed_groups"] = .array(groups.sorted().map(JSONValue.string)) }
        if !users.isEmpty { settings["allowed_users"] = .array(users.sorted().map(JSONValue.string)) }
        return .object(settings)
    }
}
