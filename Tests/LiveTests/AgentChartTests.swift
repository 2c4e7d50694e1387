import FairwayAgent
import FairwayCore
import FairwayPipeline
import FairwayYAML
import Foundation
import Testing

/// The agent's Helm chart (deploy/chart/fairway) as the real helm renders it: it lints clean; the
/// Deployment runs `fairway sync` in two replicas; its ClusterRole and Role grant exactly
/// `AgentPermissions.cluster` and `.namespace`, with no wildcard; the Helm releases' binding is separate
/// and follows its values; IRSA, the webhook secret, Git credentials and the ServiceMonitor appear when
/// asked; every built-in object passes Kubernetes' own schemas.
@Suite struct AgentChartTests {
    static let chart = Paths.root.appendingPathComponent("deploy/chart/fairway").path
    static let namespace = "fairway-system"
    static let roleArn = "arn:aws:iam::123456789012:role/fairway-agent"

    @Test(.enabled(if: Tools.installed("helm"), "needs helm (bash scripts/setup)")) func lintsWithoutWarnings() async throws {
        let sandbox = try ClientSandbox()
        defer { sandbox.remove() }
        let lint = try await sandbox.helm(["lint", "--strict", Self.chart])
        #expect(lint.status == 0, "\(lint)")
        #expect(lint.stdout.contains("1 chart(s) linted, 0 chart(s) failed"), "\(lint)")
        #expect(!lint.stdout.contains("[WARNING]") && !lint.stdout.contains("[ERROR]"), "\(lint)")
    }

    @Test(.enabled(if: Tools.installed("helm"), "needs helm (bash scripts/setup)")) func theDeploymentRunsSyncInTwoReplicas() async throws {
        let objects = try await Self.render()
        let deployment = try Self.one("Deployment", in: objects)
        #expect(deployment.value(at: ["spec", "replicas"])?.intValue == 2)
        let container = try #require(deployment.value(at: ["spec", "template", "spec", "containers"])?.arrayValue?.first)
        let args = (container["args"]?.arrayValue ?? []).compactMap(\.stringValue)
        #expect(args.first == "sync", "\(args)")
        for flag in ["--in-cluster", "--repo", "--ref", "--interval", "--cache"] {
            #expect(args.contains(flag), "\(flag) missing from \(args)")
        }
        #expect(Self.value(after: "--identity", in: args) == "$(POD_NAME)")
        #expect(Self.value(after: "--namespace", in: args) == "$(POD_NAMESPACE)")
        #expect(Self.value(after: "--listen", in: args) == "0.0.0.0:8080")
        #expect(!args.contains("--webhook-secret-file"), "no webhook secret was set: \(args)")

        let env = Self.environment(of: container)
        #expect(env["POD_NAME"]?.value(at: ["valueFrom", "fieldRef", "fieldPath"]) == "metadata.name")
        #expect(env["POD_NAMESPACE"]?.value(at: ["valueFrom", "fieldRef", "fieldPath"]) == "metadata.namespace")
        #expect(env["FAIRWAY_LOG_FORMAT"]?["value"] == "json")
        #expect(container.value(at: ["livenessProbe", "httpGet", "path"]) == "/healthz")
        #expect(container.value(at: ["readinessProbe", "httpGet", "path"]) == "/readyz")
        #expect(container["ports"] == [["name": "http", "containerPort": 8080, "protocol": "TCP"]])
        #expect(container.value(at: ["securityContext", "readOnlyRootFilesystem"]) == true)

        let service = try Self.one("Service", in: objects)
        #expect(service.value(at: ["spec", "ports"])?.arrayValue?.first?["name"] == "http")
        #expect(service.value(at: ["spec", "ports"])?.arrayValue?.first?["port"]?.intValue == 8080)
        let serviceAccount = try Self.one("ServiceAccount", named: "fairway", in: objects)
        #expect(serviceAccount.value(at: ["metadata", "annotations", "eks.amazonaws.com/role-arn"]) == nil)
        #expect(!objects.contains { $0["kind"] == "ServiceMonitor" }, "a ServiceMonitor without serviceMonitor.enabled")
        #expect(try Self.one("PodDisruptionBudget", in: objects).value(at: ["spec", "minAvailable"])?.intValue == 1)
    }

