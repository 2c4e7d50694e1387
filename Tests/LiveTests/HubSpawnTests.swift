import FairwayAgent
import FairwayCore
import FairwayPipeline
import FairwayTestSupport
import Foundation
import Testing

/// The hub's Python environment scripts/setup installs.
enum HubPython {
    static let path = Paths.root.appendingPathComponent(".tools/hub-python/bin/python").path
    static var available: Bool { Tools.installed("helm") && FileManager.default.isExecutableFile(atPath: path) }
}

/// The JupyterHub release Fairway renders, run the way the hub runs it: the real chart
/// (../shared/charts/jupyterhub-4.4.0.tgz) rendered by helm, its own `jupyterhub_config.py` executed
/// with the real jupyterhub, jupyterhub-kubespawner, oauthenticator and nativeauthenticator packages
/// (scripts/hub-spawn-check.py), and KubeSpawner asked what it would create for a user of each tenant.
@Suite(.enabled(if: HubPython.available, "needs helm and .tools/hub-python (bash scripts/setup)"))
struct HubSpawnTests {
    static let chart = Paths.root.deletingLastPathComponent().appendingPathComponent("shared/charts/jupyterhub-4.4.0.tgz").path
    static let python = HubPython.path
    static let script = Paths.root.appendingPathComponent("scripts/hub-spawn-check.py").path

    /// The template's users: one per tenant, one in two tenants, an admin in no tenant's profiles
    /// list of their own, and someone in no tenant.
    static let users: JSONValue = [
        ["name": "ana@example.com", "groups": ["ml-research"]],
        ["name": "sam@example.com", "groups": ["students-2025"]],
        ["name": "sre@example.com", "groups": ["sre"]],
        ["name": "pat@example.com", "groups": ["platform-engineers", "ml-research"]],
        ["name": "visiting.scholar@example.com", "groups": []],
        ["name": "nobody@example.com", "groups": ["marketing"]],
    ]

    /// Renders `platform` (a copy of the template, edited by `edit`) and runs the hub configuration.
    static func run(_ scenario: JSONValue, edit: (URL) throws -> Void = { _ in }) async throws -> JSONValue {
        let sandbox = try ClientSandbox()
        defer { sandbox.remove() }
        let repo = sandbox.directory.appendingPathComponent("platform")
        try FileManager.default.copyItem(at: Paths.template, to: repo)
        try edit(repo)
        let evaluation = try Pipeline().evaluate(path: repo.path)
        let desired = try #require(evaluation.desired, "\(evaluation.diagnostics)")
        let release = try #require(desired.helmReleases.first { $0.name == "jupyterhub" })
        let values = try sandbox.write("jupyterhub-values.json", JSONWriter.string(release.values))
        let scenarioFile = try sandbox.write("scenario.json", JSONWriter.string(scenario))
        let helm = Paths.root.appendingPathComponent(".tools/bin/helm").path
        let outcome = try await ChildProcess.run(python, [script, "--chart", chart, "--values", values, "--scenario", scenarioFile,
                                                          "--helm", FileManager.default.isExecutableFile(atPath: helm) ? helm : "helm"])
        try #require(outcome.status == 0, "hub-spawn-check failed:\n\(outcome.stderrText.suffix(4000))")
        return try JSONReader.parse(outcome.stdout)
    }

    static func edit(_ repo: URL, _ file: String, _ old: String, _ new: String) throws {
        let url = repo.appendingPathComponent(file)
        let text = try String(contentsOf: url, encoding: .utf8)
        try #require(text.contains(old), "\(file) has no \(old)")
        try text.replacingOccurrences(of: old, with: new).write(to: url, atomically: true, encoding: .utf8)
    }

    static func server(_ report: JSONValue, _ user: String, _ slug: String) throws -> JSONValue {
        let servers = try #require(report["users"]?[user]?["servers"]?.arrayValue, "no servers for \(user)")
        return try #require(servers.first { $0["slug"] == .string(slug) }, "\(user) has no \(slug): \(servers.map { $0["slug"] })")
    }

