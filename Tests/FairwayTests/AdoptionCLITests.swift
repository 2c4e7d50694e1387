import Foundation
import Testing
import FairwayCore

/// An existing object in the way, made outside Fairway, is taken over only when named:
/// `--adopt Kind/name` (or `Kind/namespace/name`) on plan and apply, shown as an adoption.
@Suite struct AdoptionCLITests {
    /// Reported: `Namespace/research` made by hand stopped the plan with "exists but is not managed
    /// by Fairway; it will not be taken over" and no way forward.
    @Test func aHandMadeNamespaceIsAdoptedWhenNamed() throws {
        let state = FileManager.default.temporaryDirectory.appendingPathComponent("fairway-adopt-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: state) }
        let template = RepoPaths.template.path
        let directory = state + "/objects/core/Namespace/_cluster"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let handMade: JSONValue = ["apiVersion": "v1", "kind": "Namespace",
                                   "metadata": ["name": "research", "labels": ["team": "research"]]]
        try Data(JSONWriter.string(handMade).utf8).write(to: URL(fileURLWithPath: directory + "/research.json"))

        let refused = try CLIRun.fairway(["plan", template, "--state", state])
        #expect(refused.stdout.contains("Namespace/research exists but is not managed by Fairway")
                    || refused.stderr.contains("Namespace/research exists but is not managed by Fairway"), "\(refused)")
        #expect((refused.stdout + refused.stderr).contains("--adopt Namespace/research"))
        let applyRefused = try CLIRun.fairway(["apply", template, "--state", state, "--auto-approve"])
        #expect(applyRefused.status == 1)

        let plan = try CLIRun.fairway(["plan", template, "--state", state, "--adopt", "Namespace/research"])
        #expect(plan.stdout.contains("~ Namespace/research (adopted: made outside Fairway, taken over by this apply)"), "\(plan.stdout)")
        let json = try JSONReader.parse(try CLIRun.fairway(["plan", template, "--state", state, "--adopt", "Namespace/research",
                                                            "--output", "json"]).stdout)
        let change = try #require(json["changes"]?.arrayValue?.first { $0["kind"] == "Namespace" && $0["name"] == "research" })
        #expect(change["action"] == "update" && change["adopted"] == true)

        let applied = try CLIRun.fairway(["apply", template, "--state", state, "--auto-approve", "--adopt", "Namespace/research"])
        #expect(applied.status == 0, "\(applied.stderr)")
        let again = try CLIRun.fairway(["plan", template, "--state", state, "--detailed-exitcode"])
        #expect(again.status == 0, "adopted objects are Fairway's from then on: \(again.stdout)")

        let bad = try CLIRun.fairway(["plan", template, "--state", state, "--adopt", "research"])
        #expect(bad.status != 0 && bad.stderr.contains("write Kind/name or Kind/namespace/name"))
    }
}
