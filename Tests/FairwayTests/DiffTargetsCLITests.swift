import Foundation
import Testing
import FairwayCore

/// `fairway diff` sees all of what a pull request changes: Helm releases (chart version and values)
/// and EKS node groups beside the objects, with values shown by meaning (list items by their key,
/// memory in its units, embedded hub configuration as a line diff).
@Suite(.serialized) struct DiffTargetsCLITests {
    static func edit(_ fixture: GitFixture, _ path: String, _ old: String, _ new: String) throws {
        let url = fixture.work.appendingPathComponent(path)
        let text = try String(contentsOf: url, encoding: .utf8)
        try #require(text.contains(old), "\(path) has no \(old)")
        try Data(text.replacingOccurrences(of: old, with: new).utf8).write(to: url)
    }

    /// Reported: a notebook image bump, a Kueue chart bump and an H100 node group resize printed
    /// "No changes to the desired state." and exited 0 under --detailed-exitcode.
    @Test func imageChartAndNodeGroupChangesAreShown() throws {
        let fixture = try GitFixture()
        defer { fixture.remove() }
        let cache = fixture.root.appendingPathComponent("cli-cache").path
        try Self.edit(fixture, "jupyterhub/images.yaml", "scipy-notebook:2025-06-16", "scipy-notebook:2025-07-01")
        try Self.edit(fixture, "cluster.yaml", "      version: 0.19.2", "      version: 0.19.3")
        try Self.edit(fixture, "nodepools/gpu-h100-mig.yaml", "desiredNodes: 1 ", "desiredNodes: 0 ")
        try Self.edit(fixture, "jupyterhub/images.yaml", "          guarantee: 16Gi\n          limit: 24Gi\n      gpu:\n        class: l4",
                      "          guarantee: 24Gi\n          limit: 24Gi\n      gpu:\n        class: l4")
        try fixture.commitAll("bump images, kueue, resize h100")
        try fixture.push("HEAD:refs/pull/7/head")
        let args = ["diff", "--repo", fixture.url, "--cache", cache, "--from", "main", "--to", "refs/pull/7/head"]

        let text = try CLIRun.fairway(args + ["--detailed-exitcode"])
        #expect(text.status == 2, "\(text.stdout)\n\(text.stderr)")
        #expect(!text.stdout.contains("No changes to the desired state."))
        #expect(text.stdout.contains("~ release/kueue-system/kueue (kueue 0.19.2 -> 0.19.3)"), "\(text.stdout)")
        #expect(text.stdout.contains("~ release/jupyterhub/jupyterhub"))
        #expect(text.stdout.contains("~ nodegroup/gpu-h100-mig (in place)"))
        #expect(text.stdout.contains("~ scalingConfig:"))
        #expect(text.stdout.contains("singleuser.profileList[slug=pytorch-l4].kubespawner_override.mem_guarantee: 16Gi -> 24Gi"),
                "\(text.stdout)")
        #expect(text.stdout.contains("prePuller.extraImages.scipy.tag: \"2025-06-16\" -> \"2025-07-01\""))
        #expect(!text.stdout.contains("[4]"), "list items are shown by their key, not their position")

        let json = try JSONReader.parse(try CLIRun.fairway(args + ["--output", "json"]).stdout)
        let releases = try #require(json["releases"]?.arrayValue)
        #expect(Set(releases.compactMap { $0["name"]?.stringValue }) == ["kueue", "jupyterhub"])
        #expect(releases.first { $0["name"] == "kueue" }?["versionAfter"] == "0.19.3")
        let groups = try #require(json["nodeGroups"]?.arrayValue)
        #expect(groups.map { $0["action"] } == ["update"])

        let markdown = try CLIRun.fairway(args + ["--output", "markdown"]).stdout
        #expect(markdown.contains("Helm releases: 0 to install, 2 to upgrade, 0 to uninstall"))
        #expect(markdown.contains("node groups: 0 to create, 1 to update, 0 to replace, 0 to delete"))
    }

    /// Onboarding a user to a tenant changes the hub's tenancy configuration by one line.
    @Test func embeddedHubConfigurationIsALineDiff() throws {
        let fixture = try GitFixture()
        defer { fixture.remove() }
        let cache = fixture.root.appendingPathComponent("cli-cache").path
        try Self.edit(fixture, "tenants/students.yaml", "      - ml-interns\n    users: []", "      - ml-interns\n    users: [ta@example.com]")
        try fixture.commitAll("add a TA")
        try fixture.push("HEAD:refs/pull/8/head")
        let text = try CLIRun.fairway(["diff", "--repo", fixture.url, "--cache", cache, "--from", "main", "--to", "refs/pull/8/head"])
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout.contains("~ hub.extraConfig.fairway-tenant-notebooks:"), "\(text.stdout)")
        let lines = text.stdout.split(separator: "\n")
        let removed = lines.filter { $0.trimmingCharacters(in: .whitespaces).hasPrefix("- ") && $0.contains("\"name\":\"students\"") }
        let added = lines.filter { $0.trimmingCharacters(in: .whitespaces).hasPrefix("+ ") && $0.contains("\"name\":\"students\"") }
        #expect(removed.count == 1 && added.count == 1 && added.first?.contains("ta@example.com") == true, "\(text.stdout)")
        #expect(!text.stdout.contains("\\n"), "no escaped newlines: the script reads as lines")
    }
}
