import Foundation
import Testing
import FairwayCore

/// `--repo` on the commands, and `fairway diff` as a pull-request preview, through the built binary.
@Suite(.serialized) struct GitCLITests {
    @Test func validateAndPlanFromARepository() throws {
        let fixture = try GitFixture()
        defer { fixture.remove() }
        let cache = fixture.root.appendingPathComponent("cli-cache").path
        let validate = try CLIRun.fairway(["validate", "--repo", fixture.url, "--cache", cache, "--output", "json"])
        #expect(validate.status == 0, "\(validate.stderr)")
        let head = try GitCLI.run(["rev-parse", "HEAD"], in: fixture.work)
        #expect(try JSONReader.parse(validate.stdout)["revision"] == .string(head))
        let plan = try CLIRun.fairway(["plan", "--repo", fixture.url, "--ref", "main", "--cache", cache,
                                       "--state", fixture.root.appendingPathComponent("state").path, "--output", "json"])
        #expect(plan.status == 0)
        #expect(try JSONReader.parse(plan.stdout)["summary"]?["create"] == 130)
        let bad = try CLIRun.fairway(["validate", "--repo", fixture.url, "--ref", "nope", "--cache", cache])
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("the repository has no ref or commit 'nope' [git-unknown-ref]"))
        let both = try CLIRun.fairway(["validate", "somewhere", "--repo", fixture.url])
        #expect(both.status == 1)
        #expect(both.stderr.contains("give PATH or --repo, not both"))
    }

    @Test func diffPreviewsAPullRequest() throws {
        let fixture = try GitFixture()
        defer { fixture.remove() }
        let cache = fixture.root.appendingPathComponent("cli-cache").path
        let base = try GitCLI.run(["rev-parse", "HEAD"], in: fixture.work)
        let research = fixture.work.appendingPathComponent("tenants/research.yaml")
        try Data(try String(contentsOf: research, encoding: .utf8)
            .replacingOccurrences(of: "requests.cpu: \"256\"", with: "requests.cpu: \"300\"").utf8).write(to: research)
        try fixture.commitAll("raise cpu")
        try fixture.push("HEAD:refs/pull/9/head")
        let args = ["diff", "--repo", fixture.url, "--cache", cache, "--from", "main", "--to", "refs/pull/9/head"]

        let text = try CLIRun.fairway(args + ["--detailed-exitcode"])
        #expect(text.status == 2)
        #expect(text.stdout.contains("~ spec.hard[\"requests.cpu\"]: \"256\" -> \"300\""))
        let json = try JSONReader.parse(try CLIRun.fairway(args + ["--output", "json"]).stdout)
        #expect(json["from"] == .string(base))
        #expect(json["summary"] == ["create": 0, "update": 2, "delete": 0, "unchanged": 128])
        let markdown = try CLIRun.fairway(args + ["--output", "markdown"]).stdout
        #expect(markdown.contains("**0 to create, 2 to update, 0 to delete**"))
        #expect(markdown.contains("<details><summary>2 changes</summary>"))
        let same = try CLIRun.fairway(["diff", "--repo", fixture.url, "--cache", cache, "--from", "main", "--to", "main",
                                       "--detailed-exitcode"])
        #expect(same.status == 0)
        #expect(same.stdout.contains("No changes to the desired state."))
    }

    @Test func invalidPullRequestGivesAnnotationsAtFileAndLine() throws {
        let fixture = try GitFixture()
        defer { fixture.remove() }
        let research = fixture.work.appendingPathComponent("tenants/research.yaml")
        try Data(try String(contentsOf: research, encoding: .utf8)
            .replacingOccurrences(of: "maxWorkerReplicas: 32", with: "maxWorkerReplica: 32").utf8).write(to: research)
        try fixture.commitAll("typo")
        try fixture.push("HEAD:refs/pull/10/head")
        let line = try TestRepo(files: ["f": try String(contentsOf: research, encoding: .utf8)]).line(of: "maxWorkerReplica:", in: "f")
        let run = try CLIRun.fairway(["diff", "--repo", fixture.url, "--cache", fixture.root.appendingPathComponent("c").path,
                                      "--from", "main", "--to", "refs/pull/10/head", "--output", "github"])
        #expect(run.status == 1)
        #expect(run.stdout.contains("::error file=tenants/research.yaml,line=\(line),col=5,title=fairway unknown-field::unknown field `maxWorkerReplica` in `spec.ray`%0Ahint: did you mean `maxWorkerReplicas`?"))
    }

    /// The README's CI step (`--from "origin/$BASE" --to HEAD`), a short SHA, a misspelt ref, and
    /// `fairway diff PATH` on a local clone with a commit not pushed anywhere.
    @Test func diffTakesRefsAsPeopleTypeThemAndALocalClone() throws {
        let fixture = try GitFixture()
        defer { fixture.remove() }
        let cache = fixture.root.appendingPathComponent("cli-cache").path
        let research = fixture.work.appendingPathComponent("tenants/research.yaml")
        try Data(try String(contentsOf: research, encoding: .utf8)
            .replacingOccurrences(of: "requests.cpu: \"256\"", with: "requests.cpu: \"300\"").utf8).write(to: research)
        let head = try fixture.commitAll("raise cpu")
        try fixture.push("HEAD:refs/heads/feature")
        let remote = try CLIRun.fairway(["diff", "--repo", fixture.url, "--cache", cache, "--from", "origin/main",
                                         "--to", String(head.prefix(9)), "--detailed-exitcode"])
        #expect(remote.status == 2, "\(remote.stderr)")
        #expect(remote.stdout.contains("~ spec.hard[\"requests.cpu\"]: \"256\" -> \"300\""))
        let misspelt = try CLIRun.fairway(["diff", "--repo", fixture.url, "--cache", cache, "--from", "mian", "--to", "feature"])
        #expect(misspelt.status == 1)
        #expect(misspelt.stderr.contains("error: the repository has no ref or commit 'mian'; did you mean 'main'? [git-unknown-ref]"))

        try GitCLI.run(["remote", "add", "origin", fixture.bare.path], in: fixture.work)
        try GitCLI.run(["fetch", "-q", "origin"], in: fixture.work)
        let local = try CLIRun.fairway(["diff", fixture.work.path, "--from", "origin/main", "--to", "HEAD", "--output", "json"])
        #expect(local.status == 0, "\(local.stderr)")
        let json = try JSONReader.parse(local.stdout)
        #expect(json["to"] == .string(head))
        #expect(json["summary"] == ["create": 0, "update": 2, "delete": 0, "unchanged": 128])
        let notARepository = try CLIRun.fairway(["diff", fixture.root.path, "--from", "main", "--to", "HEAD"])
        #expect(notARepository.status == 1)
        #expect(notARepository.stderr.contains("is not a Git repository"))
    }
}
