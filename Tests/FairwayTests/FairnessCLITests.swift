import Foundation
import Testing
import FairwayCore

/// `fairway fairness` in every output format, and its exit codes.
@Suite(.serialized) struct FairnessCLITests {
    @Test func jsonHasTheDocumentedShape() throws {
        let run = try CLIRun.fairway(["fairness", RepoPaths.template.path, "--output", "json"])
        #expect(run.status == 0)
        let report = try JSONReader.parse(run.stdout)
        #expect(report.objectValue?.keys == ["formatVersion", "classes", "diagnostics"])
        let classes = try #require(report["classes"]?.arrayValue)
        #expect(classes.map { $0["name"]?.stringValue ?? "" } == ["a100", "a10g-shared", "h100-mig", "l4"])
        let a100 = classes[0]
        #expect(a100.objectValue?.keys == ["name", "capacity", "unit", "maxSharePercent", "tenants"])
        #expect(a100["unit"] == "gpu")
        #expect(classes[2]["unit"] == "mig:1g.10gb")
        let research = try #require(a100["tenants"]?.arrayValue?.first { $0["name"] == "research" })
        #expect(research.objectValue?.keys == ["name", "guaranteed", "weight", "demand", "borrowingLimit", "lendingLimit", "target"])
        #expect(research == ["name": "research", "guaranteed": 10, "weight": 2, "demand": 12, "borrowingLimit": 4,
                             "lendingLimit": nil, "target": 11])
    }

    @Test func markdownAndSVG() throws {
        let markdown = try CLIRun.fairway(["fairness", RepoPaths.template.path, "--output", "markdown"])
        #expect(markdown.stdout.contains("| research | 10 | 2 | 12 | 11 | 4 | - |"))
        let svg = try CLIRun.fairway(["fairness", RepoPaths.template.path, "--output", "svg"])
        #expect(svg.status == 0)
        #expect(svg.stdout.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\""))
        #expect(svg.stdout.contains("<title>research target: 11</title>"))
        // Well-formed XML: every element opened is closed.
        let opened = svg.stdout.components(separatedBy: "<rect").count - 1
        let closed = svg.stdout.components(separatedBy: "</rect>").count - 1 + svg.stdout.components(separatedBy: "\"/>").count - 1
        #expect(opened <= closed)
    }

    @Test func violationsExitOne() throws {
        var repo = try TestRepo.template()
        try repo.replace("policies/default.yaml", "          guaranteed: 10", with: "          guaranteed: 14")
        let dir = try repo.write()
        defer { try? FileManager.default.removeItem(at: dir) }
        let run = try CLIRun.fairway(["fairness", dir.path, "--output", "json"])
        #expect(run.status == 1)
        let report = try JSONReader.parse(run.stdout)
        #expect(report["diagnostics"]?.arrayValue?.first?["code"] == "guarantees-exceed-capacity")
        #expect(report["diagnostics"]?.arrayValue?.first?["notes"]?.arrayValue?.count == 3)
        let text = try CLIRun.fairway(["fairness", dir.path])
        #expect(text.status == 1)
        #expect(text.stdout.contains("hint: raise gpu-a100-training maxNodes to 3, or lower research.guaranteed in 'a100' to 10"))
        // plan and apply refuse the same repository.
        #expect(try CLIRun.fairway(["plan", dir.path, "--state", dir.appendingPathComponent(".state").path]).status == 1)
    }
}
