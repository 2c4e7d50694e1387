import FairwayCore
import FairwayModel

/// What a tenant's notebook namespace needs from outside the tenant's file: the hub's namespace
/// (whose ServiceAccount starts servers there) and the catalogue's team volume.
struct NotebookHosting: Hashable, Sendable {
    var hubNamespace: String
    var teamVolume: TeamVolume?

    struct TeamVolume: Hashable, Sendable {
        var size: String
        var storageClass: String?
        var accessMode: String
    }

    /// The ServiceAccount the JupyterHub chart runs the hub as.
    static let hubServiceAccount = "hub"
    /// The port a notebook server listens on (the chart's `singleuser` default).
    static let serverPort = 8888
    /// The cloud metadata address servers must not reach (node credentials), IPv4 and IPv6.
    static let metadataAddresses = ["169.254.169.254/32", "fd00:ec2::254/128"]

    init?(_ platform: Platform) {
        guard let hub = platform.cluster?.spec.addons?.jupyterhub, platform.notebookCatalog != nil else { return nil }
        hubNamespace = hub.namespace ?? "jupyterhub"
        teamVolume = platform.notebookCatalog?.spec.defaults?.teamVolume.map {
            TeamVolume(size: $0.size.description, storageClass: $0.storageClass, accessMode: $0.mode)
        }
    }
}

extension TenantRenderer {
    /// In the notebook namespace: a RoleBinding to the `fairway-jupyterhub-spawner` ClusterRole (which
    /// the agent's chart installs; see `BoundRoles`) that lets the hub start and watch servers there
    /// (pods, their home volumes, events; nothing else), a NetworkPolicy that lets the hub
    /// and proxy reach the servers (under network isolation), one that keeps servers from the cloud
    /// metadata server (the chart's iptables init container needs NET_ADMIN, which the tenant's pod
    /// security refuses), and the team volume when the catalogue has one.
    func notebookObjects(_ hosting: NotebookHosting, namespace: String) -> [Manifest] {
        var out = [hubBinding(namespace, hosting: hosting)]
        if spec.isolatesNetwork { out.append(hubToServers(namespace, hosting: hosting)) }
        out.append(serversEgress(namespace))
        if let team = hosting.teamVolume { out.append(teamVolume(team, namespace: namespace)) }
        return out
    }

    private func hubBinding(_ namespace: String, hosting: NotebookHosting) -> Manifest {
        .rendered([
            "apiVersion": "rbac.authorization.k8s.io/v1",
            "kind": "RoleBinding",
            "metadata": meta.metadata(name: BoundRoles.notebookSpawner, namespace: namespace, labels: [tenantLabel]),
            "roleRef": ["apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": .string(BoundRoles.notebookSpawner)],
            "subjects": [["kind": "ServiceAccount", "name": .string(NotebookHosting.hubServiceAccount),
                          "namespace": .string(hosting.hubNamespace)]],
        ])
    }

    private static var serverPods: JSONValue { ["matchLabels": ["component": "singleuser-server"]] }

    private func hubToServers(_ namespace: String, hosting: NotebookHosting) -> Manifest {
        .rendered([
            "apiVersion": "networking.k8s.io/v1",
            "kind": "NetworkPolicy",
            "metadata": meta.metadata(name: "allow-jupyterhub-to-notebooks", namespace: namespace, labels: [tenantLabel]),
            "spec": [
                "podSelector": Self.serverPods,
                "policyTypes": ["Ingress"],
                "ingress": [[
                    "from": [[
                        "namespaceSelector": ["matchLabels": ["kubernetes.io/metadata.name": .string(hosting.hubNamespace)]],
                        "podSelector": ["matchExpressions": [["key": "component", "operator": "In", "values": ["hub", "proxy"]]]],
                    ]],
                    "ports": [["protocol": "TCP", "port": .int(Int64(NotebookHosting.serverPort))]],
                ]],
            ],
        ])
    }

    private func serversEgress(_ namespace: String) -> Manifest {
        .rendered([
            "apiVersion": "networking.k8s.io/v1",
            "kind": "NetworkPolicy",
            "metadata": meta.metadata(name: "notebooks-deny-cloud-metadata", namespace: namespace, labels: [tenantLabel]),
            "spec": [
                "podSelector": Self.serverPods,
                "policyTypes": ["Egress"],
                "egress": [
                    ["to": [["namespaceSelector": [:]]]],
                    ["to": [
                        ["ipBlock": ["cidr": "0.0.0.0/0", "except": [.string(NotebookHosting.metadataAddresses[0])]]],
                        ["ipBlock": ["cidr": "::/0", "except": [.string(NotebookHosting.metadataAddresses[1])]]],
                    ]],
                ],
            ],
        ])
    }

    private func teamVolume(_ team: NotebookHosting.TeamVolume, namespace: String) -> Manifest {
        var claim: JSONObject = [
            ("accessModes", [.string(team.accessMode)]),
            ("resources", ["requests": ["storage": .string(team.size)]]),
        ]
        if let storageClass = team.storageClass { claim["storageClassName"] = .string(storageClass) }
        return .rendered([
            "apiVersion": "v1",
            "kind": "PersistentVolumeClaim",
            "metadata": meta.metadata(name: NotebookCatalogSpec.TeamVolume.claimName, namespace: namespace, labels: [tenantLabel]),
            "spec": .object(claim),
        ])
    }
}
