import FairwayCore

/// Rules of the APIs Fairway writes to that a field's type cannot say alone: names Kubernetes
/// reserves, ResourceQuota resource names, node-label domains, zones of the cluster's region, IAM
/// role ARNs, and GPUs per pod against the nodes of the class. Without them the value passes
/// `validate` and is refused later, by the API server, Karpenter or AWS, in the middle of an apply.
extension PlatformValidator {
    mutating func checkAPIRules() {
        checkPriorityClassNames()
        for tenant in platform.tenants {
            checkQuota(of: tenant)
            checkRoleARN(of: tenant)
        }
        let region = platform.cluster?.spec.aws.region
        for pool in platform.nodePools {
            checkNodeLabels(of: pool)
            if let region { checkZones(of: pool, region: region) }
            checkSubnets(of: pool)
        }
        checkSubnetMap()
        checkGPUsPerPod()
    }

    /// `ValidatePriorityClass`: names beginning `system-` are the API server's own.
    private mutating func checkPriorityClassNames() {
        guard let cluster = platform.cluster else { return }
        for (index, pc) in cluster.spec.priorityClasses.enumerated()
        where pc.name.hasPrefix(KubernetesNames.reservedPriorityClassPrefix) {
            error("reserved-name", "priority class name '\(pc.name)' begins with `system-`, which Kubernetes reserves",
                  cluster.location("spec", "scheduling", "priorityClasses", .index(index), "name"),
                  hint: "the API server refuses PriorityClasses named system-*; choose another name")
        }
    }

    /// ResourceQuota `spec.hard`: standard resource names only (`validateResourceQuotaResourceName`),
    /// and whole numbers for object counts (`ValidateResourceQuantityValue` with `IsIntegerResourceName`).
    private mutating func checkQuota(of tenant: Document<TenantSpec>) {
        for (key, value) in (tenant.spec.quota ?? [:]).sorted(by: { $0.key < $1.key }) {
            if !KubernetesNames.isQuotaResourceName(key) {
                error("unknown-resource", "quota resource '\(key)' is not one ResourceQuota knows",
                      tenant.keyLocation("spec", "quota", .key(key)),
                      hint: Suggest.nearest(to: key, in: KubernetesNames.standardQuotaResources).map { "did you mean `\($0)`?" }
                          ?? "standard names: \(KubernetesNames.standardQuotaResources.joined(separator: ", ")); or count/<resource>.<group>")
            } else if KubernetesNames.isIntegerQuotaResource(key), !value.isWhole {
                error("invalid-value", "quota '\(key)' counts objects; \(value.text) is not a whole number",
                      tenant.location("spec", "quota", .key(key)), hint: "Kubernetes requires an integer here")
            }
        }
    }

    /// IRSA's role annotation must name an IAM role (the schema checks only that it is an ARN).
    private mutating func checkRoleARN(of tenant: Document<TenantSpec>) {
        guard let arn = tenant.spec.serviceAccount?.iamRoleArn,
              FormatCheck.problem(arn, format: .arn) == nil,
              let problem = AWSIdentifiers.roleARNProblem(arn) else { return }
        error("invalid-value", "`spec.serviceAccount.iamRoleArn`: '\(arn)' \(problem)",
              tenant.location("spec", "serviceAccount", "iamRoleArn"),
              hint: "write arn:aws:iam::<12-digit account>:role/<role name>")
    }

    /// Node labels in domains the kubelet or Karpenter keep for themselves; for managed node groups,
    /// EKS's limits too (`labelKey` and `labelValue` are 1-63 characters in the EKS model,
    /// ../shared/reference/eks).
    private mutating func checkNodeLabels(of pool: Document<NodePoolSpec>) {
        let karpenter = pool.spec.provisioner == .karpenter
        for (key, value) in (pool.spec.labels ?? [:]).sorted(by: { $0.key < $1.key }) {
            if let why = KubernetesNames.restrictedNodeLabel(key, karpenter: karpenter) {
                error("restricted-label", "node label '\(key)': \(why)", pool.keyLocation("spec", "labels", .key(key)),
                      hint: "use a domain of your own, such as example.com/\(key.split(separator: "/").last ?? "")")
            } else if !karpenter, key.utf8.count > 63 {
                error("invalid-value", "node label key '\(key)' has \(key.utf8.count) characters; EKS allows 63 in all",
                      pool.keyLocation("spec", "labels", .key(key)))
            } else if !karpenter, value.isEmpty {
                error("invalid-value", "node label '\(key)' is empty; EKS managed node groups need a value",
                      pool.location("spec", "labels", .key(key)))
            }
        }
    }

    /// Availability zones must be the cluster's: Karpenter finds no subnet elsewhere, and EC2 refuses a
    /// zone of another region.
    private mutating func checkZones(of pool: Document<NodePoolSpec>, region: String) {
        for (index, zone) in (pool.spec.instances.zones ?? []).enumerated() {
            checkZone(zone, region: region, at: pool.location("spec", "instances", "zones", .index(index)))
        }
    }

    /// `zone-outside-region` at `location` unless `zone` is one of `region`'s.
    mutating func checkZone(_ zone: String, region: String, at location: SourceLocation) {
        // An invalid region is reported at `spec.aws.region`; its zones are not judged by it.
        guard AWSIdentifiers.isRegion(region), !AWSIdentifiers.zone(zone, isIn: region) else { return }
        error("zone-outside-region", "zone '\(zone)' is not in the cluster's region \(region)", location,
              hint: "zones of \(region) are named \(region)a, \(region)b, ... (cluster.yaml spec.aws.region)")
    }

    /// A worker that asks for more GPUs (or time slices) than the largest node of its class has can
    /// never be scheduled: a pod runs on one node.
    private mutating func checkGPUsPerPod() {
        var largest: [String: (units: Int, pool: String, type: String)] = [:]
        for pool in platform.nodePools {
            guard let gpu = pool.spec.gpu, gpu.sharingMode != .mig else { continue }
            let multiplier = gpu.sharingMode == .timeSlicing ? (gpu.sharing?.replicas ?? 1) : 1
            for type in GPUCatalog.instanceTypes(of: pool.spec) where type.gpuModel == gpu.model {
                let units = type.gpuCount.saturatingMultiplied(by: multiplier)
                if units > (largest[gpu.class]?.units ?? 0) { largest[gpu.class] = (units, pool.name, type.name) }
            }
        }
        for workload in platform.rayWorkloads {
            guard let gpuClass = workload.spec.gpuClass, let node = largest[gpuClass] else { continue }
            for (index, group) in workload.spec.groups.enumerated() {
                guard let gpus = group.resources.gpu, gpus > node.units else { continue }
                error("gpus-exceed-node",
                      "worker group '\(group.name)' asks for \(gpus) GPUs per worker; the largest node of class '\(gpuClass)' (\(node.type) in node pool \(node.pool)) has \(node.units)",
                      workload.document.location("spec", "workerGroups", .index(index), "resources", "gpu"),
                      hint: "a worker runs on one node: ask for at most \(node.units) per worker and add workers instead")
            }
        }
    }
}
