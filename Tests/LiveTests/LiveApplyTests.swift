import FairwayCore
import FairwayTestSupport
import Foundation
import Testing

extension LiveEndToEnd {
    /// `fairway apply` against real peers, all started here: the test API server (its own process),
    /// moto_server for EKS and the real helm. Only Karpenter's CRDs are installed beforehand (Karpenter
    /// comes with the cluster); Kueue's and KubeRay's come from their charts, so their objects can only
    /// be applied after their releases.
    @Suite(.serialized) struct LiveApplyTests {
        typealias World = LivePlanTests.World

        static func withWorld(clusterArguments: [String] = [], _ body: (World, _ charts: String) async throws -> Void) async throws {
            try await LivePlanTests.withWorld(crds: { $0.contains("/karpenter/") }, clusterArguments: clusterArguments) { world in
                let crds = try Paths.referenceCRDs()
                for release in try RenderedReleases.read(world.render + "/helm/releases.yaml") {
                    let brings = crds.filter { $0.contains(release.chart == "kueue" ? "/kueue/" : "/kuberay/") }
                    _ = try await LivePlanTests.localChart(release.chart, version: release.version,
                                                           crds: ["kueue", "kuberay-operator"].contains(release.chart) ? brings : [],
                                                           in: world.sandbox)
                }
                try await body(world, world.sandbox.directory.appendingPathComponent("charts").path)
            }
        }

        static func report(_ outcome: ChildProcess.Outcome) throws -> JSONValue {
            try JSONReader.parse(outcome.stdout)
        }

        /// Each result's subject as one string: `ConfigMap/ns/name`, `node group x`, `release ns/x`.
        static func subjects(_ report: JSONValue) -> [String] {
            (report["results"]?.arrayValue ?? []).map { result in
                if let group = result["nodeGroup"]?.stringValue { return "node group \(group)" }
                if let release = result["release"]?.stringValue { return "release \(release)" }
                let namespace = result["namespace"]?.stringValue.map { "\($0)/" } ?? ""
                return "\(result["kind"]?.stringValue ?? "")/\(namespace)\(result["name"]?.stringValue ?? "")"
            }
        }

        func edit(_ world: World, _ file: String, _ old: String, _ new: String) throws {
            let path = "\(world.repo)/\(file)"
            let text = try String(contentsOfFile: path, encoding: .utf8)
            #expect(text.contains(old), "\(old) not in \(file)")
            try text.replacingOccurrences(of: old, with: new).write(toFile: path, atomically: true, encoding: .utf8)
        }

