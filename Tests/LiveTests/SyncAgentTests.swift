import FairwayCore
import FairwayTestSupport
import Foundation
import Testing

extension LiveEndToEnd {
    /// `fairway sync` as a process against real peers: the test API server, moto_server, the real helm
    /// and a `git daemon`. The agent applies the template, follows pushes within one interval or at
    /// once through a signed webhook, keeps the cluster at the last good commit while a commit is
    /// invalid (and says so in its status and metrics), corrects kubectl drift at the next drift
    /// check, and hands over to a standby when its leader dies.
    @Suite(.serialized) struct SyncAgentTests {
        typealias World = LivePlanTests.World
        static let webhookSecret = "webhook-secret-9d2f61"

        static let adminToken = "admin-token-5b1e07"
        static let agentToken = "agent-token-c4a9d2"
        static let namespace = "fairway-system"

        /// The world, a git daemon serving the template, the agent's namespace, its webhook secret
        /// file, and the agent chart's RBAC: the cluster (HTTPS, since clients send tokens only over TLS) evaluates RBAC, and the agent's kubeconfig
        /// (`agent.kubeconfig`) is its service account's token, bound by the chart's roles and
        /// nothing else. Helm releases run as the admin, standing in for the chart's Helm identity.
        static func withAgentWorld(_ body: (World, GitDaemon, _ charts: String) async throws -> Void) async throws {
            let tokens = ["--tls", "--token", adminToken, "--service-account-token", "\(agentToken)=\(namespace)/fairway"]
            try await LiveApplyTests.withWorld(clusterArguments: tokens) { world, charts in
                let git = try await GitDaemon(template: world.repo, in: world.sandbox.directory.appendingPathComponent("sync"))
                defer { git.stop() }
                let created = try await world.sandbox.kubectl(["create", "namespace", namespace])
                try #require(created.status == 0, "\(created)")
                try await installChartRBAC(world)
                let kubeconfig = try String(contentsOfFile: world.sandbox.kubeconfig, encoding: .utf8)
                try #require(kubeconfig.contains(adminToken))
                _ = try world.sandbox.write("agent.kubeconfig", kubeconfig.replacingOccurrences(of: adminToken, with: agentToken))
                _ = try world.sandbox.write("webhook-secret", webhookSecret + "\n")
                try await body(world, git, charts)
            }
        }

        /// The agent chart's ServiceAccount, ClusterRole, Role, their bindings and the notebook spawner
        /// ClusterRole, as `helm template` renders them, applied by the admin.
        static func installChartRBAC(_ world: World) async throws {
            let templates = ["serviceaccount", "clusterrole", "clusterrolebinding", "role", "rolebinding", "notebook-spawner-clusterrole"]
            let rendered = try await world.sandbox.helm(["template", "fairway", AgentChartTests.chart, "--namespace", namespace]
                + templates.flatMap { ["--show-only", "templates/\($0).yaml"] })
            try #require(rendered.status == 0, "\(rendered)")
            let applied = try await world.sandbox.kubectl(["apply", "--server-side", "-n", namespace, "-f", "-"], stdin: rendered.stdout)
            try #require(applied.status == 0, "\(applied)")
        }

        /// The kubeconfig with the agent's service-account token.
        static func agentKubeconfig(_ world: World) -> String {
            world.sandbox.directory.appendingPathComponent("agent.kubeconfig").path
        }

        /// kubectl as the agent's service account.
        static func kubectlAsAgent(_ world: World, _ arguments: [String]) async throws -> Run {
            try await world.sandbox.kubectl(["--kubeconfig", agentKubeconfig(world)] + arguments)
        }

        static func agent(_ world: World, _ git: GitDaemon, charts: String, identity: String, _ extra: [String]) throws -> AgentProcess {
            var environment = world.environment
            environment["FAIRWAY_LOG_LEVEL"] = "info"
            let cache = world.sandbox.directory.appendingPathComponent("cache-\(identity)").path
            return try AgentProcess(["--repo", git.url, "--ref", "main",
                                     "--kubeconfig", agentKubeconfig(world),
                                     "--helm-kubeconfig", world.sandbox.kubeconfig,
                                     "--aws-endpoint-url", world.moto.url.description, "--helm", Tools.path("helm")!, "--charts", charts,
                                     "--cache", cache, "--webhook-secret-file", world.sandbox.directory.appendingPathComponent("webhook-secret").path]
                                    + extra, identity: identity, environment: environment, directory: world.sandbox.directory)
        }

