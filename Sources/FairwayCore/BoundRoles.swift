/// The ClusterRoles that Fairway's RoleBindings name but Fairway never writes: Kubernetes' built-in
/// `admin` and `edit` (tenant members and groups), and `fairway-jupyterhub-spawner` (the hub in each
/// tenant's notebook namespace), which the agent's Helm chart installs. The agent may bind exactly
/// these (`bind` restricted by `resourceNames`) and holds none of their rights itself, so it cannot
/// grant more than they do.
public enum BoundRoles {
    public static let tenantAdmin = "admin"
    public static let tenantEdit = "edit"
    public static let notebookSpawner = "fairway-jupyterhub-spawner"

    public static let all = [tenantAdmin, tenantEdit, notebookSpawner]

    /// What the hub needs in a notebook namespace: start, watch and stop servers and their home
    /// volumes, and read events (the chart's own hub Role has the same rules in its namespace).
    public static let notebookSpawnerRules: [(group: String, resources: [String], verbs: [String])] = [
        ("", ["pods", "persistentvolumeclaims"], ["get", "watch", "list", "create", "delete"]),
        ("", ["events"], ["get", "watch", "list"]),
    ]
}
