import Foundation
import Testing
import FairwayCore

/// What the pull-request preview and the plans show when something is wrong or left out: an invalid
/// head's Markdown comment, root causes first, objects `prune: false` leaves behind, and the apply
/// prompt after the whole plan. Through the built binary, on copies of the template.
@Suite(.serialized) struct PreviewCLITests {
    /// The template without tenant `students` (its file, its RayCluster and its policy shares).
    static func withoutStudents(_ repo: TestRepo) throws -> TestRepo {
        var repo = repo
        repo.files["tenants/students.yaml"] = nil
        repo.files["ray/students/ray-intro.yaml"] = nil
        try repo.replace("policies/default.yaml", """
                    students:
                      guaranteed: 14
                      weight: 2                # coursework gets the spare slices first
                      borrowingLimit: 2        # ray-intro peak 4 <= 14 + 2
                      lendingLimit: 4          # keep 10 slices ready for the start of a lab session

            """, with: "")
        try repo.replace("policies/default.yaml", """
                    students:
                      guaranteed: 20
                      borrowingLimit: 8
                      lendingLimit: 10

            """, with: "")
        return repo
    }

    /// A fixture whose main is `base`, with `head` pushed as refs/pull/1/head.
    static func fixture(base: TestRepo, head: TestRepo) throws -> GitFixture {
        let fixture = try GitFixture()
        try base.write(to: fixture.work)
        try fixture.commitAll("base")
        try fixture.push(force: true)
        for path in base.files.keys where head.files[path] == nil {
            try FileManager.default.removeItem(at: fixture.work.appendingPathComponent(path))
        }
        try head.write(to: fixture.work)
        try fixture.commitAll("head")
        try fixture.push("HEAD:refs/pull/1/head")
        return fixture
    }

    func diff(_ fixture: GitFixture, _ output: String) throws -> CLIRun {
        try CLIRun.fairway(["diff", "--repo", fixture.url, "--cache", fixture.root.appendingPathComponent("c").path,
                            "--from", "main", "--to", "refs/pull/1/head", "--output", output])
    }

