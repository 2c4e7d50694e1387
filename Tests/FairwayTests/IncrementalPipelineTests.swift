import FairwayPipeline
import Foundation
import Testing
import FairwayAgent
import FairwayCore
import FairwayDiff
import FairwaySource

/// A long-running pipeline (parse, render and diff caches kept between commits) must give exactly
/// what a fresh pipeline gives for every commit, whatever the commit changed: one file, the policy
/// every queue is rendered from, files removed and added back, a broken file and its fix.
@Suite struct IncrementalPipelineTests {
    /// Evaluates `commit` the way the sync agent does (contents of cached blobs not even read).
    private static func incremental(_ fixture: GitFixture, _ commit: String, _ pipeline: Pipeline) throws -> Evaluation {
        let parseCache = try #require(pipeline.loader.parseCache)
        let snapshot = try fixture.cache.snapshot(url: fixture.url, commit: commit, skipContent: { blobID, path in
            parseCache.contains(blobID: blobID, path: path)
        }).get()
        return pipeline.evaluate(snapshot)
    }

    private static func fresh(_ fixture: GitFixture, _ commit: String) throws -> Evaluation {
        Pipeline().evaluate(try fixture.cache.snapshot(url: fixture.url, commit: commit).get())
    }

    private static func edit(_ fixture: GitFixture, _ path: String, _ change: (String) -> String) throws {
        let url = fixture.work.appendingPathComponent(path)
        let text = try String(contentsOf: url, encoding: .utf8)
        let changed = change(text)
        #expect(changed != text, "the edit of \(path) changed nothing")
        try fixture.write(path, changed)
    }

    /// The objects that differ between two renderings, by key (short enough to read in a failure).
    private static func differences(_ a: [Manifest], _ b: [Manifest]) -> [String] {
        guard a.count == b.count else { return ["\(a.count) objects against \(b.count)"] }
        return zip(a, b).compactMap { x, y in x == y ? nil : "\(x.key) / \(y.key)" }
    }

    @Test func everyCommitPlansAsAFreshPipelineWould() throws {
        let fixture = try GitFixture()
        defer { fixture.remove() }
        let pipeline = Pipeline.incremental()
        let base = try fixture.fetch("main").get().commit
        let baseDesired = try #require(try Self.fresh(fixture, base).desired)
        // Two live states: the base as applied, and the same with drift (a separate array).
        let applied = LiveSnapshot(serial: 1, objects: baseDesired.sortedStampedManifests)
        var driftedObjects = applied.objects
        let quota = try #require(driftedObjects.firstIndex { $0.key.kind == "ResourceQuota" })
        driftedObjects[quota].body = ["apiVersion": "v1", "kind": "ResourceQuota",
                                      "metadata": driftedObjects[quota].body["metadata"] ?? [:], "spec": ["hard": ["pods": "1"]]]
        let drifted = LiveSnapshot(serial: 2, objects: driftedObjects)

        let hpo = "ray/research/hpo-sweep.yaml"
        let hpoText = try String(contentsOf: fixture.work.appendingPathComponent(hpo), encoding: .utf8)
        let steps: [(name: String, change: () throws -> Void)] = [
            ("the template", {}),
            ("one tenant's quota", { try Self.edit(fixture, "tenants/students.yaml") { $0.replacingOccurrences(of: "requests.cpu: \"64\"", with: "requests.cpu: \"65\"") } }),
            ("the fairness policy", { try Self.edit(fixture, "policies/default.yaml") { $0.replacingOccurrences(of: "weight: 1", with: "weight: 2") } }),
            ("a workload removed", { try FileManager.default.removeItem(at: fixture.work.appendingPathComponent(hpo)) }),
            ("a broken tenant", { try Self.edit(fixture, "tenants/students.yaml") { $0 + "\n  : [unclosed\n" } }),
            ("the tenant fixed and the workload back", {
                try Self.edit(fixture, "tenants/students.yaml") { $0.replacingOccurrences(of: "\n  : [unclosed\n", with: "") }
                try fixture.write(hpo, hpoText)
            }),
        ]
        var reusedSomewhere = false
        for (index, step) in steps.enumerated() {
            try step.change()
            if index > 0 {
                try fixture.commitAll(step.name)
                try fixture.push()
            }
            let commit = try fixture.fetch("main").get().commit
            let warm = try Self.incremental(fixture, commit, pipeline)
            let cold = try Self.fresh(fixture, commit)
            #expect(warm.diagnostics == cold.diagnostics, "\(step.name)")
            #expect(warm.isValid == (step.name != "a broken tenant"), "\(step.name): \(warm.diagnostics.prefix(2))")
            guard let warmDesired = warm.desired, let coldDesired = cold.desired else {
                #expect(warm.desired == nil && cold.desired == nil, "\(step.name)")
                continue
            }
            #expect(Self.differences(warmDesired.manifests, coldDesired.manifests) == [], "\(step.name)")
            #expect(warmDesired.tenants == coldDesired.tenants, "\(step.name)")
            for live in [applied, drifted, applied] {
                let warmPlan = try pipeline.plan(warm, live: live), coldPlan = try Pipeline().plan(cold, live: live)
                let same = warmPlan == coldPlan  // not compared inside #expect, which would print both plans whole
                #expect(same, "\(step.name), live serial \(live.serial): \(warmPlan.changes.count) changes against \(coldPlan.changes.count)")
                reusedSomewhere = reusedSomewhere || (pipeline.diffMemo?.lastPlan.reused ?? 0) > 0
            }
        }
        #expect(reusedSomewhere, "the diff memo was never used")
    }
}
