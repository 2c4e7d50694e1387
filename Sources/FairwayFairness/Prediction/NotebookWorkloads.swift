import FairwayAdmission
import FairwayCore
import FairwayModel

/// The GPU notebooks of a class as Kueue sees them: each server is one pod in the tenant's
/// LocalQueue of the class (Kueue's pod integration: one Workload with one pod set), requesting the
/// profile's GPUs and its CPU and memory guarantees, on the profile's node pool, at the tenant's
/// notebook priority. At the peak a tenant runs `maxGpuServers` of them, each of its largest
/// profile in the class (the same peak the fairness demand counts).
enum NotebookWorkloads {
    /// Notebook servers predicted per tenant and class, at most.
    static let maxServers = 64

    static func of(_ queues: KueueQuotas.ClassQueues, platform: Platform,
                   selector: [String: String], tolerations: [Toleration]) -> [ClassWorkload] {
        var out: [ClassWorkload] = []
        for queue in queues.queues {
            guard let tenant = platform.tenant(named: queue.tenant), let servers = tenant.spec.notebooks?.maxGpuServers, servers > 0,
                  let largest = platform.largestNotebookProfile(of: tenant.spec, gpuClass: queues.gpuClass) else { continue }
            let units = largest.gpu?.count ?? 1
            var requests: [String: Int64] = [queues.resource: Int64(units)]
            if let cpu = largest.resources?.cpu?.guarantee ?? largest.resources?.cpu?.limit { requests["cpu"] = HeadNeeds.milli(cpu) }
            if let memory = largest.resources?.memory?.guarantee ?? largest.resources?.memory?.limit {
                requests["memory"] = ClassWorkloads.bytes(memory)
            }
            let priorityClass = tenant.spec.notebookPriorityClass
            let location = tenant.keyLocation("spec", "notebooks", "maxGpuServers")
            for index in 1...min(servers, maxServers) {
                out.append(ClassWorkload(
                    tenant: queue.tenant, kind: "Notebook", name: "\(largest.name)-\(index)", location: location, units: units,
                    priority: ClassWorkloads.priority(priorityClass, platform), priorityClass: priorityClass,
                    workload: Workload(name: "\(queue.tenant)/notebook-\(largest.name)-\(index)", clusterQueue: queue.name,
                                       podSets: [PodSet(name: "main", count: 1, requests: requests,
                                                        nodeSelector: selector, tolerations: tolerations)])))
            }
        }
        return out
    }
}
