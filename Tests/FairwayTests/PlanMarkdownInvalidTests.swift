import Foundation
import Testing
import FairwayCore

/// `fairway plan --output markdown` writes its comment when the repository is invalid too: it says
/// so and lists every diagnostic at its file and line, and the exit code stays 1.
@Suite struct PlanMarkdownInvalidTests {
    /// Reported with #19: the plan's Markdown was empty exactly when a comment was needed.
    @Test func anInvalidRepositoryStillGetsAComment() throws {
        var repo = try TestRepo.template()
        try repo.replace("tenants/research.yaml", "maxWorkerReplicas: 32", with: "maxWorkerReplica: 32")
        let dir = try repo.write()
        defer { try? FileManager.default.removeItem(at: dir) }
        let state = FileManager.default.temporaryDirectory.appendingPathComponent("fairway-md-\(UUID().uuidString)").path
        let run = try CLIRun.fairway(["plan", dir.path, "--state", state, "--output", "markdown"])
        #expect(run.status == 1)
        #expect(run.stdout.contains("does not validate: **1 error**"), "\(run.stdout)")
        #expect(run.stdout.contains("Nothing was planned"))
        let line = try repo.line(of: "maxWorkerReplica:", in: "tenants/research.yaml")
        #expect(run.stdout.contains("tenants/research.yaml:\(line)"), "\(run.stdout)")
        #expect(run.stdout.contains("unknown-field"))
    }
}
