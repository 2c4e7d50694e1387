import FairwayCore
import FairwayTestSupport
import Foundation
import Testing

extension LiveEndToEnd {
    /// `fairway apply` with the real JupyterHub chart (z2jh 4.4.0, from ../shared/charts) where the
    /// other suites use a hand-made stand-in: its pre-install hook (the hook-image-puller DaemonSet and
    /// the hook-image-awaiter Job, which helm waits for) runs against the test API server's Job
    /// controller, `--wait` sees the hub roll out, and a second plan finds nothing to change; a new
    /// notebook image upgrades it, running the pre-upgrade hook again, and settles the same way. The
    /// other add-ons stay stand-ins. Only that the release installs and settles is asserted, not the values.
    @Suite(.serialized) struct JupyterHubChartApplyTests {
        /// The real chart, or nil (the test is skipped, or fails under CI) when ../shared/charts lacks it.
        static func realChart() -> String? {
            let path = Paths.root.deletingLastPathComponent().appendingPathComponent("shared/charts/jupyterhub-4.4.0.tgz").path
            if FileManager.default.fileExists(atPath: path) { return path }
            if Tools.inCI {
                Issue.record("\(path) is missing: the JupyterHub chart test needs the real chart")
            } else {
                print("skipping: \(path) is missing")
            }
            return nil
        }

