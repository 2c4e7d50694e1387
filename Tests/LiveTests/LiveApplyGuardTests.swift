import FairwayCore
import FairwayTestSupport
import Foundation
import Testing

extension LiveEndToEnd {
    /// What apply must never do, against the test API server: prune on a commit that removes most
    /// tenants (the deletion guard), prune anything from a commit that does not parse, or delete a
    /// namespace where RayJobs or notebooks still run without that namespace being named.
    @Suite(.serialized, .enabled(if: Tools.installed("kubectl"), "needs kubectl (bash scripts/setup)"))
    struct LiveApplyGuardTests {
        /// A Git repository of synthetic platforms, one commit per state, and the cluster to apply them to.
        struct World {
            let cluster: ClusterProcess
            let work: String

            var sandbox: ClientSandbox { cluster.sandbox }

            func git(_ arguments: [String]) async throws {
                let outcome = try await ChildProcess.run("/usr/bin/git", ["-C", work] + arguments, environment: [
                    "HOME": sandbox.directory.path, "GIT_AUTHOR_NAME": "Platform", "GIT_AUTHOR_EMAIL": "platform@example.com",
                    "GIT_COMMITTER_NAME": "Platform", "GIT_COMMITTER_EMAIL": "platform@example.com", "PATH": "/usr/bin:/bin",
                ])
                try #require(outcome.status == 0, "git \(arguments): \(outcome.stderrText)")
            }

            /// Replaces the repository's files with a synthetic platform of `tenants` tenants (at most 20
            /// deletions per apply) and commits it.
            func commit(tenants: Int, message: String, edit: (String) throws -> Void = { _ in }) async throws {
                for entry in try FileManager.default.contentsOfDirectory(atPath: work) where entry != ".git" {
                    try FileManager.default.removeItem(atPath: "\(work)/\(entry)")
                }
                let generated = try await ChildProcess.run("/usr/bin/python3", [Paths.root.appendingPathComponent("scripts/gen-synthetic-repo.py").path,
                                                                              String(tenants), work])
                try #require(generated.status == 0, "\(generated.stderrText)")
                let cluster = "\(work)/cluster.yaml"
                let text = try String(contentsOfFile: cluster, encoding: .utf8)
                try text.replacingOccurrences(of: "reconcile: {interval: 5m, prune: true}", with: "reconcile: {interval: 5m, prune: true, maxDeletions: 20}")
                    .write(toFile: cluster, atomically: true, encoding: .utf8)
                try edit(work)
                try await git(["add", "-A"])
                try await git(["commit", "-q", "-m", message])
            }

            /// `fairway apply --repo` at the branch's head, objects only.
            func apply(_ extra: [String] = []) async throws -> ChildProcess.Outcome {
                try await ChildProcess.run(Paths.binaries.appendingPathComponent("fairway").path,
                                           ["apply", "--repo", "file://\(work)", "--ref", "main", "--cache", sandbox.directory.path + "/cache",
                                            "--kubeconfig", sandbox.kubeconfig, "--no-eks", "--no-helm", "--auto-approve"] + extra,
                                           environment: sandbox.environment, timeout: 300)
            }

            /// Every object the cluster stores, and the newest resourceVersion.
            func stored() async throws -> JSONValue {
                let got = try await sandbox.kubectl(["get", "--raw", "/fairway-admin/objects"])
                return try JSONReader.parse(Array(got.stdout.utf8))
            }
        }

        static func withWorld(_ body: (World) async throws -> Void) async throws {
            try await ClusterProcess.with { cluster in
                for file in try Paths.referenceCRDs() {
                    let applied = try await cluster.sandbox.kubectl(["apply", "--server-side", "-f", file])
                    try #require(applied.status == 0, "\(applied)")
                }
                let work = cluster.sandbox.directory.appendingPathComponent("platform").path
                try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
                let world = World(cluster: cluster, work: work)
                try await world.git(["init", "-q", "-b", "main"])
                try await body(world)
            }
        }

