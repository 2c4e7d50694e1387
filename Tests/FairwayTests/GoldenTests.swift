import FairwayPipeline
import Foundation
import Testing
import FairwayAgent
import FairwayCore
import FairwayYAML

/// Output people read, pinned: `--help` of every command, the template's rendering and its first plan.
/// Run with FAIRWAY_UPDATE_GOLDEN=1 to rewrite the files after an intended change, then review the diff.
@Suite(.serialized) struct GoldenTests {
    static let directory = RepoPaths.root.appendingPathComponent("Tests/FairwayTests/Golden")

    func compare(_ actual: String, to name: String) throws {
        let url = Self.directory.appendingPathComponent(name)
        if ProcessInfo.processInfo.environment["FAIRWAY_UPDATE_GOLDEN"] == "1" {
            try Data(actual.utf8).write(to: url)
        }
        let expected = try String(contentsOf: url, encoding: .utf8)
        #expect(actual == expected, "\(name) differs; rerun with FAIRWAY_UPDATE_GOLDEN=1 if intended")
    }

    @Test(arguments: ["", "validate", "plan", "apply", "diff", "fairness", "render", "schema"])
    func help(_ command: String) throws {
        let run = try CLIRun.fairway((command.isEmpty ? [] : [command]) + ["--help"], environment: ["COLUMNS": "100"])
        #expect(run.status == 0)
        try compare(run.stdout, to: "help\(command.isEmpty ? "" : "-" + command).txt")
    }

    @Test func templateRendering() throws {
        let desired = try #require(try Pipeline().evaluate(path: RepoPaths.template.path).desired)
        try compare(try YAMLEmitter.emit(desired.sortedStampedManifests.map(\.body)), to: "template-render.yaml")
    }

    @Test func templateHelmReleasesAndNodeGroups() throws {
        let desired = try #require(try Pipeline().evaluate(path: RepoPaths.template.path).desired)
        let releases: [JSONValue] = desired.helmReleases.map { release in
            ["name": .string(release.name), "namespace": .string(release.namespace), "chart": .string(release.chart),
             "repository": .string(release.repository), "version": .string(release.version), "values": release.values]
        }
        try compare(try YAMLEmitter.emit(releases), to: "template-helm-releases.yaml")
        let groups: [JSONValue] = desired.nodeGroups.map { ["CreateNodegroup": $0.create, "UpdateNodegroupConfig": $0.updateConfig] }
        try compare(JSONWriter.string(.array(groups), pretty: true), to: "template-eks-nodegroups.json")
    }

    @Test func templateFirstPlan() throws {
        let state = FileManager.default.temporaryDirectory.appendingPathComponent("fairway-golden-\(UUID().uuidString)").path
        let run = try CLIRun.fairway(["plan", RepoPaths.template.path, "--state", state])
        #expect(run.status == 0)
        try compare(run.stdout, to: "template-plan.txt")
    }
}
