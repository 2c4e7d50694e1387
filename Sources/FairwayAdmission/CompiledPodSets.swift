/// A workload's pod sets digested once for flavor assignment against its ClusterQueue: the walk
/// `assignFlavors` makes over each pod set's requests (resource indices, groups, per-pod amounts)
/// and, per resource group and flavor, the node-matching verdict and the flavor-resource of each
/// request. What Kueue's flavor assigner looks up by name on every attempt is looked up here once,
/// so an evaluation hashes no names.

/// One request of a pod set, in the order the flavor assigner walks them: by resource name, and
/// `pods` last when the ClusterQueue covers it (its amount is the pod count).
struct CompiledRequest {
    var name: String
    /// Resource index, −1 when the quota tree knows no such resource.
    var resource: Int
    /// The ClusterQueue's resource group covering it, −1 when none does.
    var group: Int
    var perPod: Int64
    var isPods: Bool

    func amount(count: Int32) -> Int64 { isPods ? Int64(count) : perPod * Int64(count) }
}

/// The requests of one resource group within a pod set, with what each of the group's flavors
/// says about them.
struct CompiledGroup {
    /// Positions in `CompiledPodSet.requests`, in order.
    var members: [Int]
    /// Per flavor of the group: why the pod set cannot use it (taints, node selector), or nil.
    var mismatch: [String?]
    /// Per flavor of the group, per member: the flavor-resource index, nil when the flavor has no
    /// quota for that resource.
    var frs: [[Int?]]
}

struct CompiledPodSet {
    var requests: [CompiledRequest]
    /// By resource group index.
    var groups: [Int: CompiledGroup]
}

extension Scheduler {
    /// The pod sets of `workload` digested for ClusterQueue node `cq`.
    func compilePodSets(_ workload: Workload, cq: Int) -> [CompiledPodSet] {
        let q = queues[cq]
        return workload.podSets.map { ps in
            var requests: [CompiledRequest] = ps.requests.sorted { $0.key < $1.key }.map { name, perPod in
                let r = tree.resourceIndex[name] ?? -1
                return CompiledRequest(name: name, resource: r, group: r >= 0 ? q.groupOf[r] : -1, perPod: perPod, isPods: false)
            }
            if q.coversPods {
                requests.removeAll { $0.name == "pods" }
                let r = tree.resourceIndex["pods"] ?? -1
                requests.append(CompiledRequest(name: "pods", resource: r, group: r >= 0 ? q.groupOf[r] : -1, perPod: 1, isPods: true))
            }
            var groups: [Int: CompiledGroup] = [:]
            for request in requests where request.group >= 0 && groups[request.group] == nil {
                let group = request.group
                let members = requests.indices.filter { requests[$0].group == group }
                let flavorNames = q.groupFlavors[group]
                groups[group] = CompiledGroup(
                    members: members,
                    mismatch: flavorNames.map { flavorMismatch($0, ps) },
                    frs: flavorNames.map { flavor in
                        members.map { tree.frIndex[FlavorResource(flavor, requests[$0].name)] }
                    })
            }
            return CompiledPodSet(requests: requests, groups: groups)
        }
    }
}
