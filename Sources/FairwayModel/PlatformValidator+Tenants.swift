import FairwayCore

extension PlatformValidator {
    mutating func checkTenants() {
        // Where each namespace was first declared: (tenant, namespace) positions, located on a problem.
        var namespaceOwners: [String: (tenant: Int, index: Int)] = [:]
        func located(_ owner: (tenant: Int, index: Int)) -> SourceLocation {
            platform.tenants[owner.tenant].location("spec", "namespaces", .index(owner.index), "name")
        }
        let profiles = Set(platform.notebookCatalog?.spec.profiles.map(\.name) ?? [])
        for (tenantIndex, tenant) in platform.tenants.enumerated() {
            let spec = tenant.spec
            for (index, namespace) in spec.namespaces.enumerated() {
                if let first = namespaceOwners[namespace.name] {
                    error("duplicate-namespace", "namespace '\(namespace.name)' is already declared",
                          located((tenantIndex, index)), hint: "namespaces are unique across tenants; first declared at \(located(first))")
                } else {
                    namespaceOwners[namespace.name] = (tenantIndex, index)
                }
            }
            for key in (spec.quota ?? [:]).keys.sorted() where key.contains("nvidia.com/") {
                error("gpu-quota-forbidden", "quota may not limit '\(key)'", tenant.keyLocation("spec", "quota", .key(key)),
                      hint: "GPUs are governed by the GPU fairness policy (policies/default.yaml)")
            }
            let allowed = spec.allowedPriorityClasses ?? []
            for (index, name) in allowed.enumerated() {
                checkPriorityClass(name, at: tenant.location("spec", "allowedPriorityClasses", .index(index)))
            }
            if let name = spec.defaults?.priorityClass {
                let at = { tenant.location("spec", "defaults", "priorityClass") }
                checkPriorityClass(name, at: at())
                if !allowed.isEmpty, !allowed.contains(name), priorityClassNames.contains(name) {
                    error("priority-class-not-allowed",
                          "default priority class '\(name)' is not in the tenant's allowedPriorityClasses", at())
                }
            }
            if platform.fairnessPolicy != nil {
                for (index, name) in (spec.gpuClasses ?? []).enumerated() where !knownGPUClasses.contains(name) {
                    error("unknown-gpu-class", "GPU class '\(name)' is not in the fairness policy or any node pool",
                          tenant.location("spec", "gpuClasses", .index(index)),
                          hint: Self.didYouMean(name, knownGPUClasses))
                }
            }
            if let policy = platform.fairnessPolicy {
                for (index, name) in (spec.gpuClasses ?? []).enumerated()
                where policyClasses.contains(name) && policy.spec.classes?[name]?.tenants?[tenant.name] == nil {
                    let path = policy.path(ofClass: name)
                    error("class-without-share", "tenant \(tenant.name) lists GPU class '\(name)' but has no share of it in \(path)",
                          tenant.location("spec", "gpuClasses", .index(index)),
                          hint: "add spec.classes.\(name).tenants.\(tenant.name) to \(path), or remove the class")
                }
            }
            if platform.notebookCatalog != nil {
                for (index, name) in (spec.notebooks?.profiles ?? []).enumerated() where !profiles.contains(name) {
                    error("unknown-profile", "notebook profile '\(name)' is not in jupyterhub/images.yaml",
                          tenant.location("spec", "notebooks", "profiles", .index(index)),
                          hint: Self.didYouMean(name, profiles))
                }
                checkProfileClasses(tenant)
            } else if let listed = spec.notebooks?.profiles, !listed.isEmpty,
                      !platform.headers.contains(where: { $0.kind == .notebookCatalog }) {
                error("unknown-profile", "tenant \(tenant.name) lists notebook profiles but there is no jupyterhub/images.yaml",
                      tenant.location("spec", "notebooks", "profiles", .index(0)),
                      hint: "add jupyterhub/images.yaml with the profiles, or remove spec.notebooks.profiles")
            }
        }
    }

    /// A profile's GPU class must be one the tenant may use.
    private mutating func checkProfileClasses(_ tenant: Document<TenantSpec>) {
        guard let catalog = platform.notebookCatalog else { return }
        let allowed = Set(tenant.spec.gpuClasses ?? [])
        for (index, name) in (tenant.spec.notebooks?.profiles ?? []).enumerated() {
            guard let gpu = catalog.spec.profiles.first(where: { $0.name == name })?.gpu,
                  knownGPUClasses.contains(gpu.class), !allowed.contains(gpu.class) else { continue }
            error("gpu-class-not-allowed",
                  "notebook profile '\(name)' uses GPU class '\(gpu.class)', which tenant \(tenant.name) does not list in gpuClasses",
                  tenant.location("spec", "notebooks", "profiles", .index(index)),
                  hint: "add '\(gpu.class)' to spec.gpuClasses, or remove the profile")
        }
    }

    mutating func checkCatalog() {
        guard let catalog = platform.notebookCatalog else { return }
        let images = Set(catalog.spec.images.map(\.name))
        var names: Set<String> = []
        var defaults: [Int] = []
        for (index, profile) in catalog.spec.profiles.enumerated() {
            if !names.insert(profile.name).inserted {
                error("duplicate-name", "profile '\(profile.name)' is declared twice",
                      catalog.location("spec", "profiles", .index(index), "name"))
            }
            if profile.default == true { defaults.append(index) }
            for (n, image) in (profile.images ?? []).enumerated() where !images.contains(image) {
                error("unknown-image", "image '\(image)' is not in spec.images",
                      catalog.location("spec", "profiles", .index(index), "images", .index(n)),
                      hint: Self.didYouMean(image, images))
            }
            if let pool = profile.nodepool, !platform.declares(.nodePool, named: pool) {
                error("unknown-nodepool", "node pool '\(pool)' does not exist",
                      catalog.location("spec", "profiles", .index(index), "nodepool"),
                      hint: Self.didYouMean(pool, platform.nodePools.map(\.name)))
            }
            if let gpu = profile.gpu, !knownGPUClasses.contains(gpu.class) {
                error("unknown-gpu-class", "GPU class '\(gpu.class)' is not in the fairness policy or any node pool",
                      catalog.location("spec", "profiles", .index(index), "gpu", "class"),
                      hint: Self.didYouMean(gpu.class, knownGPUClasses))
            } else if let gpu = profile.gpu, let name = profile.nodepool, let pool = platform.nodePools.first(where: { $0.name == name }),
                      pool.spec.gpu?.class != gpu.class {
                let poolClass = pool.spec.gpu.map { "GPU class '\($0.class)'" } ?? "no GPUs"
                error("gpu-class-mismatch", "profile '\(profile.name)' asks for GPU class '\(gpu.class)' but node pool \(name) has \(poolClass)",
                      catalog.location("spec", "profiles", .index(index), "gpu", "class"),
                      hint: "set gpu.class to the pool's class, or pick a pool of class '\(gpu.class)'")
            }
        }
        if defaults.count > 1 {
            error("invalid-value", "\(defaults.count) profiles are marked default; at most one may be",
                  catalog.location("spec", "profiles", .index(defaults[1]), "default"))
        }
        var imageNames: Set<String> = []
        for (index, image) in catalog.spec.images.enumerated() where !imageNames.insert(image.name).inserted {
            error("duplicate-name", "image '\(image.name)' is declared twice",
                  catalog.location("spec", "images", .index(index), "name"))
        }
    }
}
