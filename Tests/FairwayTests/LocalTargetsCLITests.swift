import Foundation
import Testing
import FairwayCore
import FairwayLive

/// The local state (what `make demo` plans and applies) keeps Helm releases and EKS node groups
/// beside the objects: a first plan installs and creates them, a second plan after the apply is
/// empty, and an image bump or a node group resize plans exactly that upgrade or update.
@Suite struct LocalTargetsCLITests {
    /// Reported: a plan against the local state left out Helm releases and node groups without a word.
    @Test func releasesAndNodeGroupsArePlannedAppliedAndKept() throws {
        let state = FileManager.default.temporaryDirectory.appendingPathComponent("fairway-targets-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: state) }
        var repo = try TestRepo.template()
        let dir = try repo.write()
        defer { try? FileManager.default.removeItem(at: dir) }

        let first = try JSONReader.parse(try CLIRun.fairway(["plan", dir.path, "--state", state, "--output", "json"]).stdout)
        #expect(first["releases"]?.arrayValue?.map { $0["action"] } == ["install", "install", "install", "install"])
        #expect(first["nodeGroups"]?.arrayValue?.map { $0["action"] } == ["create"])

        let apply = try CLIRun.fairway(["apply", dir.path, "--state", state, "--auto-approve", "--output", "json"])
        #expect(apply.status == 0, "\(apply.stderr)")
        let results = try #require(try JSONReader.parse(apply.stdout)["results"]?.arrayValue)
        #expect(results.contains { $0["release"] == "jupyterhub/jupyterhub" && $0["action"] == "install" })
        #expect(results.contains { $0["nodeGroup"] == "gpu-h100-mig" && $0["action"] == "create" })
        let recorded = state + "/state.sqlite"
        #expect(try LocalStateStore(root: state).targets()?["releases"]?.arrayValue?.count == 4)
        let mode = (try FileManager.default.attributesOfItem(atPath: recorded)[.posixPermissions] as? Int) ?? 0
        #expect(mode & 0o077 == 0, "release values may hold secrets: the file is the owner's alone")

        let again = try CLIRun.fairway(["plan", dir.path, "--state", state, "--detailed-exitcode"])
        #expect(again.status == 0, "\(again.stdout)")
        #expect(again.stdout.contains("No changes."))

        try repo.replace("jupyterhub/images.yaml", "scipy-notebook:2025-06-16", with: "scipy-notebook:2025-07-01")
        try repo.replace("nodepools/gpu-h100-mig.yaml", "desiredNodes: 1 ", with: "desiredNodes: 0 ")
        try repo.write(to: dir)
        let changed = try CLIRun.fairway(["plan", dir.path, "--state", state, "--detailed-exitcode", "--output", "json"])
        #expect(changed.status == 2)
        let plan = try JSONReader.parse(changed.stdout)
        #expect(plan["summary"]?["update"] == 0 && plan["summary"]?["create"] == 0)
        #expect(plan["releases"]?.arrayValue?.map { "\($0["name"]?.stringValue ?? ""):\($0["action"]?.stringValue ?? "")" }
                == ["jupyterhub:upgrade"])
        #expect(plan["nodeGroups"]?.arrayValue?.map { $0["action"] } == ["update"])
        #expect(try CLIRun.fairway(["apply", dir.path, "--state", state, "--auto-approve"]).status == 0)
        #expect(try CLIRun.fairway(["plan", dir.path, "--state", state, "--detailed-exitcode"]).status == 0)
    }
}
