import Foundation
import Testing
import FairwayApply
import FairwayCore
@testable import FairwayAgent

/// docs/json-output.md describes the JSON documents users script against. Every example there
/// decodes, and every field an example shows is in what the command really prints for the
/// template, with the same JSON type (null stands for any type): the documentation cannot drift.
@Suite(.serialized) struct JSONDocsExamplesTests {
    /// The ```json blocks of the document, by the `## ` heading above each.
    static func examples() throws -> [(heading: String, json: JSONValue)] {
        let text = try String(contentsOf: RepoPaths.root.appendingPathComponent("docs/json-output.md"), encoding: .utf8)
        var out: [(String, JSONValue)] = []
        var heading = "", block: [Substring]? = nil
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("## ") { heading = String(line.dropFirst(3)) }
            if line == "```json" { block = []; continue }
            if line == "```", let lines = block {
                out.append((heading, try JSONReader.parse(Array(lines.joined(separator: "\n").utf8))))
                block = nil
                continue
            }
            block?.append(line)
        }
        return out
    }

    /// Where `example` shows a field `actual` lacks or types differently, as paths.
    /// `optional` keys may be absent from what is printed (the docs say when they are given).
    static func mismatches(_ example: JSONValue, _ actual: JSONValue, at path: String = "$", optional: Set<String> = []) -> [String] {
        switch (example, actual) {
        case (.null, _), (_, .null): return []
        case let (.object(e), .object(a)):
            return e.members.flatMap { member -> [String] in
                guard let value = a[member.key] else { return optional.contains(member.key) ? [] : ["\(path).\(member.key) missing"] }
                return mismatches(member.value, value, at: "\(path).\(member.key)", optional: optional)
            }
        case let (.array(e), .array(a)):
            guard let first = e.first, !a.isEmpty else { return [] }
            // The example's first item must have the shape of some item printed.
            let tries = a.map { mismatches(first, $0, at: "\(path)[]", optional: optional) }
            return tries.min { $0.count < $1.count } ?? []
        case (.int, .int), (.int, .double), (.double, .double), (.double, .int), (.string, .string), (.bool, .bool): return []
        default: return ["\(path): \(example) in the docs, \(actual) printed"]
        }
    }

    static func appliedStatus() -> SyncStatus {
        var run = SyncStatusTests.run(.applied, fetched: "aaa", reconciled: "aaa", report: ApplyReport(revision: "aaa", results: []))
        for stage in SyncRun.Stage.allCases { run.stages[stage] = 0.5 }
        var status = SyncStatus(repository: "https://git.example/platform.git", ref: "main")
        status.leader = "fairway-0"
        status.record(run)
        return status
    }

    static func run(_ arguments: [String]) throws -> JSONValue {
        let run = try CLIRun.fairway(arguments)
        return try JSONReader.parse(Array(run.stdout.utf8))
    }

    @Test func everyExampleDecodesAndMatchesWhatIsPrinted() throws {
        let examples = try Self.examples()
        #expect(examples.count >= 5)
        var repo = try TestRepo.template()
        try repo.replace("tenants/research.yaml", "maxWorkerReplicas: 32", with: "maxWorkerReplica: 32")
        let invalid = try repo.write()
        defer { try? FileManager.default.removeItem(at: invalid) }
        let state = FileManager.default.temporaryDirectory.appendingPathComponent("fairway-docs-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: state) }
        let template = RepoPaths.template.path

        let fixture = try GitFixture()
        defer { fixture.remove() }
        let research = fixture.work.appendingPathComponent("tenants/research.yaml")
        try Data(try String(contentsOf: research, encoding: .utf8)
            .replacingOccurrences(of: "requests.cpu: \"256\"", with: "requests.cpu: \"300\"").utf8).write(to: research)
        try fixture.commitAll("raise cpu")
        try fixture.push("HEAD:refs/pull/3/head")

        for (heading, example) in examples {
            let actual: JSONValue
            var optional: Set<String> = []
            switch heading {
            case let h where h.hasPrefix("`fairway validate"): actual = try Self.run(["validate", invalid.path, "--output", "json"])
            case let h where h.hasPrefix("`fairway plan"): actual = try Self.run(["plan", template, "--state", state, "--output", "json"])
            case let h where h.hasPrefix("`fairway apply"):
                // Against the local state a result has only its subject, action, outcome and error (as documented).
                optional = ["health", "stage", "seconds", "conflicts"]
                actual = try Self.run(["apply", template, "--state", state, "--auto-approve", "--output", "json"])
            case let h where h.hasPrefix("`fairway fairness"): actual = try Self.run(["fairness", template, "--output", "json"])
            case let h where h.hasPrefix("`fairway diff"):
                actual = try Self.run(["diff", "--repo", fixture.url, "--cache", fixture.root.appendingPathComponent("c").path,
                                       "--from", "main", "--to", "refs/pull/3/head", "--output", "json"])
            case let h where h.hasPrefix("`fairway status"):
                // The status ConfigMap's document, as the agent builds it after an applied run.
                actual = Self.appliedStatus().json
            default:
                Issue.record("an example under '\(heading)' is not checked: add its command here")
                continue
            }
            let problems = Self.mismatches(example, actual, optional: optional)
            #expect(problems.isEmpty, "\(heading): \(problems)")
        }
    }
}