    @Test func anInvalidHeadStillGetsAMarkdownComment() throws {
        let base = try TestRepo.template()
        var head = base
        try head.replace("tenants/research.yaml", "maxWorkerReplicas: 32", with: "maxWorkerReplica: 32")
        let fixture = try Self.fixture(base: base, head: head)
        defer { fixture.remove() }
        let line = try head.line(of: "maxWorkerReplica:", in: "tenants/research.yaml")
        let run = try diff(fixture, "markdown")
        #expect(run.status == 1)
        #expect(run.stdout.hasPrefix("## Fairway: desired-state changes\n\n> [!CAUTION]\n> The head `"))
        #expect(run.stdout.contains("does not validate: **1 error**. Nothing was compared; fix these first."))
        #expect(run.stdout.contains("| where | severity | code | message |\n|---|---|---|---|\n"))
        #expect(run.stdout.contains("| `tenants/research.yaml:\(line)` | error | `unknown-field` | unknown field \\`maxWorkerReplica\\` in \\`spec.ray\\`<br>hint: did you mean \\`maxWorkerReplicas\\`? |"),
                "\(run.stdout)")
        let unreadable = try CLIRun.fairway(["diff", "--repo", fixture.url, "--cache", fixture.root.appendingPathComponent("c").path,
                                             "--from", "main", "--to", "mian", "--output", "markdown"])
        #expect(unreadable.status == 1)
        #expect(unreadable.stdout.contains("> Nothing was compared: the repository has no ref or commit 'mian'; did you mean 'main'?"))
    }

    /// Over-committing a100 (prod-inference 4 -> 8) while research's RayJob is too big: the
    /// over-commitment comes first everywhere, the RayJob says it follows from it, and the annotation
    /// on the RayJob's file (which the pull request does not touch) is also in the comment.
    @Test func rootCausesComeFirstAndEveryAnnotationIsInTheComment() throws {
        let base = try TestRepo.template()
        var head = base
        try head.replace("policies/default.yaml", "          guaranteed: 4", with: "          guaranteed: 8")
        try head.replace("ray/research/qwen-finetune.yaml", "      maxReplicas: 3", with: "      maxReplicas: 4")
        let fixture = try Self.fixture(base: base, head: head)
        defer { fixture.remove() }
        let policyLine = try head.line(of: "    a100:", in: "policies/default.yaml")
        let jobLine = try head.line(of: "workerGroups:", in: "ray/research/qwen-finetune.yaml")

        let github = try diff(fixture, "github").stdout.split(separator: "\n").map(String.init)
        #expect(github.count == 2, "\(github)")
        #expect(github.first?.hasPrefix("::error file=policies/default.yaml,line=\(policyLine),col=5,title=fairway guarantees-exceed-capacity::") == true)
        #expect(github.last?.hasPrefix("::error file=ray/research/qwen-finetune.yaml,line=\(jobLine),") == true)
        #expect(github.last?.contains("%0Apolicies/default.yaml:\(policyLine):5: follows from guarantees-exceed-capacity: guarantees in class 'a100' add up to 20") == true)

        let rows = try diff(fixture, "markdown").stdout.split(separator: "\n").filter { $0.hasPrefix("| `") }
        #expect(rows.count == 2, "\(rows)")
        #expect(rows.first?.hasPrefix("| `policies/default.yaml:\(policyLine)` | error | `guarantees-exceed-capacity` |") == true)
        #expect(rows.last?.hasPrefix("| `ray/research/qwen-finetune.yaml:\(jobLine)` | error | `workload-never-admitted` |") == true)
        #expect(rows.last?.contains("<br>follows from `guarantees-exceed-capacity` at `policies/default.yaml:\(policyLine)`") == true)

        let json = try JSONReader.parse(try diff(fixture, "json").stdout)
        let diagnostics = try #require(json["diagnostics"]?.arrayValue)
        #expect(diagnostics.map { $0["code"] } == ["guarantees-exceed-capacity", "workload-never-admitted"])
        #expect(diagnostics.first?["cause"] == .null)
        #expect(diagnostics.last?["cause"] == ["code": "guarantees-exceed-capacity", "path": "policies/default.yaml",
                                               "line": .int(Int64(policyLine)), "column": 5])
    }

    static let leftBehind = "Left behind: 17 objects would have been pruned and are kept"

    /// `reconcile.prune: false`, then a tenant removed: the diff and the plan against the local state
    /// list the 18 objects left behind instead of saying nothing (or showing deletions that would not happen).
    @Test func pruneOffListsWhatIsLeftBehind() throws {
        var base = try TestRepo.template()
        try base.replace("cluster.yaml", "    prune: true ", with: "    prune: false")
        let head = try Self.withoutStudents(base)
        let fixture = try Self.fixture(base: base, head: head)
        defer { fixture.remove() }

        let text = try diff(fixture, "text").stdout
        #expect(text.contains(Self.leftBehind), "\(text)")
        #expect(text.contains("  ! ClusterQueue/students-a10g-shared (still holds its nominal quota in its cohort)\n"))
        #expect(!text.contains("- Namespace/students"))
        #expect(try diff(fixture, "markdown").stdout.contains("> [!WARNING]\n> \(Self.leftBehind)."))
        let json = try JSONReader.parse(try diff(fixture, "json").stdout)
        #expect(json["summary"]?["delete"] == 0)
        #expect(json["orphaned"]?.arrayValue?.count == 17)
        #expect(json["orphaned"]?.arrayValue?.first == ["apiVersion": "v1", "kind": "Namespace", "namespace": .null, "name": "students"])

        let state = fixture.root.appendingPathComponent("state").path
        let baseDir = try base.write(to: fixture.root.appendingPathComponent("base"))
        let apply = try CLIRun.fairway(["apply", baseDir.path, "--state", state, "--auto-approve"])
        #expect(apply.status == 0, "\(apply.stderr)")
        let headDir = try head.write(to: fixture.root.appendingPathComponent("head"))
        let plan = try CLIRun.fairway(["plan", headDir.path, "--state", state])
        #expect(plan.stdout.contains(Self.leftBehind), "\(plan.stdout)")
        let markdown = try CLIRun.fairway(["plan", headDir.path, "--state", state, "--output", "markdown"]).stdout
        #expect(markdown.contains("> [!WARNING]\n> \(Self.leftBehind)."))
        #expect(markdown.contains("- `ClusterQueue/students-h100-mig` (still holds its nominal quota in its cohort)\n"))
        let planJSON = try JSONReader.parse(try CLIRun.fairway(["plan", headDir.path, "--state", state, "--output", "json"]).stdout)
        #expect(planJSON["orphaned"]?.arrayValue?.count == 17)
        let github = try CLIRun.fairway(["plan", headDir.path, "--state", state, "--output", "github"]).stdout
        #expect(github.contains("::warning title=fairway left behind::17 objects would have been pruned and are kept (spec.reconcile.prune is false)\n"))
    }

    /// `fairway apply | tee log`: standard output is a pipe, and the prompt (on standard error) comes
    /// after the whole plan, totals included, not in the middle of it. Both streams share one pipe
    /// here, so the order they were written in is the order read.
    @Test func thePromptComesAfterTheWholePlan() throws {
        let repo = try TestRepo.template().write()
        defer { try? FileManager.default.removeItem(at: repo) }
        let process = Process()
        process.executableURL = RepoPaths.fairwayBinary
        process.arguments = ["apply", repo.path, "--state", repo.appendingPathComponent(".state").path]
        var environment = ProcessInfo.processInfo.environment
        environment["NO_COLOR"] = "1"
        process.environment = environment
        let output = Pipe(), input = Pipe()
        process.standardOutput = output
        process.standardError = output
        process.standardInput = input
        try process.run()
        input.fileHandleForWriting.write(Data("yes\n".utf8))
        try input.fileHandleForWriting.close()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(text)")
        // The plan's last lines are its totals (objects, node groups, Helm releases).
        let totals = try #require(text.range(of: "\nPlan: ", options: .backwards), "\(text)")
        let prompt = try #require(text.range(of: "? Only 'yes' is accepted."))
        #expect(text.contains("\nPlan: 130 to create, 0 to update, 0 to delete"))
        #expect(totals.upperBound <= prompt.lowerBound, "the prompt came before the plan's totals:\n\(text)")
        #expect(text.contains("Apply complete. 135 change(s) applied (revision local).\n"), "\(text)")
    }
}
