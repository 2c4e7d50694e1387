import FairwayCore
import FairwayFairness
import FairwayModel

/// Renders Kueue's view of the GPU fairness policy from `KueueQuotas` (FairwayFairness computes
/// the quota tree; the admission prediction reads the same specs): a ResourceFlavor per GPU class
/// and the `fairway-cpu` flavor, a Cohort per class (Kueue sums lendable quota over the flavors of
/// a resource, so classes must not share a cohort), and a ClusterQueue per tenant and class.
struct KueueRenderer {
    let platform: Platform
    /// ClusterQueues reused while the policy, the class's pools and the queue's identity are unchanged.
    var cache: RenderCache?

    /// The Kubernetes resource one unit of a class is requested as.
    static func resourceName(unit: String) -> String { KueueQuotas.resourceName(unit: unit) }

    /// The objects, and the tenant of each by position.
    func render() -> (manifests: [Manifest], tenants: [String?]) {
        guard let policy = platform.fairnessPolicy else { return ([], []) }
        let quotas = KueueQuotas.build(platform)
        var out: [Manifest] = []
        var tenants: [String?] = []
        if !quotas.classes.isEmpty {
            out.append(object("ResourceFlavor", KueueQuotas.cpuFlavor, source: policy.path, spec: KueueQuotas.cpuFlavorSpec))
            tenants.append(nil)
        }
        for queues in quotas.classes {
            let source = platform.nodePools.first { $0.spec.gpu?.class == queues.gpuClass }?.path ?? policy.path
            out.append(object("ResourceFlavor", queues.gpuClass, source: source, spec: queues.flavorSpec,
                              labels: [(Ownership.gpuClassLabel, .string(queues.gpuClass))]))
            out.append(object("Cohort", queues.gpuClass, source: policy.path(ofClass: queues.gpuClass), spec: queues.cohortSpec,
                              labels: [(Ownership.gpuClassLabel, .string(queues.gpuClass))]))
            tenants += [nil, nil]
            let inputs = Self.cacheKey(policy: policy, queues: queues, platform: platform)
            for queue in queues.queues {
                let key = inputs.map { RenderCache.Key.clusterQueue(inputs: $0, tenant: queue.tenant) }
                // The part of the policy that holds the tenant's share (the class's, for a tenant without one).
                let shareSource = policy.path(ofShare: queue.tenant, inClass: queues.gpuClass)
                let render = {
                    [object("ClusterQueue", queue.name, source: shareSource, spec: queues.clusterQueueSpec(queue),
                            labels: [(Ownership.tenantLabel, .string(queue.tenant)), (Ownership.gpuClassLabel, .string(queues.gpuClass))])]
                }
                out.append((cache?.manifests(for: key, render: render) ?? render())[0])
                tenants.append(queue.tenant)
            }
        }
        return (out, tenants)
    }

    private func object(_ kind: String, _ name: String, source: String, spec: JSONValue,
                        labels: [(String, JSONValue)] = []) -> Manifest {
        .rendered([
            "apiVersion": "kueue.x-k8s.io/v1beta2", "kind": .string(kind),
            "metadata": MetadataBuilder(sourcePath: source).metadata(name: name, labels: labels),
            "spec": spec,
        ])
    }

    /// What every ClusterQueue of a class is rendered from besides its tenant's name: the policy (every part),
    /// the class's pools and every Ray workload of the class (their heads size the CPU flavor), by
    /// Git blob id, and the tenants' documents. Nil when some input has no blob id.
    private static func cacheKey(policy: FairnessPolicy, queues: KueueQuotas.ClassQueues,
                                 platform: Platform) -> String? {
        guard let policyBlob = policy.blobID, let cluster = platform.cluster, let clusterBlob = cluster.blobID else { return nil }
        var key = "kueue:\(policy.path):\(policyBlob):\(clusterBlob):\(queues.gpuClass):\(queues.resource):\(queues.reclaimWithinCohort)"
        for pool in platform.nodePools where pool.spec.gpu?.class == queues.gpuClass {
            guard let blob = pool.blobID else { return nil }
            key += ":\(pool.path)@\(blob)"
        }
        for workload in platform.rayWorkloads where workload.spec.gpuClass == queues.gpuClass {
            guard let blob = workload.document.blobID else { return nil }
            key += ":\(workload.document.path)@\(blob)"
        }
        return key
    }

    /// Node labels that select exactly the pool's nodes: the label Fairway puts on every node of
    /// the pool, whatever the provisioner and whatever a replaced node group is called.
    static func nodeLabels(_ pool: Document<NodePoolSpec>) -> JSONValue {
        [GPUNodeLabels.nodePoolLabel: .string(pool.name)]
    }

    typealias Taint = NodeTaint

    /// The pool's taints, with the default `nvidia.com/gpu:NoSchedule` for GPU pools.
    static func taints(_ pool: Document<NodePoolSpec>) -> [Taint] { NodeTaint.of(pool) }
}
