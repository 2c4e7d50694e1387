import FairwayCore
import FairwayFairness
import FairwayModel

/// Renders Kueue's view of the GPU fairness policy: one Cohort per GPU class (Kueue sums lendable
/// quota over the flavors of a resource, so classes must not share a cohort), a ResourceFlavor per
/// GPU pool with its node labels, taints and tolerations, and a ClusterQueue per tenant and class
/// whose nominal quota is the guarantee, with the borrowing and lending limits and fair-sharing
/// weight of the policy, and CPU and memory quota in proportion to the pool's node shape.
struct KueueRenderer {
    let platform: Platform
    /// ClusterQueues reused while the policy, the class's pools and the queue's identity are unchanged.
    var cache: RenderCache?

    /// The Kubernetes resource one unit of a class is requested as.
    static func resourceName(unit: String) -> String {
        unit.hasPrefix("mig:") ? "nvidia.com/mig-\(unit.dropFirst(4))" : "nvidia.com/gpu"
    }

    /// A GPU pool with what a flavor of it offers per GPU unit.
    struct Flavor {
        let pool: Document<NodePoolSpec>
        let capacity: Int
        let milliCPUPerUnit: Int
        let memoryMiBPerUnit: Int
    }

    func flavors(of gpuClass: String) -> [Flavor] {
        platform.nodePools.filter { $0.spec.gpu?.class == gpuClass }.map { pool in
            let capacity = GPUCapacity.of(pool.spec)
            let perNodeUnits = max(1, GPUCapacity.of(withMaxNodes: 1, pool.spec))
            let node = GPUCapacity.instanceTypes(of: pool.spec).filter { $0.gpuCount > 0 }.min { $0.gpuCount < $1.gpuCount }
            return Flavor(pool: pool, capacity: capacity,
                          milliCPUPerUnit: (node?.vcpu ?? 0) * 1000 / perNodeUnits,
                          memoryMiBPerUnit: (node?.memoryMiB ?? 0) / perNodeUnits)
        }
    }

    /// The objects, and the tenant of each by position.
    func render() -> (manifests: [Manifest], tenants: [String?]) {
        guard let policy = platform.fairnessPolicy else { return ([], []) }
        var out: [Manifest] = []
        var tenants: [String?] = []
        let units = GPUCapacity.unitsByClass(platform)
        for pool in platform.nodePools where pool.spec.gpu != nil {
            out.append(resourceFlavor(pool))
            tenants.append(nil)
        }
        let classes = Set((policy.spec.classes ?? [:]).keys).union(platform.gpuClasses).sorted()
        for gpuClass in classes {
            let classFlavors = flavors(of: gpuClass)
            guard !classFlavors.isEmpty else { continue }
            out.append(cohort(gpuClass, policy: policy))
            tenants.append(nil)
            let resource = Self.resourceName(unit: units[gpuClass] ?? "gpu")
            let inputs = Self.cacheKey(policy: policy, gpuClass: gpuClass, resource: resource, flavors: classFlavors)
            for tenant in platform.tenants where (tenant.spec.gpuClasses ?? []).contains(gpuClass) {
                let key = inputs.map { RenderCache.Key.clusterQueue(inputs: $0, tenant: tenant.name) }
                let render = {
                    [clusterQueue(tenant: tenant.name, gpuClass: gpuClass, resource: resource, flavors: classFlavors, policy: policy)]
                }
                let queue = (cache?.manifests(for: key, render: render) ?? render())[0]
                tenants.append(tenant.name)
                out.append(queue)
            }
        }
        return (out, tenants)
    }

    /// What every ClusterQueue of a class is rendered from besides its tenant's name: the policy and
    /// the class's pools (by Git blob id), and the GPU resource. Nil when some input has no blob id.
    private static func cacheKey(policy: Document<GpuFairnessPolicySpec>, gpuClass: String, resource: String,
                                 flavors: [Flavor]) -> String? {
        guard let policyBlob = policy.blobID else { return nil }
        var key = "kueue:\(policy.path):\(policyBlob):\(gpuClass):\(resource)"
        for flavor in flavors {
            guard let blob = flavor.pool.blobID else { return nil }
            key += ":\(flavor.pool.path)@\(blob)"
        }
        return key
    }

    private func cohort(_ gpuClass: String, policy: Document<GpuFairnessPolicySpec>) -> Manifest {
        .rendered([
            "apiVersion": "kueue.x-k8s.io/v1beta2", "kind": "Cohort",
            "metadata": MetadataBuilder(sourcePath: policy.path).metadata(name: gpuClass, labels: [(Ownership.gpuClassLabel, .string(gpuClass))]),
            "spec": [:],
        ])
    }

    /// Node labels that select exactly the pool's nodes.
    static func nodeLabels(_ pool: Document<NodePoolSpec>) -> JSONValue {
        pool.spec.provisioner == .karpenter
            ? ["karpenter.sh/nodepool": .string(pool.name)] : ["eks.amazonaws.com/nodegroup": .string(pool.name)]
    }

    /// A node taint as rendered.
    struct Taint: Hashable {
        let key: String
        let value: String?
        let effect: String

        /// The taint as a node (or NodePool) lists it.
        var object: JSONValue {
            var o: JSONObject = [("key", .string(key)), ("effect", .string(effect))]
            if let value { o["value"] = .string(value) }
            return .object(o)
        }