        @Test func realChartInstallsThenASecondPlanIsEmpty() async throws {
            guard let real = Self.realChart() else { return }
            try await LivePlanTests.withWorld(crds: { $0.contains("/karpenter/") }) { world in
                let crds = try Paths.referenceCRDs()
                let charts = world.sandbox.directory.appendingPathComponent("charts").path
                try FileManager.default.createDirectory(atPath: charts, withIntermediateDirectories: true)
                for release in try RenderedReleases.read(world.render + "/helm/releases.yaml") {
                    if release.chart == "jupyterhub" {
                        #expect(release.version == "4.4.0", "the template pins another chart version than ../shared/charts holds")
                        try FileManager.default.copyItem(atPath: real, toPath: "\(charts)/jupyterhub-\(release.version).tgz")
                        continue
                    }
                    let brings = crds.filter { $0.contains(release.chart == "kueue" ? "/kueue/" : "/kuberay/") }
                    _ = try await LivePlanTests.localChart(release.chart, version: release.version,
                                                           crds: ["kueue", "kuberay-operator"].contains(release.chart) ? brings : [],
                                                           in: world.sandbox)
                }

                // 1. The template on an empty cluster, the hub from its real chart.
                let applied = try await world.apply(["--output", "json"], charts: charts)
                try #require(applied.status == 0, "\(applied.stdoutText)\n\(applied.stderrText)")
                let report = try JSONReader.parse(applied.stdout)
                #expect(report["succeeded"] == true && report["failed"] == 0, "\(applied.stdoutText)")
                let hub = (report["results"]?.arrayValue ?? []).first { $0["release"] == "jupyterhub/jupyterhub" }
                #expect(hub?["health"]?.stringValue?.hasPrefix("deployed (revision 1)") == true, "\(hub.map { JSONWriter.string($0) } ?? "")")

                // 2. helm says it is deployed from the real chart, and that its hook Job ran to completion.
                let status = try await world.sandbox.helm(["status", "jupyterhub", "-n", "jupyterhub", "-o", "json"])
                try #require(status.status == 0, "\(status)")
                let release = try JSONReader.parse(Array(status.stdout.utf8))
                #expect(release["info"]?["status"] == "deployed")
                let metadata = try JSONReader.parse(Array(try await world.sandbox.helm(["get", "metadata", "jupyterhub", "-n", "jupyterhub",
                                                                                        "-o", "json"]).stdout.utf8))
                #expect(metadata["chart"] == "jupyterhub" && metadata["version"] == "4.4.0", "\(metadata)")
                #expect(metadata["appVersion"]?.stringValue?.isEmpty == false, "the real chart, not a stand-in: \(metadata)")
                let hooks = release["hooks"]?.arrayValue ?? []
                let awaiter = hooks.first { $0["kind"] == "Job" && $0["name"] == "hook-image-awaiter" }
                #expect(awaiter?["last_run"]?["phase"] == "Succeeded", "\(hooks.map { "\($0["kind"] ?? "") \($0["name"] ?? ""): \($0["last_run"] ?? "")" })")
                #expect(hooks.contains { $0["kind"] == "DaemonSet" && $0["name"] == "hook-image-puller" && $0["last_run"]?["phase"] == "Succeeded" })
                // Deleted once it succeeded, as its hook-delete-policy asks (helm watched it complete first).
                let job = try await world.sandbox.kubectl(["-n", "jupyterhub", "get", "job", "hook-image-awaiter", "-o", "name"])
                #expect(job.status != 0 && job.stderr.contains("NotFound"), "\(job)")
                let listed = try await world.sandbox.helm(["list", "-n", "jupyterhub", "-o", "json"])
                let releases = try JSONReader.parse(Array(listed.stdout.utf8)).arrayValue ?? []
                #expect(releases.map { $0["name"] } == ["jupyterhub"] && releases.first?["status"] == "deployed", "\(listed)")

                // 3. The chart's hub and proxy are in place, rolled out.
                let deployments = try await world.sandbox.kubectl(["-n", "jupyterhub", "get", "deployments", "-o", "json"])
                let names = (try JSONReader.parse(Array(deployments.stdout.utf8))["items"]?.arrayValue ?? [])
                    .compactMap { $0["metadata"]?["name"]?.stringValue }
                #expect(names.contains("hub") && names.contains("proxy"), "\(names)")
                let rolledOut = try await world.sandbox.kubectl(["-n", "jupyterhub", "rollout", "status", "deployment/hub", "--timeout=60s"])
                #expect(rolledOut.status == 0, "\(rolledOut)")

                // 4. Nothing left to do.
                let again = try await world.plan(["--detailed-exitcode"])
                #expect(again.status == 0, "\(again.stdoutText)\n\(again.stderrText)")
                #expect(again.stdoutText.contains("No changes."), "\(again.stdoutText)")

                // 5. A new notebook image: an upgrade, whose pre-upgrade hook pulls it (the chart runs the hook
                // again when its images change), and then nothing to do again.
                let images = world.repo + "/jupyterhub/images.yaml"
                let text = try String(contentsOfFile: images, encoding: .utf8)
                try #require(text.contains("scipy-notebook:2025-06-16"))
                try text.replacingOccurrences(of: "scipy-notebook:2025-06-16", with: "scipy-notebook:2025-07-01")
                    .write(toFile: images, atomically: true, encoding: .utf8)
                let upgraded = try await world.apply(["--output", "json"], charts: charts)
                try #require(upgraded.status == 0, "\(upgraded.stdoutText)\n\(upgraded.stderrText)")
                let upgrade = (try JSONReader.parse(upgraded.stdout)["results"]?.arrayValue ?? []).first { $0["release"] == "jupyterhub/jupyterhub" }
                #expect(upgrade?["action"] == "upgrade" && upgrade?["health"]?.stringValue?.hasPrefix("deployed (revision 2)") == true,
                        "\(upgraded.stdoutText)")
                let after = try JSONReader.parse(Array(try await world.sandbox.helm(["status", "jupyterhub", "-n", "jupyterhub", "-o", "json"]).stdout.utf8))
                let rerun = after["hooks"]?.arrayValue?.first { $0["kind"] == "Job" && $0["name"] == "hook-image-awaiter" }
                #expect(rerun?["last_run"]?["phase"] == "Succeeded", "\(after["hooks"] ?? .null)")
                #expect(rerun?["last_run"]?["started_at"] != awaiter?["last_run"]?["started_at"], "the hook ran again")
                let settled = try await world.plan(["--detailed-exitcode"])
                #expect(settled.status == 0, "\(settled.stdoutText)\n\(settled.stderrText)")
            }
        }
    }
}
