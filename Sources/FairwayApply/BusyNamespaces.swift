import FairwayCore
import FairwayKubernetes
import FairwayLive
import FairwayDiff

/// A namespace the plan deletes while people's work still runs in it or their data is in it, or
/// where the plan deletes a PersistentVolumeClaim itself.
public struct BusyNamespace: Sendable, Hashable {
    public var name: String
    /// RayJobs that have not finished (`status.jobDeploymentStatus` not Complete or Failed).
    public var rayJobs: [String]
    /// JupyterHub notebook pods (`component=singleuser-server`) that are pending or running.
    public var notebooks: [String]
    /// PersistentVolumeClaims (home and team volumes, datasets) whose data goes with the deletion,
    /// as `name (size)`.
    public var volumes: [String] = []
    /// False when the namespace stays and only claims in it are deleted.
    public var namespaceDeleted = true

    public init(name: String, rayJobs: [String], notebooks: [String], volumes: [String] = [], namespaceDeleted: Bool = true) {
        self.name = name
        self.rayJobs = rayJobs
        self.notebooks = notebooks
        self.volumes = volumes
        self.namespaceDeleted = namespaceDeleted
    }

    /// `research: 2 RayJobs (train-a, train-b), 1 notebook pod (jupyter-ana)`.
    public var description: String {
        var parts: [String] = []
        if !rayJobs.isEmpty { parts.append("\(rayJobs.count) running RayJob(s) (\(rayJobs.prefix(5).joined(separator: ", ")))") }
        if !notebooks.isEmpty { parts.append("\(notebooks.count) notebook pod(s) (\(notebooks.prefix(5).joined(separator: ", ")))") }
        if !volumes.isEmpty {
            parts.append("\(volumes.count) PersistentVolumeClaim(s) whose data would be lost (\(volumes.prefix(5).joined(separator: ", ")))")
        }
        return "\(name): " + parts.joined(separator: ", ")
    }

    /// Why a plan deleting this namespace (or its volumes) unconfirmed is refused.
    public var refusal: Refusal {
        Refusal(.busyNamespace, "the plan deletes \(namespaceDeleted ? "namespace" : "volumes in namespace") \(description); "
            + "nothing was changed (confirm with --confirm-delete-namespace \(name))")
    }
}

extension ClusterApplier {
    static let rayJobKind = GroupVersionKind(group: "ray.io", version: "v1", kind: "RayJob")
    static let podKind = GroupVersionKind(group: "", version: "v1", kind: "Pod")
    static let claimKind = GroupVersionKind(group: "", version: "v1", kind: "PersistentVolumeClaim")
    static let notebookSelector = "component=singleuser-server"

    /// The namespaces the plan deletes that still hold unfinished RayJobs, live notebook pods or
    /// PersistentVolumeClaims, and the namespaces where the plan deletes claims. Each needs
    /// explicit confirmation: it kills people's work or loses their data.
    public func busyNamespaces(in plan: Plan) async throws -> [BusyNamespace] {
        var busy: [BusyNamespace] = []
        for change in plan.changes where change.action == .delete && change.key.kind == "Namespace" && change.key.group.isEmpty {
            let namespace = change.key.name
            async let jobs = objects.list(Self.rayJobKind, namespace: namespace, labelSelector: nil)
            async let pods = objects.list(Self.podKind, namespace: namespace, labelSelector: Self.notebookSelector)
            async let claims = objects.list(Self.claimKind, namespace: namespace, labelSelector: nil)
            let running = try await jobs.filter { job in
                !["Complete", "Failed"].contains(job.body["status"]?["jobDeploymentStatus"]?.stringValue ?? "")
            }
            let notebooks = try await pods.filter { pod in
                ["Pending", "Running", ""].contains(pod.body["status"]?["phase"]?.stringValue ?? "")
            }
            let volumes = try await claims.map(Self.describeClaim).sorted()
            if !running.isEmpty || !notebooks.isEmpty || !volumes.isEmpty {
                busy.append(BusyNamespace(name: namespace, rayJobs: running.map(\.key.name).sorted(),
                                          notebooks: notebooks.map(\.key.name).sorted(), volumes: volumes))
            }
        }
        // Claims in a namespace that goes too were looked at with the namespace above.
        let deletedNamespaces = Set(plan.changes.filter { $0.action == .delete && $0.key.kind == "Namespace" && $0.key.group.isEmpty }
            .map(\.key.name))
        var claimsByNamespace: [String: [String]] = [:]
        for change in plan.changes where change.action == .delete && change.key.kind == "PersistentVolumeClaim" && change.key.group.isEmpty {
            guard let namespace = change.key.namespace, !deletedNamespaces.contains(namespace) else { continue }
            claimsByNamespace[namespace, default: []].append(change.key.name)
        }
        for (namespace, names) in claimsByNamespace.sorted(by: { $0.key < $1.key }) {
            busy.append(BusyNamespace(name: namespace, rayJobs: [], notebooks: [], volumes: names.sorted(), namespaceDeleted: false))
        }
        return busy
    }

    static func describeClaim(_ claim: Manifest) -> String {
        let size = claim.body["status"]?["capacity"]?["storage"]?.stringValue
            ?? claim.body["spec"]?["resources"]?["requests"]?["storage"]?.stringValue
        return size.map { "\(claim.key.name) (\($0))" } ?? claim.key.name
    }
}