    @Test(.enabled(if: Tools.installed("helm"), "needs helm (bash scripts/setup)")) func theAgentsRolesAreExactlyAgentPermissions() async throws {
        let objects = try await Self.render()
        let clusterRole = try Self.one("ClusterRole", named: "fairway", in: objects)
        let spawner = try Self.one("ClusterRole", named: .string(BoundRoles.notebookSpawner), in: objects)
        let role = try Self.one("Role", in: objects)
        for object in [clusterRole, role, spawner] {
            let rules = object["rules"]?.arrayValue ?? []
            let wildcards = rules.flatMap { rule in
                ["apiGroups", "resources", "verbs", "resourceNames", "nonResourceURLs"].flatMap { field in
                    (rule[field]?.arrayValue ?? []).filter { $0 == "*" }.map { _ in field }
                }
            }
            #expect(wildcards.isEmpty, "\(object["kind"]?.stringValue ?? "?") grants * in \(wildcards)")
        }
        for (object, permissions) in [(clusterRole, AgentPermissions.cluster), (role, AgentPermissions.namespace),
                                      (spawner, AgentPermissions.notebookSpawner)] {
            let granted = Set(try Self.rules(of: object).flatMap(Self.atoms)), expected = Set(permissions.flatMap(Self.atoms))
            #expect(granted == expected, """
                \(object.value(at: ["metadata", "name"])?.stringValue ?? "?") differs from AgentPermissions: \
                beyond it \(granted.subtracting(expected).sorted()), missing \(expected.subtracting(granted).sorted())
                """)
        }
        // Least privilege: nothing that lets the agent grant itself more than the roles it binds.
        let atoms = Set(AgentPermissions.cluster.flatMap(Self.atoms))
        #expect(!atoms.contains { $0.hasPrefix("rbac.authorization.k8s.io/") && $0.contains(" escalate") })
        #expect(!atoms.contains { $0.hasPrefix("rbac.authorization.k8s.io/clusterrole") && !$0.contains("bind") }, "writes ClusterRoles or their bindings")
        #expect(!atoms.contains { $0.hasPrefix("/secrets") || $0.hasPrefix("apps/") }, "Secrets or Deployments")
        #expect(atoms.filter { $0.contains(" bind") }.sorted() == BoundRoles.all.map { "rbac.authorization.k8s.io/clusterroles \($0) bind" }.sorted())
        #expect(role.value(at: ["metadata", "namespace"])?.stringValue == Self.namespace)

        // Each binding ties its role to the agent's service account, in the release namespace.
        let account = try #require(try Self.one("ServiceAccount", named: "fairway", in: objects).value(at: ["metadata", "name"]))
        let subject: JSONValue = [["kind": "ServiceAccount", "name": account, "namespace": .string(Self.namespace)]]
        let clusterBinding = try Self.one("ClusterRoleBinding", named: clusterRole.value(at: ["metadata", "name"]), in: objects,
                                          by: ["roleRef", "name"])
        #expect(clusterBinding.value(at: ["roleRef", "kind"]) == "ClusterRole" && clusterBinding["subjects"] == subject)
        let binding = try Self.one("RoleBinding", in: objects)
        #expect(binding["roleRef"] == ["apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": role.value(at: ["metadata", "name"])!])
        #expect(binding["subjects"] == subject)
        #expect(!objects.contains { $0["kind"] == "ClusterRoleBinding" && $0.value(at: ["roleRef", "name"]) == .string(BoundRoles.notebookSpawner) },
                "the spawner role is bound by Fairway in notebook namespaces, not by the chart")
        let disabled = try await Self.render(["rbac.notebookSpawner.create=false"])
        #expect(!disabled.contains { $0["kind"] == "ClusterRole" && $0.value(at: ["metadata", "name"]) == .string(BoundRoles.notebookSpawner) })
    }

    @Test(.enabled(if: Tools.installed("helm"), "needs helm (bash scripts/setup)")) func helmReleasesRunUnderTheirOwnServiceAccount() async throws {
        // The bindings of any ClusterRole but the agent's own.
        func releaseBindings(_ objects: [JSONValue]) throws -> [JSONValue] {
            let own = try Self.one("ClusterRole", named: "fairway", in: objects).value(at: ["metadata", "name"])
            return objects.filter { $0["kind"] == "ClusterRoleBinding" && $0.value(at: ["roleRef", "name"]) != own }
        }
        let objects = try await Self.render()
        let byDefault = try releaseBindings(objects)
        #expect(byDefault.count == 1 && byDefault.first?.value(at: ["roleRef", "name"]) == "cluster-admin", "\(byDefault)")
        #expect(byDefault.first?["subjects"] == [["kind": "ServiceAccount", "name": "fairway-helm", "namespace": .string(Self.namespace)]],
                "cluster-admin goes to the Helm releases' service account, never to the agent's")
        let token = try Self.one("Secret", in: objects)
        #expect(token["type"] == "kubernetes.io/service-account-token")
        #expect(token.value(at: ["metadata", "annotations", "kubernetes.io/service-account.name"]) == "fairway-helm")
        let kubeconfigText = try #require(try Self.one("ConfigMap", in: objects).value(at: ["data", "kubeconfig"])?.stringValue)
        let kubeconfig = try #require(try YAMLParser.parse(Array(kubeconfigText.utf8)).documents.first).jsonValue()
        #expect(kubeconfig.value(at: ["users"])?.arrayValue?.first?.value(at: ["user", "tokenFile"]) == "/var/run/fairway/helm-token/token")
        #expect(!kubeconfigText.contains("token:"), "the kubeconfig names the token file, it holds no token")
        let container = try #require(try Self.one("Deployment", in: objects).value(at: ["spec", "template", "spec", "containers"])?.arrayValue?.first)
        let args = (container["args"]?.arrayValue ?? []).compactMap(\.stringValue)
        #expect(Self.value(after: "--helm-kubeconfig", in: args) == "/etc/fairway/helm/kubeconfig")
        let mounts = (container["volumeMounts"]?.arrayValue ?? []).compactMap { $0["mountPath"]?.stringValue }
        #expect(mounts.contains("/var/run/fairway/helm-token") && mounts.contains("/etc/fairway/helm"), "\(mounts)")

        let named = try releaseBindings(try await Self.render(["rbac.helmReleases.clusterRole=platform-helm"]))
        #expect(named.map { $0.value(at: ["roleRef", "name"]) } == ["platform-helm"])
        let disabled = try await Self.render(["rbac.helmReleases.enabled=false"])
        #expect(try releaseBindings(disabled).isEmpty)
        #expect(disabled.filter { $0["kind"] == "ClusterRoleBinding" }.count == 1, "the agent's own binding stays")
        #expect(!disabled.contains { $0["kind"] == "Secret" || $0.value(at: ["metadata", "name"]) == "fairway-helm" })
        let disabledArgs = try #require(try Self.one("Deployment", in: disabled).value(at: ["spec", "template", "spec", "containers"])?
            .arrayValue?.first?["args"]?.arrayValue).compactMap(\.stringValue)
        #expect(disabledArgs.contains("--no-helm") && !disabledArgs.contains("--helm-kubeconfig"), "\(disabledArgs)")
    }

    @Test(.enabled(if: Tools.installed("helm"), "needs helm (bash scripts/setup)")) func optionsRenderAndPassKubernetesSchemas() async throws {
        let objects = try await Self.render([
            "serviceMonitor.enabled=true", "serviceAccount.roleArn=\(Self.roleArn)", "webhook.existingSecret=fairway-webhook",
            "gitCredentials.secretName=fairway-git", "gitCredentials.caBundleKey=ca.pem", "driftInterval=10m",
        ])
        let serviceAccount = try Self.one("ServiceAccount", named: "fairway", in: objects)
        #expect(serviceAccount.value(at: ["metadata", "annotations", "eks.amazonaws.com/role-arn"])?.stringValue == Self.roleArn)
        let monitor = try Self.one("ServiceMonitor", in: objects)
        #expect(monitor["apiVersion"] == "monitoring.coreos.com/v1")
        #expect(monitor.value(at: ["spec", "endpoints"])?.arrayValue?.first?["port"] == "http")
        #expect(monitor.value(at: ["spec", "endpoints"])?.arrayValue?.first?["path"] == "/metrics")

        // The webhook secret and the Git credentials are files in mounted Secrets, named by flag or *_FILE variable.
        let pod = try #require(try Self.one("Deployment", in: objects).value(at: ["spec", "template", "spec"]))
        let container = try #require(pod["containers"]?.arrayValue?.first)
        let args = (container["args"]?.arrayValue ?? []).compactMap(\.stringValue)
        #expect(Self.value(after: "--drift-interval", in: args) == "10m")
        let mounts = Dictionary((container["volumeMounts"]?.arrayValue ?? []).map { ($0["name"]?.stringValue ?? "", $0) }) { $1 }
        let volumes = Dictionary((pod["volumes"]?.arrayValue ?? []).map { ($0["name"]?.stringValue ?? "", $0) }) { $1 }
        let webhookFile = try #require(Self.value(after: "--webhook-secret-file", in: args))
        let webhookMount = try #require(mounts.values.first { webhookFile.hasPrefix(($0["mountPath"]?.stringValue ?? "?") + "/") })
        #expect(volumes[webhookMount["name"]?.stringValue ?? ""]?.value(at: ["secret", "secretName"]) == "fairway-webhook")
        let env = Self.environment(of: container)
        #expect(env["FAIRWAY_GIT_TOKEN_FILE"]?["value"] == "/etc/fairway/git/token")
        #expect(env["FAIRWAY_GIT_CA_BUNDLE"]?["value"] == "/etc/fairway/git/ca.pem")
        #expect(env["FAIRWAY_GIT_PASSWORD_FILE"] == nil && env["FAIRWAY_GIT_SSH_KEY"] == nil)
        #expect(mounts["git-credentials"]?["mountPath"] == "/etc/fairway/git" && mounts["git-credentials"]?["readOnly"] == true)
        #expect(volumes["git-credentials"]?.value(at: ["secret", "secretName"]) == "fairway-git")

        // Built-in kinds against Kubernetes' schemas, strictly (the ServiceMonitor is a CRD not bundled there).
        let builtIn = objects.filter { $0["kind"] != "ServiceMonitor" }
        let check = try await ChildProcess.run(
            "python3", [Paths.root.appendingPathComponent("scripts/check-k8s-schemas.py").path, "--kubernetes-version", "1.33", "-"],
            input: Array(JSONWriter.string(.array(builtIn)).utf8))
        #expect(check.status == 0, "\(check.stdoutText)\(check.stderrText)")
        #expect(check.stdoutText.contains("\(builtIn.count) objects checked, 0 problems"), "\(check.stdoutText)")
    }

    // MARK: - Rendering and reading the chart

    /// `helm template fairway <chart>` in the release namespace with `settings` (`--set` pairs), as objects.
    static func render(_ settings: [String] = []) async throws -> [JSONValue] {
        let sandbox = try ClientSandbox()
        defer { sandbox.remove() }
        let run = try await sandbox.helm(["template", "fairway", chart, "--namespace", namespace] + settings.flatMap { ["--set", $0] })
        guard run.status == 0 else { throw ChartError("helm template failed: \(run)") }
        let stream = try YAMLParser.parse(Array(run.stdout.utf8))
        return stream.documents.map { $0.jsonValue() }.filter { $0 != .null }
    }

    /// The only object of `kind` (whose value at `path` is `name`, when given).
    static func one(_ kind: String, named name: JSONValue? = nil, in objects: [JSONValue],
                    by path: [String] = ["metadata", "name"]) throws -> JSONValue {
        let found = objects.filter { $0["kind"] == .string(kind) && (name == nil || $0.value(at: path) == name) }
        guard found.count == 1 else { throw ChartError("expected one \(kind), found \(found.count)") }
        return found[0]
    }

    static func value(after flag: String, in args: [String]) -> String? {
        guard let index = args.firstIndex(of: flag), index + 1 < args.count else { return nil }
        return args[index + 1]
    }

    static func environment(of container: JSONValue) -> [String: JSONValue] {
        Dictionary((container["env"]?.arrayValue ?? []).map { ($0["name"]?.stringValue ?? "", $0) }) { $1 }
    }

    /// A role's rules, one per API group. Fields AgentPermissions never uses (nonResourceURLs, or
    /// anything unknown) are refused, since the chart must grant exactly what it lists.
    static func rules(of role: JSONValue) throws -> [AgentPermissions.Rule] {
        try (role["rules"]?.arrayValue ?? []).flatMap { rule -> [AgentPermissions.Rule] in
            let fields = Set(rule.objectValue?.keys ?? [])
            guard fields.isSubset(of: ["apiGroups", "resources", "verbs", "resourceNames"]) else {
                throw ChartError("rule with fields \(fields.sorted()): \(rule)")
            }
            func strings(_ field: String) -> [String] { (rule[field]?.arrayValue ?? []).compactMap(\.stringValue) }
            return strings("apiGroups").map {
                AgentPermissions.Rule(group: $0, resources: strings("resources"), verbs: strings("verbs"), resourceNames: strings("resourceNames"))
            }
        }
    }

    /// A rule as `group/resource [name] verb` lines, one per combination, so two ways of writing
    /// the same rights compare equal.
    static func atoms(_ rule: AgentPermissions.Rule) -> [String] {
        rule.resources.flatMap { resource in
            rule.verbs.flatMap { verb in
                rule.resourceNames.isEmpty ? ["\(rule.group)/\(resource) \(verb)"] : rule.resourceNames.map { "\(rule.group)/\(resource) \($0) \(verb)" }
            }
        }
    }
}

struct ChartError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
