import Foundation
import Testing
import FairwayCore

/// What the pull-request preview shows when something is wrong: an invalid head's Markdown comment,
/// and root causes first. Through the built binary, on copies of the template.
@Suite(.serialized) struct PreviewCLITests {
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
}
