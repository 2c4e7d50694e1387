import FairwayCore

extension PlatformValidator {
    static let maxWorkerGroups = 17

    mutating func checkRayWorkloads() {
        for workload in platform.rayWorkloads {
            let doc = workload.document
            let spec = workload.spec
            guard platform.declares(.tenant, named: workload.tenant) else {
                error("unknown-tenant", "ray/\(workload.tenant)/ does not name a tenant", doc.location("metadata", "name"),
                      hint: Self.didYouMean(workload.tenant, platform.tenants.map(\.name))
                          .map { "\($0) (the folder under ray/ is the tenant)" })
                continue
            }
            let tenant = platform.tenant(named: workload.tenant)
            if let namespace = spec.namespace, let tenant, !tenant.spec.namespaces.contains(where: { $0.name == namespace }) {
                error("unknown-namespace", "namespace '\(namespace)' is not one of tenant \(workload.tenant)'s",
                      doc.location("spec", "namespace"),
                      hint: Self.didYouMean(namespace, tenant.spec.namespaces.map(\.name)))
            }
            checkGPUClass(workload, tenant: tenant)
            if let pc = spec.priorityClass {
                let at = { doc.location("spec", "priorityClass") }
                checkPriorityClass(pc, at: at())
                if let allowed = tenant?.spec.allowedPriorityClasses, !allowed.contains(pc) {
                    error("priority-class-not-allowed", "tenant \(workload.tenant) may not use priority class '\(pc)'", at(),
                          hint: "allowed: \(allowed.joined(separator: ", "))")
                }
            }
            checkWorkerGroups(workload, tenant: tenant)
        }
    }

    private mutating func checkGPUClass(_ workload: RayWorkload, tenant: Document<TenantSpec>?) {
        let doc = workload.document
        let usesAccelerators = workload.spec.groups.contains { $0.resources.acceleratorsPerWorker > 0 }
        guard let gpuClass = workload.spec.gpuClass else {
            if usesAccelerators {
                error("missing-field", "workers request GPUs but `spec.gpuClass` is not set", doc.location("spec"),
                      hint: tenant?.spec.gpuClasses.flatMap { $0.isEmpty ? nil : "the tenant may use: \($0.joined(separator: ", "))" })
            }
            return
        }
        let at = { doc.location("spec", "gpuClass") }
        if platform.fairnessPolicy != nil, !knownGPUClasses.contains(gpuClass) {
            error("unknown-gpu-class", "GPU class '\(gpuClass)' is not in the fairness policy or any node pool", at(),
                  hint: Self.didYouMean(gpuClass, knownGPUClasses))
        } else if let tenant, !(tenant.spec.gpuClasses ?? []).contains(gpuClass) {
            error("gpu-class-not-allowed", "tenant \(workload.tenant) does not list GPU class '\(gpuClass)'", at(),
                  hint: "add it to spec.gpuClasses in \(tenant.path)"
                      + ((tenant.spec.gpuClasses ?? []).isEmpty ? "" : ", or use one of: \((tenant.spec.gpuClasses ?? []).joined(separator: ", "))"))
        }
    }

    private mutating func checkWorkerGroups(_ workload: RayWorkload, tenant: Document<TenantSpec>?) {
        let doc = workload.document
        let groups = workload.spec.groups
        if groups.count > Self.maxWorkerGroups {
            error("too-many-worker-groups", "\(groups.count) worker groups; Kueue admits at most \(Self.maxWorkerGroups)",
                  doc.location("spec", "workerGroups", .index(Self.maxWorkerGroups)))
        }
        var names: Set<String> = []
        var totalMax = 0
        for (index, group) in groups.enumerated() {
            if !names.insert(group.name).inserted {
                error("duplicate-name", "worker group '\(group.name)' is declared twice",
                      doc.location("spec", "workerGroups", .index(index), "name"))
            }
            if group.effectiveMin > group.replicas {
                error("replicas-out-of-range", "minReplicas (\(group.effectiveMin)) is above replicas (\(group.replicas))",
                      doc.location("spec", "workerGroups", .index(index), "minReplicas"),
                      hint: "minReplicas <= replicas <= maxReplicas")
            } else if group.replicas > group.effectiveMax {
                error("replicas-out-of-range", "replicas (\(group.replicas)) is above maxReplicas (\(group.effectiveMax))",
                      doc.location("spec", "workerGroups", .index(index), group.maxReplicas == nil ? "replicas" : "maxReplicas"),
                      hint: "minReplicas <= replicas <= maxReplicas")
            }
            totalMax = totalMax.saturatingAdding(group.effectiveMax)
        }
        if let limit = tenant?.spec.ray?.maxWorkerReplicas, totalMax > limit {
            error("worker-limit-exceeded",
                  "worker groups reach \(totalMax) replicas; tenant \(workload.tenant) allows \(limit) per workload",
                  doc.keyLocation("spec", "workerGroups"), hint: "lower maxReplicas or raise spec.ray.maxWorkerReplicas of the tenant")
        }
    }

    mutating func checkPolicies() {
        for header in platform.headers where header.kind == .gpuFairnessPolicy && header.name != "default" {
            error("invalid-value", "the GPU fairness policy must be named 'default', not '\(header.name)'",
                  SourceLocation(path: header.path, line: 1, column: 1),
                  hint: "a repository has one GpuFairnessPolicy, in one file or in parts; name it (and each part) 'default'")
        }
        guard let policy = platform.fairnessPolicy else { return }
        diagnostics += policy.conflicts
        for (className, classPolicy) in (policy.spec.classes ?? [:]).sorted(by: { $0.key < $1.key }) {
            if !platform.gpuClasses.contains(className) {
                warning("class-without-pools", "GPU class '\(className)' has no node pool, so no capacity",
                        policy.keyLocation("spec", "classes", .key(className)))
            }
            for (tenantName, share) in (classPolicy.tenants ?? [:]) {
                if let lending = share.lendingLimit, lending > share.guaranteed {
                    error("invalid-range",
                          "\(tenantName) may lend \(lending) of '\(className)' but is guaranteed only \(share.guaranteed)",
                          policy.location("spec", "classes", .key(className), "tenants", .key(tenantName), "lendingLimit"),
                          hint: "a tenant can lend at most its guarantee (Kueue requires lendingLimit <= nominalQuota)")
                }
            }
            for tenantName in (classPolicy.tenants ?? [:]).keys.sorted() {
                // Locations are looked up only for problems: a lookup scans the mapping.
                let at = { policy.keyLocation("spec", "classes", .key(className), "tenants", .key(tenantName)) }
                guard platform.declares(.tenant, named: tenantName) else {
                    error("unknown-tenant", "tenant '\(tenantName)' does not exist", at(),
                          hint: Self.didYouMean(tenantName, platform.tenants.map(\.name)))
                    continue
                }
                if let tenant = platform.tenant(named: tenantName), !(tenant.spec.gpuClasses ?? []).contains(className) {
                    warning("class-not-listed", "tenant '\(tenantName)' has a share of '\(className)' but does not list it in gpuClasses",
                            at())
                }
            }
        }
    }
}