        @Test func applyTemplateThenNothingThenOnlyWhatChanged() async throws {
            try await Self.withWorld { world, charts in
                // 1. The template on an empty cluster: everything, releases before the objects of their kinds.
                let first = try await world.apply(["--output", "json"], charts: charts)
                #expect(first.status == 0, "\(first.stderrText)")
                let report = try Self.report(first)
                #expect(report["succeeded"] == true && report["failed"] == 0 && report["skipped"] == 0)
                let subjects = Self.subjects(report)
                #expect(subjects.count == 130 + 1 + 4, "\(subjects.count)")
                let kueue = try #require(subjects.firstIndex(of: "release kueue-system/kueue"))
                let kuberay = try #require(subjects.firstIndex(of: "release kuberay-system/kuberay-operator"))
                let group = try #require(subjects.firstIndex(of: "node group gpu-h100-mig"))
                #expect(kuberay < kueue, "Kueue's Ray integration needs KubeRay's CRDs first")
                #expect(subjects.firstIndex { $0.hasPrefix("ClusterQueue/") }.map { kueue < $0 && group < $0 } == true)
                #expect(subjects.firstIndex { $0.hasPrefix("RayCluster/") || $0.hasPrefix("RayJob/") }.map { kuberay < $0 } == true)
                #expect(subjects.lastIndex { $0.hasPrefix("Namespace/") }.map { $0 < group } == true)
                let health = (report["results"]?.arrayValue ?? []).compactMap { $0["health"]?.stringValue }
                #expect(health.contains("ACTIVE") && health.contains { $0.hasPrefix("deployed (revision 1)") })

                // 2. A new plan has nothing to do, and kubectl, boto3 and helm read back what was desired.
                let again = try await world.plan(["--detailed-exitcode"])
                #expect(again.status == 0, "\(again.stdoutText)\n\(again.stderrText)")
                #expect(again.stdoutText.contains("No changes."))
                let diff = try await world.sandbox.kubectl(["diff", "--server-side", "--field-manager", "fairway", "--force-conflicts",
                                                            "-R", "-f", world.render + "/kubernetes"])
                #expect(diff.status == 0, "kubectl sees differences from what was desired:\n\(diff.stdout.prefix(3000))\n\(diff.stderr)")
                let described = try await world.boto3("""
                    g = eks.describe_nodegroup(clusterName='ml-platform', nodegroupName='gpu-h100-mig')['nodegroup']
                    print(json.dumps({'scaling': g['scalingConfig'], 'status': g['status'], 'tags': g['tags']}))
                    """, [:])
                #expect(described["status"] == "ACTIVE")
                #expect(described["scaling"] == ["minSize": 0, "maxSize": 1, "desiredSize": 1])
                #expect(described["tags"]?["app.kubernetes.io/managed-by"] == "fairway")
                let listed = try await world.sandbox.helm(["list", "-A", "-o", "json", "--selector", "fairway.dev/release-owner=fairway"])
                let releases = try JSONReader.parse(Array(listed.stdout.utf8)).arrayValue ?? []
                #expect(Set(releases.compactMap { $0["name"]?.stringValue }) == ["kueue", "kuberay-operator", "gpu-operator", "jupyterhub"])
                #expect(releases.allSatisfy { $0["status"] == "deployed" })

                // 3. One tenant, one node pool and one notebook image change: only those are applied.
                try edit(world, "tenants/research.yaml", #"pods: "300""#, #"pods: "400""#)
                try edit(world, "nodepools/gpu-h100-mig.yaml", "desiredNodes: 1 ", "desiredNodes: 0 ")
                try edit(world, "jupyterhub/images.yaml", "scipy-notebook:2025-06-16", "scipy-notebook:2025-07-01")
                let changed = try await world.apply(["--output", "json"], charts: charts)
                #expect(changed.status == 0, "\(changed.stderrText)")
                let changedReport = try Self.report(changed)
                let touched = Self.subjects(changedReport)
                #expect(touched.contains("node group gpu-h100-mig") && touched.contains("release jupyterhub/jupyterhub"))
                let objects = touched.filter { !$0.hasPrefix("node group") && !$0.hasPrefix("release") }
                #expect(!objects.isEmpty && objects.allSatisfy { $0.hasPrefix("ResourceQuota/research") }, "\(touched)")
                #expect(touched.count == objects.count + 2, "\(touched)")
                #expect((changedReport["results"]?.arrayValue ?? []).allSatisfy { $0["action"] == "update" || $0["action"] == "upgrade" })
                let scaled = try await world.boto3("""
                    print(json.dumps(eks.describe_nodegroup(clusterName='ml-platform', nodegroupName='gpu-h100-mig')['nodegroup']['scalingConfig']))
                    """, [:])
                #expect(scaled["desiredSize"] == 0)
                let settled = try await world.plan(["--detailed-exitcode"])
                #expect(settled.status == 0, "\(settled.stdoutText)")

                // 4. A hand edit by another field manager: a conflict, reported, forced only when asked.
                let patched = try await world.sandbox.kubectl(["-n", "research", "patch", "resourcequota", "tenant-quota", "--type", "merge",
                                                               "-p", #"{"spec":{"hard":{"requests.cpu":"999"}}}"#])
                try #require(patched.status == 0, "\(patched)")
                let conflicted = try await world.apply(["--output", "json"], charts: charts)
                #expect(conflicted.status == 1)
                let conflicts = try Self.report(conflicted)["results"]?.arrayValue?.first { $0["outcome"] == "failed" }?["conflicts"]
                #expect(conflicts == [["manager": "kubectl-patch", "field": #".spec.hard.requests.cpu"#]], "\(conflicted.stdoutText)")
                let forced = try await world.apply(["--force-conflicts"], charts: charts)
                #expect(forced.status == 0, "\(forced.stdoutText)\n\(forced.stderrText)")
                #expect(forced.stdoutText.contains("Apply complete."))
                let restored = try await world.sandbox.kubectl(["-n", "research", "get", "resourcequota", "tenant-quota",
                                                                "-o", #"jsonpath={.spec.hard.requests\.cpu}"#])
                #expect(restored.stdout == "256")

                // 5. A change EKS cannot make in place: a new group beside the old, then the old goes.
                try edit(world, "nodepools/gpu-h100-mig.yaml", "capacityTypes:\n      - on-demand", "capacityTypes:\n      - spot")
                let replaced = try await world.apply(["--output", "json"], charts: charts)
                #expect(replaced.status == 0, "\(replaced.stderrText)")
                let replacement = try Self.report(replaced)["results"]?.arrayValue?.first { $0["nodeGroup"] != nil }
                #expect(replacement?["action"] == "replace" && replacement?["outcome"] == "applied", "\(replaced.stdoutText)")
                let groups = try await world.boto3("print(json.dumps(eks.list_nodegroups(clusterName='ml-platform')['nodegroups']))", [:])
                let names = groups.arrayValue?.compactMap(\.stringValue) ?? []
                #expect(names.count == 1 && names.first?.hasPrefix("gpu-h100-mig-") == true, "\(names)")
                let final = try await world.plan(["--detailed-exitcode"])
                #expect(final.status == 0, "\(final.stdoutText)")
            }
        }

        @Test func faultsMidApplyThenASecondApplyConverges() async throws {
            try await Self.withWorld { world, charts in
                // 10% 500s and 10% 429s on every API request (the first two requests get one of each
                // for certain, so both kinds fire however early the apply gives up), and one dropped
                // connection mid-apply.
                let rules: JSONValue = [
                    ["times": 1, "status": 500],
                    ["times": 1, "retryAfter": 0],
                    ["rate": .double(0.1), "status": 500],
                    ["rate": .double(0.1), "retryAfter": 0],
                    ["verb": "PATCH", "path": "/api/v1/namespaces/research", "times": 1, "drop": true],
                ]
                let added = try await world.sandbox.kubectl(["create", "--raw", "/fairway-admin/faults", "-f",
                                                             try world.sandbox.write("faults.json", JSONWriter.string(rules))])
                try #require(added.status == 0, "\(added)")
                let faulty = try await world.apply(["--output", "json"], charts: charts)
                #expect(faulty.status == 0 || faulty.status == 1, "\(faulty.stderrText)")
                if faulty.stdout.isEmpty {
                    // Failed before changing anything (reading the live state ran out of retries): said so.
                    #expect(faulty.status == 1 && faulty.stderrText.contains("error: "), "\(faulty.stderrText)")
                } else {
                    let report = try Self.report(faulty)
                    #expect((report["succeeded"] == true) == (faulty.status == 0))
                    // A clean failure names the failed step's error; nothing after its stage was tried.
                    let results = report["results"]?.arrayValue ?? []
                    if faulty.status != 0 {
                        #expect(results.contains { $0["outcome"] == "failed" && $0["error"]?.stringValue?.isEmpty == false })
                    }
                }
                let log = try await world.sandbox.kubectl(["get", "--raw", "/fairway-admin/requests"])
                let statuses = (try JSONReader.parse(Array(log.stdout.utf8)).arrayValue ?? []).compactMap { $0["status"] }
                #expect(statuses.contains(500) && statuses.contains(429), "the faults fired")

                let cleared = try await world.sandbox.kubectl(["delete", "--raw", "/fairway-admin/faults"])
                try #require(cleared.status == 0, "\(cleared)")
                let second = try await world.apply(["--output", "json"], charts: charts)
                #expect(second.status == 0, "\(second.stderrText)")
                let settled = try await world.planJSON()
                #expect(settled["summary"]?["create"] == 0 && settled["summary"]?["update"] == 0 && settled["summary"]?["delete"] == 0)
                #expect(settled["summary"]?["unchanged"] == 130)
                #expect(settled["nodeGroups"] == [] && settled["releases"] == [])
                // Nothing lost and nothing extra: every desired object is in place, and no owned object
                // outside Git is left over (the plan lists every owned object of the managed kinds, and would
                // delete any that Git does not want).
            }
        }
    }
}