        /// Removes tenants from a synthetic repository: their files, Ray workloads and policy entries
        /// (the node pools stay as they are, sized for all of them).
        static func removeTenants(_ numbers: ClosedRange<Int>, from work: String) throws {
            for number in numbers {
                let name = String(format: "team-%05d", number)
                try FileManager.default.removeItem(atPath: "\(work)/tenants/\(name).yaml")
                try FileManager.default.removeItem(atPath: "\(work)/ray/\(name)")
                let policy = "\(work)/policies/default.yaml"
                let lines = try String(contentsOfFile: policy, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
                try lines.filter { !$0.contains(name + ":") }.joined(separator: "\n").write(toFile: policy, atomically: true, encoding: .utf8)
            }
        }

        @Test func guardAndBrokenCommitsNeverPruneAndBusyNamespacesNeedNaming() async throws {
            try await Self.withWorld { world in
                try await world.commit(tenants: 5, message: "five tenants")
                let first = try await world.apply()
                try #require(first.status == 0, "\(first.stderrText)")
                let before = try await world.stored()

                // A commit that removes 80% of the tenants: refused by the deletion guard, nothing touched.
                try await world.commit(tenants: 5, message: "remove four of five tenants") { work in
                    try Self.removeTenants(1...4, from: work)
                }
                let guarded = try await world.apply()
                #expect(guarded.status == 1)
                #expect(guarded.stderrText.contains("apply refused: the plan deletes"), "\(guarded.stderrText)")
                #expect(guarded.stderrText.contains("the limit is 20"))
                #expect(try await world.stored() == before)

                // A commit that removes one tenant and breaks another's YAML: an error naming the file and
                // line, and nothing pruned.
                try await world.commit(tenants: 5, message: "remove a tenant, break a file") { work in
                    try Self.removeTenants(4...4, from: work)
                    try "apiVersion: fairway.dev/v1alpha1\nkind: Tenant\nmetadata: {name: team-00000\n"
                        .write(toFile: "\(work)/tenants/team-00000.yaml", atomically: true, encoding: .utf8)
                }
                let broken = try await world.apply()
                #expect(broken.status == 1)
                #expect(broken.stderrText.contains("tenants/team-00000.yaml:"), "\(broken.stderrText)")
                #expect(try await world.stored() == before)
                let kept = try await world.sandbox.kubectl(["get", "namespace", "team-00004-ns0", "-o", "name"])
                #expect(kept.status == 0, "the removed tenant's namespace must still be there")

                // The tenant really removed: its namespaces hold RayJobs that have not finished and a
                // notebook, so the namespaces must be named before they go.
                let notebook = """
                    apiVersion: v1
                    kind: Pod
                    metadata: {name: jupyter-ana, namespace: team-00004-ns1, labels: {component: singleuser-server}}
                    spec: {containers: [{name: notebook, image: quay.io/jupyter/scipy-notebook:2025-06-16}]}
                    """
                let started = try await world.sandbox.kubectl(["apply", "--server-side", "-f", try world.sandbox.write("pod.yaml", notebook)])
                try #require(started.status == 0, "\(started)")
                let withNotebook = try await world.stored()
                try await world.commit(tenants: 5, message: "remove a tenant") { work in try Self.removeTenants(4...4, from: work) }
                let busy = try await world.apply(["--max-deletions", "200"])
                #expect(busy.status == 1)
                #expect(busy.stderrText.contains("team-00004-ns0: 1 running RayJob(s) (work-0)"), "\(busy.stderrText)")
                #expect(busy.stderrText.contains("team-00004-ns1: 1 notebook pod(s) (jupyter-ana)"), "\(busy.stderrText)")
                #expect(busy.stderrText.contains("--confirm-delete-namespace"))
                #expect(try await world.stored() == withNotebook)

                let confirmed = try await world.apply(["--max-deletions", "200", "--output", "json",
                                                       "--confirm-delete-namespace", "team-00004-ns0", "--confirm-delete-namespace", "team-00004-ns1",
                                                       "--confirm-delete-namespace", "team-00004-ns3"])
                #expect(confirmed.status == 0, "\(confirmed.stderrText)")
                let report = try JSONReader.parse(confirmed.stdout)
                let results = report["results"]?.arrayValue ?? []
                #expect(!results.isEmpty && results.allSatisfy { $0["outcome"] == "applied" })
                // What goes is the removed tenant's; the others' shares are updated, not deleted.
                let deleted = results.filter { $0["action"] == "delete" }
                #expect(deleted.count >= 5)
                #expect(deleted.allSatisfy { ($0["namespace"]?.stringValue ?? $0["name"]?.stringValue ?? "").hasPrefix("team-00004") },
                        "\(deleted.map { JSONWriter.string($0) })")
                let gone = try await world.sandbox.kubectl(["get", "namespace", "team-00004-ns0", "-o", "jsonpath={.status.phase}"])
                #expect(gone.status != 0 || gone.stdout == "Terminating", "\(gone)")
            }
        }
    }
}
