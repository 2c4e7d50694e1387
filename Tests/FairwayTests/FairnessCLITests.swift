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
        #expect(a100.objectValue?.keys == ["name", "capacity", "unit", "maxSharePercent", "feasible", "arrivalOrders", "tenants", "workloads"])
        #expect(a100["feasible"] == true)
        #expect(a100["arrivalOrders"] == 16)
        #expect(a100["unit"] == "gpu")
        #expect(classes[2]["unit"] == "mig:1g.10gb")
        let research = try #require(a100["tenants"]?.arrayValue?.first { $0["name"] == "research" })
        #expect(research.objectValue?.keys == ["name", "guaranteed", "weight", "demand", "borrowingLimit", "lendingLimit", "fairPoint",
                                               "target", "predicted"])
        #expect(research == ["name": "research", "guaranteed": 10, "weight": 2, "demand": 12, "borrowingLimit": 4,
                             "lendingLimit": nil, "fairPoint": 11, "target": 11, "predicted": ["min": 12, "max": 12]])
        let finetune = try #require(a100["workloads"]?.arrayValue?.first { $0["name"] == "qwen-finetune" })
        #expect(finetune["tenant"] == "research")
        #expect(finetune["kind"] == "RayJob")
        #expect(finetune["gpus"] == 12)
        #expect(finetune["admission"] == "borrowing")
    }

    @Test func markdownAndSVG() throws {
        let markdown = try CLIRun.fairway(["fairness", RepoPaths.template.path, "--output", "markdown"])
        #expect(markdown.stdout.contains("| research | 10 | 2 | 12 | 11 | 12 | 4 | - |"), "\(markdown.stdout)")
        #expect(markdown.stdout.contains("| RayJob qwen\\-finetune | research | 12 | borrowing"), "\(markdown.stdout)")
        let svg = try CLIRun.fairway(["fairness", RepoPaths.template.path, "--output", "svg"])
        #expect(svg.status == 0)
        #expect(svg.stdout.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\""))
        #expect(svg.stdout.contains("<title>research target: 11</title>"))
        #expect(svg.stdout.contains("<title>research predicted by Kueue: 12</title>"))
        #expect(svg.stdout.contains("max share 12"))
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
