import FairwayCore
import FairwayModel

/// Renders cluster.yaml's priority classes twice: as `scheduling.k8s.io/v1` PriorityClasses for
/// pods, and as Kueue WorkloadPriorityClasses (same name and value) for queueing order.
struct PriorityRenderer {
    let cluster: Document<ClusterSpec>

    func render() -> [Manifest] {
        let meta = MetadataBuilder(sourcePath: cluster.path)
        var out: [Manifest] = []
        for pc in cluster.spec.priorityClasses {
            var priority: JSONObject = [
                ("apiVersion", "scheduling.k8s.io/v1"), ("kind", "PriorityClass"), ("metadata", meta.metadata(name: pc.name)),
                ("value", .int(Int64(pc.value))), ("globalDefault", .bool(pc.default ?? false)),
            ]
            if let description = pc.description { priority["description"] = .string(description) }
            out.append(.rendered(.object(priority)))
            var workload: JSONObject = [
                ("apiVersion", "kueue.x-k8s.io/v1beta2"), ("kind", "WorkloadPriorityClass"),
                ("metadata", meta.metadata(name: pc.name)), ("value", .int(Int64(pc.value))),
            ]
            if let description = pc.description { workload["description"] = .string(description) }
            out.append(.rendered(.object(workload)))
        }
        return out
    }
}
