import FairwayCore
import FairwayPipeline

/// The Kubernetes API access the sync agent uses, and no more: the agent's chart grants exactly
/// these rules (a test renders the chart and compares, and the agent's end-to-end tests run under
/// them in a cluster that evaluates RBAC). Helm releases run under a separate identity (the chart's
/// `rbac.helmReleases`): the add-on charts create ClusterRoles and webhooks, which these rules
/// cannot grant.
public enum AgentPermissions {
    /// One RBAC rule: verbs on resources of one API group, optionally only on the objects named.
    public struct Rule: Sendable, Hashable, CustomStringConvertible {
        public var group: String
        public var resources: [String]
        public var verbs: [String]
        public var resourceNames: [String]

        public init(group: String, resources: [String], verbs: [String], resourceNames: [String] = []) {
            self.group = group
            self.resources = resources.sorted()
            self.verbs = verbs.sorted()
            self.resourceNames = resourceNames.sorted()
        }

        public var description: String {
            let names = resourceNames.isEmpty ? "" : " named \(resourceNames.joined(separator: ","))"
            return "\(group.isEmpty ? "core" : group): \(resources.joined(separator: ","))\(names) [\(verbs.joined(separator: ","))]"
        }
    }

    /// What planning and applying need across the cluster (tenant namespaces are created by the
    /// agent itself, so their rights cannot come from RoleBindings made in advance):
    /// - every kind Fairway renders (`KindFacts.rendered`) is read (get, list), written by server-side apply
    ///   (create for new objects, patch) and pruned (delete), and no other kind: no Secrets, no
    ///   Deployments, no Roles, ClusterRoles or ClusterRoleBindings;
    /// - pods are listed to find running notebooks before a namespace is deleted;
    /// - CRDs are read to wait until a chart's definitions are established;
    /// - RoleBindings may name only `BoundRoles.all` (`bind` by name); the agent holds none of
    ///   those roles' rights and has no `escalate`, so it cannot grant anything beyond them.
    public static let cluster: [Rule] = {
        var byGroup: [String: Set<String>] = [:]
        for (apiVersion, _, resource) in KindFacts.rendered {
            let group = apiVersion.contains("/") ? String(apiVersion.split(separator: "/")[0]) : ""
            byGroup[group, default: []].insert(resource)
        }
        var rules = byGroup.keys.sorted().map { group in
            Rule(group: group, resources: Array(byGroup[group]!), verbs: ["get", "list", "create", "patch", "delete"])
        }
        rules.append(Rule(group: "", resources: ["pods"], verbs: ["list"]))
        rules.append(Rule(group: "rbac.authorization.k8s.io", resources: ["clusterroles"], verbs: ["bind"], resourceNames: BoundRoles.all))
        rules.append(Rule(group: "apiextensions.k8s.io", resources: ["customresourcedefinitions"], verbs: ["get"]))
        return rules
    }()

    /// What the agent needs in its own namespace: the leader Lease, the status ConfigMap and Events.
    public static let namespace: [Rule] = [
        Rule(group: "coordination.k8s.io", resources: ["leases"], verbs: ["get", "create", "update"]),
        Rule(group: "", resources: ["configmaps"], verbs: ["get", "create", "patch"]),
        Rule(group: "", resources: ["events"], verbs: ["create"]),
    ]

    /// The `fairway-jupyterhub-spawner` ClusterRole the chart installs for the hub (`BoundRoles`).
    public static let notebookSpawner: [Rule] = BoundRoles.notebookSpawnerRules.map {
        Rule(group: $0.group, resources: $0.resources, verbs: $0.verbs)
    }
}
