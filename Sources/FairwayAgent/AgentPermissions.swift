import FairwayCore

/// The Kubernetes API access the sync agent uses, and no more: the agent's chart grants exactly
/// these rules (a test renders the chart and compares). Helm releases are separate: the add-on
/// charts create ClusterRoles and webhooks, so whoever installs them needs at least the rights
/// they grant; the chart binds a role named in its values for that.
public enum AgentPermissions {
    /// One RBAC rule: verbs on resources of one API group.
    public struct Rule: Sendable, Hashable, CustomStringConvertible {
        public var group: String
        public var resources: [String]
        public var verbs: [String]

        public init(group: String, resources: [String], verbs: [String]) {
            self.group = group
            self.resources = resources.sorted()
            self.verbs = verbs.sorted()
        }

        public var description: String { "\(group.isEmpty ? "core" : group): \(resources.joined(separator: ",")) [\(verbs.joined(separator: ","))]" }
    }

    /// What planning and applying need across the cluster: every kind Fairway renders is read
    /// (get, list), written by server-side apply (create for new objects, patch) and pruned
    /// (delete). Pods are listed to find notebooks in a namespace about to be deleted; CRDs are
    /// read to wait until a chart's definitions are established. Tenant RoleBindings name the
    /// built-in `admin` and `edit` ClusterRoles, whose rights the agent does not hold itself: writing
    /// them needs `bind` (and `escalate` for roles it renders), as Kubernetes prevents escalation.
    public static let cluster: [Rule] = {
        var byGroup: [String: Set<String>] = [:]
        for (apiVersion, kind) in ManagedKinds.all {
            let group = apiVersion.contains("/") ? String(apiVersion.split(separator: "/")[0]) : ""
            byGroup[group, default: []].insert(plural(of: kind))
        }
        var rules = byGroup.keys.sorted().map { group in
            Rule(group: group, resources: Array(byGroup[group]!), verbs: ["get", "list", "create", "patch", "delete"])
        }
        rules.append(Rule(group: "", resources: ["pods"], verbs: ["list"]))
        rules.append(Rule(group: "rbac.authorization.k8s.io", resources: ["clusterroles", "roles"], verbs: ["bind", "escalate"]))
        rules.append(Rule(group: "apiextensions.k8s.io", resources: ["customresourcedefinitions"], verbs: ["get"]))
        return rules
    }()

    /// What the agent needs in its own namespace: the leader Lease, the status ConfigMap and Events.
    public static let namespace: [Rule] = [
        Rule(group: "coordination.k8s.io", resources: ["leases"], verbs: ["get", "create", "update"]),
        Rule(group: "", resources: ["configmaps"], verbs: ["get", "create", "patch"]),
        Rule(group: "", resources: ["events"], verbs: ["create"]),
    ]

    /// The resource (plural) name of a kind Fairway renders.
    static func plural(of kind: String) -> String {
        switch kind {
        case "NetworkPolicy": "networkpolicies"
        case "PriorityClass": "priorityclasses"
        case "WorkloadPriorityClass": "workloadpriorityclasses"
        case "EC2NodeClass": "ec2nodeclasses"
        default: kind.lowercased() + "s"
        }
    }
}