    @Test func eachTenantsUsersStartServersInTheirTenant() async throws {
        let report = try await Self.run(["users": Self.users])

        // research: its namespace, ServiceAccount (IRSA), Kueue queue and priority for GPUs, its Ray clusters.
        #expect(report["users"]?["ana@example.com"]?["profiles"] == [
            "research.cpu-standard", "research.pytorch-l4", "research.pytorch-a10g-shared", "research.pytorch-h100-mig"])
        let l4 = try Self.server(report, "ana@example.com", "research.pytorch-l4")
        #expect(l4["namespace"] == "research")
        #expect(l4["serviceAccount"] == "research-workloads")
        #expect(l4["automountToken"] == true)
        #expect(l4["labels"]?["kueue.x-k8s.io/queue-name"] == "l4")
        #expect(l4["labels"]?["kueue.x-k8s.io/priority-class"] == "interactive")
        #expect(l4["labels"]?["fairway.dev/tenant"] == "research")
        #expect(l4["priorityClassName"] == "interactive")
        #expect(l4["limits"]?["nvidia.com/gpu"] == "1")
        #expect(l4["nodeSelector"]?["fairway.dev/node-pool"] == "gpu-l4-inference")
        // What the `restricted` Pod Security Standard asks (students enforces it).
        #expect(l4["securityContext"]?["allowPrivilegeEscalation"] == false)
        #expect(l4["securityContext"]?["capabilities"]?["drop"] == ["ALL"])
        #expect(l4["securityContext"]?["runAsNonRoot"] == true)
        #expect(l4["securityContext"]?["runAsUser"] == 1000)
        #expect(l4["podSecurityContext"]?["seccompProfile"]?["type"] == "RuntimeDefault")
        #expect(l4["homeVolume"]?["namespace"] == "research")
        #expect(l4["homeVolume"]?["storage"] == "50Gi", "the profile's own home volume size")
        let claim = try #require(l4["homeVolume"]?["name"]?.stringValue)
        #expect(l4["volumes"]?.arrayValue?.contains { $0["persistentVolumeClaim"]?["claimName"] == .string(claim) } == true)
        let clusters = try JSONReader.parse(Array((l4["environment"]?["FAIRWAY_RAY_CLUSTERS"]?.stringValue ?? "").utf8))
        #expect(clusters == ["hpo-sweep": "ray://hpo-sweep-head-svc.research.svc:10001"])
        #expect(l4["environment"]?["RAY_ADDRESS"] == "ray://hpo-sweep-head-svc.research.svc:10001")
        let mig = try Self.server(report, "ana@example.com", "research.pytorch-h100-mig")
        #expect(mig["limits"]?["nvidia.com/mig-1g.10gb"] == "1")
        #expect(mig["labels"]?["kueue.x-k8s.io/queue-name"] == "h100-mig")
        let cpu = try Self.server(report, "ana@example.com", "research.cpu-standard")
        #expect(cpu["labels"]?["kueue.x-k8s.io/queue-name"] == nil, "CPU servers are not Kueue workloads")
        #expect(cpu["homeVolume"]?["storage"] == "20Gi")

        // students: its own namespace and account; the a10g-shared queue; its one RayCluster.
        let shared = try Self.server(report, "sam@example.com", "students.pytorch-a10g-shared")
        #expect(shared["namespace"] == "students")
        #expect(shared["serviceAccount"] == "students-workloads")
        #expect(shared["labels"]?["kueue.x-k8s.io/queue-name"] == "a10g-shared")
        #expect(shared["labels"]?["kueue.x-k8s.io/priority-class"] == "interactive", "the tenant's default priority")
        #expect(shared["environment"]?["RAY_ADDRESS"] == "ray://ray-intro-head-svc.students.svc:10001")
        #expect(report["users"]?["sam@example.com"]?["profiles"]?.arrayValue?.contains("students.pytorch-l4") == false)

        // prod-inference: CPU only, in its namespace, with its RayService's address.
        #expect(report["users"]?["sre@example.com"]?["profiles"] == ["prod-inference.cpu-standard"])
        let serving = try Self.server(report, "sre@example.com", "prod-inference.cpu-standard")
        #expect(serving["namespace"] == "prod-inference")
        #expect(serving["serviceAccount"] == "prod-inference-workloads")
        #expect(serving["environment"]?["RAY_ADDRESS"] == "ray://qwen-chat-head-svc.prod-inference.svc:10001")

        // A user in two tenants chooses: both tenants' profiles, titled with the tenant.
        let pat = try #require(report["users"]?["pat@example.com"]?["profiles"]?.arrayValue)
        #expect(pat.contains("platform.pytorch-l4") && pat.contains("research.pytorch-l4"))
        let platformL4 = try Self.server(report, "pat@example.com", "platform.pytorch-l4")
        #expect(platformL4["namespace"] == "platform-ci")
        #expect(platformL4["displayName"]?.stringValue?.hasPrefix("ML Platform Team: ") == true, "\(platformL4["displayName"] ?? nil)")
        #expect(platformL4["environment"]?["RAY_ADDRESS"] == nil, "platform runs no Ray cluster")

        // A member listed by name, and someone in no tenant, who cannot start anything.
        #expect(try Self.server(report, "visiting.scholar@example.com", "research.cpu-standard")["namespace"] == "research")
        #expect(report["users"]?["nobody@example.com"]?["profiles"] == [])
        #expect(report["users"]?["nobody@example.com"]?["refused"]?["status"] == 403)
    }

    @Test func serverLimitsAreEnforcedWhenAServerStarts() async throws {
        // research allows 2 servers per user and 8 GPU servers; ana already runs 2, and the tenant 8 GPU servers.
        var active: [JSONValue] = [
            ["user": "ana@example.com", "profile": "research.cpu-standard"],
            ["user": "ana@example.com", "profile": "research.pytorch-l4"],
        ]
        for index in 1...7 { active.append(["user": .string("user\(index)@example.com"), "profile": "research.pytorch-a10g-shared"]) }
        active.append(["user": "sam@example.com", "profile": "students.pytorch-h100-mig"])
        let report = try await Self.run(["users": Self.users, "active": .array(active)])
        let ana = try Self.server(report, "ana@example.com", "research.cpu-standard")
        #expect(ana["refused"]?["status"] == 429)
        #expect(ana["refused"]?["message"]?.stringValue?.contains("maxServersPerUser") == true)
        let gpu = try Self.server(report, "visiting.scholar@example.com", "research.pytorch-l4")
        #expect(gpu["refused"]?["message"]?.stringValue?.contains("maxGpuServers") == true, "\(gpu)")
        #expect(try Self.server(report, "visiting.scholar@example.com", "research.cpu-standard")["namespace"] == "research",
                "CPU servers are not held to the GPU limit")
        #expect(try Self.server(report, "sam@example.com", "students.pytorch-a10g-shared")["refused"] != nil,
                "students allow one server per user; sam runs one")
    }

    @Test func aTeamVolumeIsMountedByEveryProfileThatDoesNotOptOut() async throws {
        let report = try await Self.run(["users": Self.users]) { repo in
            try Self.edit(repo, "jupyterhub/images.yaml", "    storage: 20Gi ", "    teamVolume:\n      size: 500Gi\n      storageClass: efs-sc\n    storage: 20Gi ")
            try Self.edit(repo, "jupyterhub/images.yaml", "      nodepool: gpu-h100-mig\n", "      nodepool: gpu-h100-mig\n      teamVolume: false\n")
        }
        let l4 = try Self.server(report, "ana@example.com", "research.pytorch-l4")
        #expect(l4["volumes"]?.arrayValue?.contains { $0["persistentVolumeClaim"]?["claimName"] == "team-volume" } == true)
        #expect(l4["volumeMounts"]?.arrayValue?.contains { $0["mountPath"] == "/home/jovyan/team" } == true)
        let mig = try Self.server(report, "ana@example.com", "research.pytorch-h100-mig")
        #expect(mig["volumes"]?.arrayValue?.contains { $0["persistentVolumeClaim"]?["claimName"] == "team-volume" } == false)
    }

    @Test func cognitoSignInHasEveryURLItNeeds() async throws {
        let auth = try #require(try await Self.run(["users": []])["authenticator"])
        #expect(auth["class"] == "oauthenticator.generic.GenericOAuthenticator")
        #expect(auth["authorize_url"] == "https://ml-platform.auth.us-west-2.amazoncognito.com/oauth2/authorize")
        #expect(auth["token_url"] == "https://ml-platform.auth.us-west-2.amazoncognito.com/oauth2/token")
        #expect(auth["userdata_from_id_token"] == true, "Cognito's groups are in the ID token, not userInfo")
        #expect(auth["oauth_callback_url"] == "https://notebooks.example.com/hub/oauth_callback")
        #expect(auth["client_id"] == "<secret jupyterhub-cognito-oauth/client_id>")
        #expect(auth["client_secret"] == "<secret jupyterhub-cognito-oauth/client_secret>")
        #expect(auth["username_claim"] == "email")
        #expect(auth["auth_state_groups_key"] == "oauth_user.cognito:groups")
        #expect(auth["manage_groups"] == true)
        #expect(auth["allowed_groups"]?.arrayValue?.contains("ml-research") == true)
        #expect(auth["admin_groups"] == ["platform-admins"])
    }

    @Test func genericOAuthSignInHasEveryURLItNeeds() async throws {
        let report = try await Self.run(["users": []], edit: Self.signIn("""
                        type: generic-oauth
                        oauth:
                          authorizeUrl: https://login.example.com/authorize
                          tokenUrl: https://login.example.com/token
                          userdataUrl: https://login.example.com/userinfo
                          groupsClaim: roles

                """))
        let auth = try #require(report["authenticator"])
        #expect(auth["class"] == "oauthenticator.generic.GenericOAuthenticator")
        #expect(auth["authorize_url"] == "https://login.example.com/authorize")
        #expect(auth["token_url"] == "https://login.example.com/token")
        #expect(auth["userdata_url"] == "https://login.example.com/userinfo")
        #expect(auth["oauth_callback_url"] == "https://notebooks.example.com/hub/oauth_callback")
        #expect(auth["auth_state_groups_key"] == "oauth_user.roles")
        #expect(auth["client_id"] == "<secret jupyterhub-cognito-oauth/client_id>")
    }

    @Test func gitHubSignInMapsTeamsToGroups() async throws {
        let report = try await Self.run(["users": []], edit: Self.signIn("        type: github\n        github:\n          organizations: [example-org]\n"))
        let auth = try #require(report["authenticator"])
        #expect(auth["class"] == "oauthenticator.github.GitHubOAuthenticator")
        #expect(auth["authorize_url"] == "https://github.com/login/oauth/authorize")
        #expect(auth["token_url"] == "https://github.com/login/oauth/access_token")
        #expect(auth["userdata_url"] == "https://api.github.com/user")
        #expect(auth["oauth_callback_url"] == "https://notebooks.example.com/hub/oauth_callback")
        #expect(auth["allowed_organizations"] == ["example-org"])
        #expect(auth["populate_teams_in_auth_state"] == true)
        #expect(auth["groupsFromSampleTeams"] == ["example-org:ml-research"])
        #expect(auth["client_id"] == "<secret jupyterhub-cognito-oauth/client_id>")
    }

    @Test func nativeSignUpNeedsAnAdminsApproval() async throws {
        let report = try await Self.run(["users": []], edit: Self.signIn("        type: native\n        adminUsers: [admin@example.com]\n"))
        let auth = try #require(report["authenticator"])
        #expect(auth["class"] == "nativeauthenticator.nativeauthenticator.NativeAuthenticator")
        #expect(auth["open_signup"] == false)
        #expect(auth["minimum_password_length"] == 12)
        #expect(auth["admin_users"] == ["admin@example.com"])
        #expect(auth["allow_all"] == true)
    }

    /// The template with another sign-in: `auth.type` replaced by `settings` and the Cognito block removed.
    static func signIn(_ settings: String) -> (URL) throws -> Void {
        { repo in
            try edit(repo, "cluster.yaml", "        type: cognito\n", settings)
            try dropCognito(repo)
        }
    }

    /// Removes the template's `auth.cognito` block (from `cognito:` to the comment after it).
    static func dropCognito(_ repo: URL) throws {
        let url = repo.appendingPathComponent("cluster.yaml")
        let text = try String(contentsOf: url, encoding: .utf8)
        let start = try #require(text.range(of: "        cognito:\n"))
        let end = try #require(text.range(of: "        # Members of these", range: start.upperBound..<text.endIndex))
        try text.replacingCharacters(in: start.lowerBound..<end.lowerBound, with: "").write(to: url, atomically: true, encoding: .utf8)
    }
}
