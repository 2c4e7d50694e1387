import FairwayCore

extension PlatformValidator {
    /// Notebooks as tenant workloads: the namespace and priority they run at, sign-in that can
    /// work, and Ray Client versions that match the Ray clusters notebooks are offered.
    mutating func checkNotebooks() {
        for tenant in platform.tenants {
            guard let notebooks = tenant.spec.notebooks else { continue }
            if let namespace = notebooks.namespace, !tenant.spec.namespaces.contains(where: { $0.name == namespace }) {
                error("unknown-namespace", "notebook namespace '\(namespace)' is not one of tenant \(tenant.name)'s namespaces",
                      tenant.location("spec", "notebooks", "namespace"),
                      hint: Self.didYouMean(namespace, tenant.spec.namespaces.map(\.name))
                          ?? "notebooks run in a namespace of their tenant, under its quota and policies")
            }
            if let name = notebooks.priorityClass {
                let at = { tenant.location("spec", "notebooks", "priorityClass") }
                checkPriorityClass(name, at: at())
                let allowed = tenant.spec.allowedPriorityClasses ?? []
                if !allowed.isEmpty, !allowed.contains(name), priorityClassNames.contains(name) {
                    error("priority-class-not-allowed", "notebook priority class '\(name)' is not in the tenant's allowedPriorityClasses", at())
                }
            }
            checkRayClientVersions(tenant)
        }
        checkHubAuth()
    }

    /// Ray Client needs the same Ray on both ends: every image of a profile the tenant lists, when
    /// it declares its Ray, against every Ray cluster the tenant's notebooks are offered.
    private mutating func checkRayClientVersions(_ tenant: Document<TenantSpec>) {
        guard let catalog = platform.notebookCatalog else { return }
        let targets = platform.rayClientTargets(of: tenant.name)
        guard !targets.isEmpty else { return }
        for name in tenant.spec.notebooks?.profiles ?? [] {
            guard let profile = catalog.spec.profiles.first(where: { $0.name == name }) else { continue }
            for imageName in profile.images ?? [] {
                guard let index = catalog.spec.images.firstIndex(where: { $0.name == imageName }),
                      let version = catalog.spec.images[index].rayVersion else { continue }
                for target in targets where target.rayVersion != version {
                    let workload = platform.rayWorkloads(of: tenant.name).first { $0.name == target.name && $0.kind == target.kind }
                    let there = workload.map { " (\($0.document.location("spec", "rayVersion")))" } ?? ""
                    warning("ray-version-mismatch",
                            "profile '\(name)' of tenant \(tenant.name) offers image '\(imageName)' with Ray \(version), but the tenant's \(target.kind.rawValue) \(target.name) runs Ray \(target.rayVersion)\(there): Ray Client cannot connect across versions",
                            catalog.location("spec", "images", .index(index), "rayVersion"),
                            hint: "use the same rayVersion in the image and the Ray workload, or offer an image with Ray \(target.rayVersion)")
                }
            }
        }
    }

    /// Sign-in settings each authenticator needs, so that someone can sign in at all.
    private mutating func checkHubAuth() {
        guard let cluster = platform.cluster, let auth = cluster.spec.addons?.jupyterhub?.auth else { return }
        let path: [PathComponent] = ["spec", "addons", "jupyterhub", "auth"]
        func at(_ more: PathComponent...) -> SourceLocation { cluster.location(path + more) }
        let oauth = ["github", "cognito", "generic-oauth"].contains(auth.type)
        if auth.type == "cognito", auth.cognito == nil {
            error("missing-field", "auth type cognito needs `cognito.domain`: without it the sign-in URLs are empty and nobody can sign in",
                  at("type"), hint: "add auth.cognito {domain, region, userPoolId, usernameClaim, groupsClaim}")
        }
        if auth.type == "generic-oauth", auth.oauth == nil {
            error("missing-field", "auth type generic-oauth needs `oauth` {authorizeUrl, tokenUrl, userdataUrl}: nobody can sign in without them",
                  at("type"))
        }
        if oauth, auth.secretRef == nil {
            error("missing-field", "auth type \(auth.type) needs `secretRef`: the OAuth client id and secret come from that Secret",
                  at("type"), hint: "create a Secret with keys client_id and client_secret in the hub's namespace and name it here")
        }
        let settings: [(field: String, type: String, present: Bool)] = [
            ("cognito", "cognito", auth.cognito != nil), ("oauth", "generic-oauth", auth.oauth != nil),
            ("github", "github", auth.github != nil), ("native", "native", auth.native != nil),
        ]
        for (field, type, present) in settings {
            if present, auth.type != type {
                warning("unused-setting", "auth.\(field) is set but auth type is \(auth.type): it has no effect", at(.key(field)))
            }
        }
        for (field, url) in [("authorizeUrl", auth.oauth?.authorizeUrl), ("tokenUrl", auth.oauth?.tokenUrl), ("userdataUrl", auth.oauth?.userdataUrl)] {
            if let url, !url.hasPrefix("https://") {
                error("invalid-value", "auth.oauth.\(field) must be an https:// URL, not '\(url)'", at("oauth", .key(field)))
            }
        }
        if let url = auth.callbackUrl, !url.hasPrefix("https://") && !url.hasPrefix("http://") {
            error("invalid-value", "auth.callbackUrl must be an http(s) URL, not '\(url)'", at("callbackUrl"))
        }
    }
}
