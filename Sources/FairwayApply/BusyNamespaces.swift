import FairwayCore
import FairwayLive
import FairwayDiff

/// A namespace the plan deletes while people's work still runs in it.
public struct BusyNamespace: Sendable, Hashable {
    public var name: String
    /// RayJobs that have not finished (`status.jobDeploymentStatus` not Complete or Failed).
    public var rayJobs: [String]
    /// JupyterHub notebook pods (`component=singleuser-server`) that are pending or running.
    public var notebooks: [String]

    /// `research: 2 RayJobs (train-a, train-b), 1 notebook pod (jupyter-ana)`.
    public var description: String {
        var parts: [String] = []
        if !rayJobs.isEmpty { parts.append("\(rayJobs.count) running RayJob(s) (\(rayJobs.prefix(5).joined(separator: ", ")))") }
        if !notebooks.isEmpty { parts.append("\(notebooks.count) notebook pod(s) (\(notebooks.prefix(5).joined(separator: ", ")))") }
        return "\(name): " + parts.joined(separator: ", ")
    }
}

extension ClusterApplier {
    static let rayJobKind = GroupVersionKind(group: "ray.io", version: "v1", kind: "RayJob")
    static let podKind = GroupVersionKind(group: "", version: "v1", kind: "Pod")
    static let notebookSelector = "component=singleuser-server"

    /// The namespaces the plan deletes that still hold unfinished RayJobs or live notebook pods.
    /// Deleting one of these needs explicit confirmation: it kills people's work.
    public func busyNamespaces(in plan: Plan) async throws -> [BusyNamespace] {
        var busy: [BusyNamespace] = []
        for change in plan.changes where change.action == .delete && change.key.kind == "Namespace" && change.key.group.isEmpty {
            let namespace = change.key.name
            async let jobs = objects.list(Self.rayJobKind, namespace: namespace, labelSelector: nil)
            async let pods = objects.list(Self.podKind, namespace: namespace, labelSelector: Self.notebookSelector)
            let running = try await jobs.filter { job in
                !["Complete", "Failed"].contains(job.body["status"]?["jobDeploymentStatus"]?.stringValue ?? "")
            }
            let notebooks = try await pods.filter { pod in
                ["Pending", "Running", ""].contains(pod.body["status"]?["phase"]?.stringValue ?? "")
            }
            if !running.isEmpty || !notebooks.isEmpty {
                busy.append(BusyNamespace(name: namespace, rayJobs: running.map(\.key.name).sorted(),
                                          notebooks: notebooks.map(\.key.name).sorted()))
            }
        }
        return busy
    }
}