        /// The agent's status, read from its ConfigMap with kubectl.
        static func status(_ world: World) async throws -> JSONValue? {
            let read = try await world.sandbox.kubectl(["-n", "fairway-system", "get", "configmap", "fairway-status", "-o", "json"])
            guard read.status == 0, let text = try JSONReader.parse(Array(read.stdout.utf8))["data"]?["status.json"]?.stringValue else { return nil }
            return try JSONReader.parse(Array(text.utf8))
        }

        static func quota(_ world: World, _ field: String) async throws -> String {
            try await world.sandbox.kubectl(["-n", "research", "get", "resourcequota", "tenant-quota", "-o", "jsonpath={.spec.hard.\(field)}"]).stdout
        }

        /// Every Fairway-owned object's resourceVersion, to show that nothing was written.
        static func versions(_ world: World) async throws -> String {
            try await world.sandbox.kubectl(["get", "namespaces,resourcequotas,limitranges,rolebindings,networkpolicies,localqueues,clusterqueues",
                                             "-A", "-l", "app.kubernetes.io/managed-by=fairway",
                                             "-o", "jsonpath={range .items[*]}{.kind}/{.metadata.name}={.metadata.resourceVersion} {end}"]).stdout
        }

        @Test func followsPushesKeepsTheLastGoodCommitAndCorrectsDrift() async throws {
            try await Self.withAgentWorld { world, git, charts in
                let first = try await git.head()
                let agent = try Self.agent(world, git, charts: charts, identity: "agent-a", ["--interval", "3s"])
                defer { Task { await agent.stop(SIGKILL) } }

                // 1. The template is applied from the first commit.
                let initial = try await eventually("the first commit applied", timeout: .seconds(300)) {
                    try await Self.status(world)?["lastAppliedCommit"]?.stringValue == first
                }
                var status = try #require(try await Self.status(world))
                #expect(status["result"] == "applied" && status["errors"] == [], "\(status)\n\(agent.logText.suffix(3000))")
                #expect(status["lastRun"]?["apply"]?["applied"] == 135, "\(status)")
                #expect(try await Self.quota(world, "pods") == "300")
                print("sync: template applied \(initial) after start")

                // 1b. It did so under the chart's RBAC, which cannot be turned into more.
                try await Self.expectNoEscalation(world)

                // 2. A pushed change to one tenant is applied within one interval.
                try git.edit("tenants/research.yaml", #"pods: "300""#, #"pods: "400""#)
                let second = try await git.commit("research: 400 pods")
                let followed = try await eventually("the quota change applied", timeout: .seconds(90)) { try await Self.quota(world, "pods") == "400" }
                status = try #require(try await Self.status(world))
                #expect(status["lastAppliedCommit"]?.stringValue == second && status["lastRun"]?["trigger"] == "interval")
                // Only the research namespaces' quotas: no creates, deletes, node groups or releases.
                let plan = status["lastRun"]?["plan"]
                #expect(plan?["create"] == 0 && plan?["delete"] == 0 && plan?["nodeGroups"] == 0 && plan?["releases"] == 0, "\(status)")
                #expect((plan?["update"]?.intValue ?? 0) >= 1 && status["lastRun"]?["apply"]?["applied"] == plan?["update"], "\(status)")
                print("sync: pushed commit applied \(followed) after the push (interval 3s)")

                // 3. A commit with a YAML error: reported in status and metrics, the cluster left as it was.
                let before = try await Self.versions(world)
                try git.write("tenants/broken.yaml", "apiVersion: fairway.dev/v1\nkind: Tenant\nmetadata: {name: broken\n  spec: [\n")
                let broken = try await git.commit("a broken tenant")
                try await eventually("the invalid commit reported") {
                    let current = try await Self.status(world)
                    return current?["lastFetchedCommit"]?.stringValue == broken && current?["result"] == "invalid"
                }
                status = try #require(try await Self.status(world))
                let errors = status["errors"]?.arrayValue?.compactMap(\.stringValue) ?? []
                #expect(errors.contains { $0.hasPrefix("tenants/broken.yaml:3:") && $0.contains("yaml") }, "\(errors)")
                #expect(status["lastAppliedCommit"]?.stringValue == second)
                #expect(try await agent.metric("fairway_commit_invalid") == 1)
                #expect((try await agent.metric(#"fairway_sync_runs_total{result="invalid",reason="invalid-repository"}"#) ?? 0) >= 1)
                let events = try await world.sandbox.kubectl(["-n", "fairway-system", "get", "events", "-o", "jsonpath={.items[*].reason}"])
                #expect(events.stdout.contains("InvalidCommit"), "\(events)")
                try await Task.sleep(for: .seconds(4))
                #expect(try await Self.versions(world) == before, "an invalid commit changed the cluster")
                #expect(try await Self.quota(world, "pods") == "400")

                // 4. Drift made by kubectl is corrected at the next drift check, even while the head is invalid
                //    (the last good commit is what the cluster is kept at).
                let patched = try await world.sandbox.kubectl(["-n", "research", "patch", "resourcequota", "tenant-quota", "--type", "merge",
                                                               "-p", #"{"spec":{"hard":{"requests.cpu":"999"}}}"#])
                try #require(patched.status == 0, "\(patched)")
                let corrected = try await eventually("the drift corrected", timeout: .seconds(60)) {
                    try await Self.quota(world, #"requests\.cpu"#) == "256"
                }
                #expect((try await agent.metric("fairway_drift_objects") ?? 0) >= 1)
                print("sync: kubectl drift corrected \(corrected) after the edit (drift interval 3s)")

                // 5. A removed file prunes what it described (delete, under the same RBAC); the broken tenant goes too.
                try git.remove("tenants/broken.yaml")
                try git.remove("ray/students/ray-intro.yaml")
                _ = try await git.commit("students: no intro cluster")
                try await eventually("the removed RayCluster pruned", timeout: .seconds(90)) {
                    try await world.sandbox.kubectl(["-n", "students", "get", "raycluster", "ray-intro"]).status != 0
                }
                status = try #require(try await Self.status(world))
                #expect(status["result"] == "applied" && status["errors"] == [], "\(status)\n\(agent.logText.suffix(3000))")

                // 6. SIGTERM: the agent releases its Lease and exits cleanly.
                let exit = await agent.stop(SIGTERM)
                #expect(exit == 0, "\(agent.logText.suffix(2000))")
                let lease = try await world.sandbox.kubectl(["-n", "fairway-system", "get", "lease", "fairway-sync", "-o", "jsonpath={.spec.holderIdentity}"])
                #expect(lease.stdout == "")
                #expect(!agent.logText.contains(Self.webhookSecret) && !agent.logText.contains(LivePlanTests.plantedValue))
            }
        }

        /// As the agent: binding cluster-admin (cluster-wide or in a tenant namespace), writing a
        /// ClusterRole or a Role, reading Secrets and writing Deployments are all forbidden.
        static func expectNoEscalation(_ world: World) async throws {
            let account = "--serviceaccount=\(namespace):fairway"
            let attempts: [(arguments: [String], says: String)] = [
                (["create", "clusterrolebinding", "fairway-takeover", "--clusterrole=cluster-admin", account], "cannot create resource \"clusterrolebindings\""),
                (["-n", "research", "create", "rolebinding", "takeover", "--clusterrole=cluster-admin", account],
                 "is attempting to grant RBAC permissions not currently held"),
                (["create", "clusterrole", "anything", "--verb=*", "--resource=*"], "cannot create resource \"clusterroles\""),
                (["-n", "research", "create", "role", "pods", "--verb=create", "--resource=pods"], "cannot create resource \"roles\""),
                (["get", "secrets", "-A"], "cannot list resource \"secrets\""),
                (["-n", "research", "create", "deployment", "miner", "--image=busybox"], "cannot create resource \"deployments\""),
            ]
            for attempt in attempts {
                let run = try await kubectlAsAgent(world, attempt.arguments)
                #expect(run.status != 0 && run.stderr.contains("forbidden") && run.stderr.contains(attempt.says),
                        "kubectl \(attempt.arguments.joined(separator: " ")) as the agent: \(run)")
            }
            #expect(try await world.sandbox.kubectl(["get", "clusterrolebinding", "fairway-takeover"]).status != 0)
        }

        @Test func aSignedWebhookSyncsAtOnceAndABadSignatureChangesNothing() async throws {
            try await Self.withAgentWorld { world, git, charts in
                let first = try await git.head()
                // An interval far longer than the test: only the webhook can bring the next commit.
                let agent = try Self.agent(world, git, charts: charts, identity: "agent-w", ["--interval", "1h"])
                defer { Task { await agent.stop(SIGKILL) } }
                try await eventually("the first commit applied", timeout: .seconds(300)) {
                    try await Self.status(world)?["lastAppliedCommit"]?.stringValue == first
                }
                #expect(try await agent.http("/readyz").0 == 200)

                try git.edit("tenants/research.yaml", #"pods: "300""#, #"pods: "500""#)
                let pushed = try await git.commit("research: 500 pods")
                let payload = #"{"ref":"refs/heads/main","after":"\#(pushed)","repository":{"default_branch":"main"}}"#
                let unsigned = try await agent.http("/webhook", method: "POST", headers: ["X-GitHub-Event": "push"], body: payload)
                let forged = try await agent.http("/webhook", method: "POST", headers: [
                    "X-GitHub-Event": "push", "X-Hub-Signature-256": githubSignature(payload, secret: "not-the-secret")], body: payload)
                let wrongToken = try await agent.http("/webhook", method: "POST", headers: ["X-Gitlab-Event": "Push Hook", "X-Gitlab-Token": "nope"],
                                                      body: payload)
                #expect(unsigned.0 == 401 && forged.0 == 401 && wrongToken.0 == 401)
                try await Task.sleep(for: .seconds(3))
                #expect(try await Self.status(world)?["lastFetchedCommit"]?.stringValue == first, "a refused webhook triggered a sync")
                #expect(try await Self.quota(world, "pods") == "300")

                let signed = try await agent.http("/webhook", method: "POST", headers: [
                    "X-GitHub-Event": "push", "X-Hub-Signature-256": githubSignature(payload, secret: Self.webhookSecret)], body: payload)
                #expect(signed.0 == 202, "\(signed)")
                let took = try await eventually("the webhook's commit applied", timeout: .seconds(60)) { try await Self.quota(world, "pods") == "500" }
                let status = try #require(try await Self.status(world))
                #expect(status["lastAppliedCommit"]?.stringValue == pushed && status["lastRun"]?["trigger"] == "webhook")
                print("sync: webhook commit applied \(took) after the signed push event (interval 1h)")
                #expect(!agent.logText.contains(Self.webhookSecret))
            }
        }

        @Test func whenTheLeaderDiesTheStandbyTakesOverWithinTheLeaseDuration() async throws {
            try await Self.withAgentWorld { world, git, charts in
                let first = try await git.head()
                let options = ["--interval", "2s", "--lease-duration", "4s"]
                let a = try Self.agent(world, git, charts: charts, identity: "agent-a", options)
                try await eventually("agent-a leads", timeout: .seconds(30)) { try await Self.holder(world) == "agent-a" }
                let b = try Self.agent(world, git, charts: charts, identity: "agent-b", options)
                defer { Task { await a.stop(SIGKILL); await b.stop(SIGKILL) } }
                try await eventually("the first commit applied", timeout: .seconds(300)) {
                    try await Self.status(world)?["lastAppliedCommit"]?.stringValue == first
                }
                try await eventually("the standby ready", timeout: .seconds(30)) { try await b.http("/readyz").0 == 200 }
                #expect(try await Self.holder(world) == "agent-a")
                let standbyLeads = try await b.metric("fairway_leader"), leaderLeads = try await a.metric("fairway_leader")
                #expect(standbyLeads == 0 && leaderLeads == 1)

                // The leader dies without releasing its Lease; a commit arrives meanwhile.
                await a.stop(SIGKILL)
                let killed = ContinuousClock.now
                try git.edit("tenants/research.yaml", #"pods: "300""#, #"pods: "600""#)
                let pushed = try await git.commit("research: 600 pods")
                let takeover = try await eventually("agent-b leads", timeout: .seconds(30), every: .milliseconds(100)) {
                    try await Self.holder(world) == "agent-b"
                }
                try await eventually("agent-b applies the new commit", timeout: .seconds(60)) { try await Self.quota(world, "pods") == "600" }
                let applied = ContinuousClock.now - killed
                let status = try #require(try await Self.status(world))
                #expect(status["leader"] == "agent-b" && status["lastAppliedCommit"]?.stringValue == pushed)
                // The Lease runs out 4 s after the last renewal; the standby checks every 0.8 s.
                #expect(takeover < .seconds(4) + .milliseconds(2500), "took \(takeover)")
                print("sync failover: agent-b leads \(takeover) after agent-a was killed (lease 4s); applied the new commit \(applied) after the kill")
            }
        }

        static func holder(_ world: World) async throws -> String? {
            let read = try await world.sandbox.kubectl(["-n", "fairway-system", "get", "lease", "fairway-sync", "-o", "jsonpath={.spec.holderIdentity}"])
            return read.status == 0 ? read.stdout : nil
        }
    }
}
