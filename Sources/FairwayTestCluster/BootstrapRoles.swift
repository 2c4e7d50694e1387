import FairwayCore

/// The ClusterRoles and ClusterRoleBindings every Kubernetes cluster starts with, as far as the
/// tests depend on them: `cluster-admin` (bound to `system:masters`), and the user-facing `admin`,
/// `edit` and `view`, which aggregate `system:aggregate-to-*` roles (and whatever add-on charts
/// label `rbac.authorization.k8s.io/aggregate-to-*`) as Kubernetes' bootstrap policy defines them.
/// Aggregation is flattened: `admin` selects the admin, edit and view labels, `edit` edit and view.
enum BootstrapRoles {
    static let objects: [JSONObject] = [
        clusterRole("cluster-admin", rules: [rule(["*"], ["*"], ["*"]), ["verbs": ["*"], "nonResourceURLs": ["*"]]]),
        binding("cluster-admin", group: "system:masters"),
        aggregated("admin", from: ["admin", "edit", "view"]),
        aggregated("edit", from: ["edit", "view"]),
        aggregated("view", from: ["view"]),
        clusterRole("system:aggregate-to-admin", aggregateTo: "admin", rules: [
            rule(["create"], ["authorization.k8s.io"], ["localsubjectaccessreviews"]),
            rule(["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"], ["rbac.authorization.k8s.io"],
                 ["rolebindings", "roles"]),
        ]),
        clusterRole("system:aggregate-to-edit", aggregateTo: "edit", rules: [
            rule(["create", "delete", "deletecollection", "patch", "update"], [""],
                 ["pods", "pods/attach", "pods/exec", "pods/portforward", "pods/proxy", "configmaps", "events", "persistentvolumeclaims",
                  "replicationcontrollers", "replicationcontrollers/scale", "secrets", "serviceaccounts", "services", "services/proxy"]),
            rule(["create"], [""], ["serviceaccounts/token"]),
            rule(["get", "list", "watch"], [""], ["secrets", "pods/attach", "pods/exec", "pods/portforward", "pods/proxy", "services/proxy"]),
            rule(["impersonate"], [""], ["serviceaccounts"]),
            rule(["create", "delete", "deletecollection", "patch", "update"], ["apps"],
                 ["daemonsets", "deployments", "deployments/rollback", "deployments/scale", "replicasets", "replicasets/scale",
                  "statefulsets", "statefulsets/scale"]),
            rule(["create", "delete", "deletecollection", "patch", "update"], ["autoscaling"], ["horizontalpodautoscalers"]),
            rule(["create", "delete", "deletecollection", "patch", "update"], ["batch"], ["cronjobs", "jobs"]),
            rule(["create", "delete", "deletecollection", "patch", "update"], ["networking.k8s.io"], ["ingresses", "networkpolicies"]),
            rule(["create", "delete", "deletecollection", "patch", "update"], ["policy"], ["poddisruptionbudgets"]),
        ]),
        clusterRole("system:aggregate-to-view", aggregateTo: "view", rules: [
            rule(["get", "list", "watch"], [""],
                 ["pods", "pods/log", "pods/status", "replicationcontrollers", "replicationcontrollers/scale", "replicationcontrollers/status",
                  "serviceaccounts", "services", "services/status", "endpoints", "persistentvolumeclaims", "persistentvolumeclaims/status",
                  "configmaps", "bindings", "events", "limitranges", "namespaces", "namespaces/status", "resourcequotas",
                  "resourcequotas/status"]),
            rule(["get", "list", "watch"], ["apps"],
                 ["controllerrevisions", "daemonsets", "daemonsets/status", "deployments", "deployments/scale", "deployments/status",
                  "replicasets", "replicasets/scale", "replicasets/status", "statefulsets", "statefulsets/scale", "statefulsets/status"]),
            rule(["get", "list", "watch"], ["autoscaling"], ["horizontalpodautoscalers", "horizontalpodautoscalers/status"]),
            rule(["get", "list", "watch"], ["batch"], ["cronjobs", "cronjobs/status", "jobs", "jobs/status"]),
            rule(["get", "list", "watch"], ["policy"], ["poddisruptionbudgets", "poddisruptionbudgets/status"]),
            rule(["get", "list", "watch"], ["networking.k8s.io"], ["ingresses", "ingresses/status", "networkpolicies"]),
            rule(["get", "list", "watch"], ["discovery.k8s.io"], ["endpointslices"]),
        ]),
    ]

    static func rule(_ verbs: [String], _ groups: [String], _ resources: [String]) -> JSONValue {
        ["verbs": .array(verbs.map(JSONValue.string)), "apiGroups": .array(groups.map(JSONValue.string)),
         "resources": .array(resources.map(JSONValue.string))]
    }

    static func clusterRole(_ name: String, aggregateTo: String? = nil, rules: [JSONValue]) -> JSONObject {
        var labels: [(String, JSONValue)] = [("kubernetes.io/bootstrapping", "rbac-defaults")]
        if let aggregateTo { labels.append(("rbac.authorization.k8s.io/aggregate-to-\(aggregateTo)", "true")) }
        return JSONObject([("apiVersion", "rbac.authorization.k8s.io/v1"), ("kind", "ClusterRole"),
                           ("metadata", .object(JSONObject([("name", .string(name)), ("labels", .object(JSONObject(labels)))]))),
                           ("rules", .array(rules))])
    }

    static func aggregated(_ name: String, from targets: [String]) -> JSONObject {
        var role = clusterRole(name, rules: [])
        let selectors: [JSONValue] = targets.map { target in
            .object(JSONObject([("matchLabels", .object(JSONObject([("rbac.authorization.k8s.io/aggregate-to-\(target)", "true")])))]))
        }
        role["aggregationRule"] = .object(JSONObject([("clusterRoleSelectors", .array(selectors))]))
        return role
    }

    static func binding(_ name: String, group: String) -> JSONObject {
        JSONObject([("apiVersion", "rbac.authorization.k8s.io/v1"), ("kind", "ClusterRoleBinding"),
                    ("metadata", ["name": .string(name), "labels": ["kubernetes.io/bootstrapping": "rbac-defaults"]]),
                    ("roleRef", ["apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": .string(name)]),
                    ("subjects", [["apiGroup": "rbac.authorization.k8s.io", "kind": "Group", "name": .string(group)]])])
    }
}