        /// The toleration a pod needs to run on nodes with this taint.
        var toleration: JSONValue {
            var o: JSONObject = [("key", .string(key))]
            if let value {
                o["operator"] = "Equal"
                o["value"] = .string(value)
            } else {
                o["operator"] = "Exists"
            }
            o["effect"] = .string(effect)
            return .object(o)
        }
    }

    /// The pool's taints, with the default `nvidia.com/gpu:NoSchedule` for GPU pools.
    static func taints(_ pool: Document<NodePoolSpec>) -> [Taint] {
        var taints = (pool.spec.taints ?? []).map { Taint(key: $0.key, value: $0.value, effect: $0.effect) }
        if pool.spec.gpu != nil, !taints.contains(where: { $0.key == "nvidia.com/gpu" }) {
            taints.append(Taint(key: "nvidia.com/gpu", value: nil, effect: "NoSchedule"))
        }
        return taints
    }

    private func resourceFlavor(_ pool: Document<NodePoolSpec>) -> Manifest {
        let taints = Self.taints(pool)
        let nodeTaints = taints.map(\.object)
        let tolerations = taints.map(\.toleration)
        return .rendered([
            "apiVersion": "kueue.x-k8s.io/v1beta2", "kind": "ResourceFlavor",
            "metadata": MetadataBuilder(sourcePath: pool.path).metadata(
                name: pool.name, labels: [(Ownership.gpuClassLabel, .string(pool.spec.gpu?.class ?? ""))]),
            "spec": ["nodeLabels": Self.nodeLabels(pool), "nodeTaints": .array(nodeTaints), "tolerations": .array(tolerations)],
        ])
    }

    private func clusterQueue(tenant: String, gpuClass: String, resource: String, flavors: [Flavor],
                              policy: Document<GpuFairnessPolicySpec>) -> Manifest {
        let share = policy.spec.classes?[gpuClass]?.tenants?[tenant]
        let guaranteed = share?.guaranteed ?? 0
        // A tenant with no entry has no share: nothing nominal, nothing to borrow.
        // Any limit past 2^31-1 units is no limit in practice; clamped so the scaled quantities cannot overflow.
        let borrowing = share == nil ? 0 : share?.borrowingLimit.map { min($0, Int(Int32.max)) }
        let lending = share?.lendingLimit.map { min($0, guaranteed) }
        let split = Self.split(guaranteed, over: flavors.map(\.capacity))
        let flavorEntries: [JSONValue] = zip(flavors, split).map { flavor, nominal in
            let share = Double(nominal) / Double(max(guaranteed, 1))
            func limits(_ perUnit: Int, format: (Int) -> String) -> [(String, JSONValue)] {
                var entries: [(String, JSONValue)] = [("nominalQuota", .string(format(nominal * perUnit)))]
                if let borrowing {
                    entries.append(("borrowingLimit", .string(format(Int((Double(borrowing) * share).rounded(.up)) * perUnit))))
                }
                if let lending { entries.append(("lendingLimit", .string(format(Int((Double(lending) * share).rounded(.down)) * perUnit)))) }
                return entries
            }
            var gpu: JSONObject = [("name", .string(resource)), ("nominalQuota", .int(Int64(nominal)))]
            if let borrowing { gpu["borrowingLimit"] = .int(Int64((Double(borrowing) * share).rounded(.up))) }
            if let lending { gpu["lendingLimit"] = .int(Int64((Double(lending) * share).rounded(.down))) }
            return [
                "name": .string(flavor.pool.name),
                "resources": [
                    .object(JSONObject([("name", "cpu")] + limits(flavor.milliCPUPerUnit, format: Self.milliCPU))),
                    .object(JSONObject([("name", "memory")] + limits(flavor.memoryMiBPerUnit, format: { "\($0)Mi" }))),
                    .object(gpu),
                ],
            ]
        }
        return .rendered([
            "apiVersion": "kueue.x-k8s.io/v1beta2", "kind": "ClusterQueue",
            "metadata": MetadataBuilder(sourcePath: policy.path).metadata(
                name: "\(tenant)-\(gpuClass)",
                labels: [(Ownership.tenantLabel, .string(tenant)), (Ownership.gpuClassLabel, .string(gpuClass))]),
            "spec": [
                "cohortName": .string(gpuClass),
                "namespaceSelector": ["matchLabels": [Ownership.tenantLabel: .string(tenant)]],
                "queueingStrategy": "BestEffortFIFO",
                "fairSharing": ["weight": .int(Int64(share?.weight ?? policy.spec.defaultWeight))],
                "preemption": [
                    "reclaimWithinCohort": "Any",
                    "borrowWithinCohort": ["policy": "LowerPriority"],
                    "withinClusterQueue": "LowerPriority",
                ],
                "resourceGroups": [["coveredResources": ["cpu", "memory", .string(resource)], "flavors": .array(flavorEntries)]],
            ],
        ])
    }

    static func milliCPU(_ milli: Int) -> String { milli % 1000 == 0 ? "\(milli / 1000)" : "\(milli)m" }

    /// Splits `total` over flavors in proportion to their capacity, in whole units by largest remainder.
    static func split(_ total: Int, over capacities: [Int]) -> [Int] {
        let sum = capacities.reduce(0, +)
        guard sum > 0 else { return capacities.map { _ in 0 } }
        var parts = capacities.map { total * $0 / sum }
        let remainders = capacities.enumerated().map { (index: $0.offset, remainder: total * $0.element % sum) }
            .sorted { ($0.remainder, -$0.index) > ($1.remainder, -$1.index) }
        for entry in remainders.prefix(total - parts.reduce(0, +)) { parts[entry.index] += 1 }
        return parts
    }
}
