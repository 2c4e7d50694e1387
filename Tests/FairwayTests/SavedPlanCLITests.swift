import FairwayCore
import Foundation
import Testing

/// `fairway plan --out FILE` and `fairway apply FILE` with the local state: a saved plan applies as
/// reviewed, and is refused once the live state or the repository moved on.
@Suite(.serialized) struct SavedPlanCLITests {
    static func temp(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("fairway-\(name)-\(UUID().uuidString)").path
    }

    @Test func aSavedPlanAppliesAsReviewedAndOnlyOnce() throws {
        let state = Self.temp("state"), file = Self.temp("plan") + ".json"
        defer { try? FileManager.default.removeItem(atPath: state); try? FileManager.default.removeItem(atPath: file) }
        let template = RepoPaths.template.path
        let planned = try CLIRun.fairway(["plan", template, "--state", state, "--out", file])
        #expect(planned.status == 0, "\(planned.stderr)")
        #expect(planned.stdout.contains("Saved the plan to \(file)"))
        let attributes = try FileManager.default.attributesOfItem(atPath: file)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let saved = try JSONReader.parse(Array(try Data(contentsOf: URL(fileURLWithPath: file))))
        #expect(saved["kind"] == "FairwayPlan")
        #expect(saved["plan"]?["summary"]?["create"] == 130)

        let applied = try CLIRun.fairway(["apply", file, "--state", state])
        #expect(applied.status == 0, "\(applied.stderr)")
        #expect(try CLIRun.fairway(["plan", template, "--state", state, "--detailed-exitcode"]).status == 0)
        // The same file again: every object it planned to create now exists.
        let again = try CLIRun.fairway(["apply", file, "--state", state])
        #expect(again.status == 1)
        #expect(again.stderr.contains("the saved plan is stale; nothing was changed"))
        #expect(again.stderr.contains("the local state moved on"))
    }

    @Test func aPlanIsRefusedWhenTheRepositoryChangedUnderIt() throws {
        let state = Self.temp("state"), file = Self.temp("plan") + ".json"
        var repo = try TestRepo.template()
        let directory = try repo.write()
        defer {
            for path in [state, file, directory.path] { try? FileManager.default.removeItem(atPath: path) }
        }
        #expect(try CLIRun.fairway(["plan", directory.path, "--state", state, "--out", file]).status == 0)
        try repo.replace("tenants/research.yaml", "requests.cpu: \"256\"", with: "requests.cpu: \"300\"")
        _ = try repo.write(to: directory)
        let stale = try CLIRun.fairway(["apply", file, "--state", state])
        #expect(stale.status == 1)
        #expect(stale.stderr.contains("the desired state differs from the one planned"), "\(stale.stderr)")
        #expect(!FileManager.default.fileExists(atPath: state + "/objects"))
    }

    @Test func notAPlanFileIsAClearError() throws {
        let file = Self.temp("plan") + ".json"
        defer { try? FileManager.default.removeItem(atPath: file) }
        try Data("{\"kind\": \"Something\"}".utf8).write(to: URL(fileURLWithPath: file))
        let run = try CLIRun.fairway(["apply", file, "--state", Self.temp("state")])
        #expect(run.status == 1)
        #expect(run.stderr.contains("\(file): not a Fairway plan file"))
    }
}
