import Foundation
import Testing
import FairwayCore
import FairwayLive

/// The `fairway` binary end to end: exit codes, outputs and the local state, as a user meets them.
@Suite(.serialized) struct CLITests {
    static func tempState() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("fairway-state-\(UUID().uuidString)").path
    }

    /// Every file below `dir` with its bytes, to prove a directory was left untouched.
    static func contents(of dir: String) -> [String: Data] {
        var result: [String: Data] = [:]
        guard let walker = FileManager.default.enumerator(atPath: dir) else { return result }
        while let path = walker.nextObject() as? String {
            if path == ".lock" { continue }  // holds the pid of the last process that locked it
            if let data = FileManager.default.contents(atPath: "\(dir)/\(path)") { result[path] = data }
        }
        return result
    }

    @Test func planApplyPlanAgainThenEditOneQuota() throws {
        let template = RepoPaths.template.path
        let state = Self.tempState()
        defer { try? FileManager.default.removeItem(atPath: state) }

        let first = try CLIRun.fairway(["plan", template, "--state", state, "--detailed-exitcode"])
        #expect(first.status == 2, "\(first.stderr)")
        #expect(first.stdout.contains("+ Namespace/research"))
        #expect(!first.stdout.contains("\u{1B}["), "no colour when piped")

        let apply = try CLIRun.fairway(["apply", template, "--state", state, "--auto-approve"])
        #expect(apply.status == 0, "\(apply.stderr)")
        #expect(apply.stdout.contains("Apply complete."))

        let again = try CLIRun.fairway(["plan", template, "--state", state, "--detailed-exitcode"])
        #expect(again.status == 0, "\(again.stdout)")
        #expect(again.stdout.contains("No changes."))

        var repo = try TestRepo.template()
        try repo.replace("tenants/research.yaml", "requests.cpu: \"256\"", with: "requests.cpu: \"300\"")
        let edited = try repo.write()
        defer { try? FileManager.default.removeItem(at: edited) }
        let changed = try CLIRun.fairway(["plan", edited.path, "--state", state, "--detailed-exitcode", "--output", "json"])
        #expect(changed.status == 2)
        let plan = try JSONReader.parse(changed.stdout)
        #expect(plan["summary"]?["update"] == 2)
        #expect(plan["summary"]?["create"] == 0)
        #expect(plan["summary"]?["delete"] == 0)
        let changes = try #require(plan["changes"]?.arrayValue)
        #expect(Set(changes.compactMap { $0["namespace"]?.stringValue }) == ["research", "research-scratch"])
        for change in changes {
            #expect(change["kind"] == "ResourceQuota")
            #expect(change["fields"] == [["path": "spec.hard[\"requests.cpu\"]", "before": "256", "after": "300"]])
        }
    }

    /// The ten seeded mistakes of the foundation issue: ten diagnostics at the right places, exit 1,
    /// and an apply that leaves the state directory as it was.
    @Test func tenSeededMistakes() throws {
        var repo = try TestRepo.template()
        var expected: [String] = []
        func seed(_ path: String, _ old: String, _ new: String, _ code: String, lineOf: String? = nil) throws {
            try repo.replace(path, old, with: new)
            expected.append("\(path):\(try repo.line(of: lineOf ?? new, in: path)) \(code)")
        }
        try seed("tenants/research.yaml", "maxWorkerReplicas: 32", "maxWorkerReplica: 32", "unknown-field")
        try seed("tenants/students.yaml", "  quota:\n", "  quota:\n    nvidia.com/gpu: \"4\"\n", "gpu-quota-forbidden",
                 lineOf: "nvidia.com/gpu")
        try seed("nodepools/gpu-l4-inference.yaml", "maxNodes: 10", "maxNodes: ten", "wrong-type")
        try seed("ray/research/qwen-finetune.yaml", "minReplicas: 3", "minReplicas: 9", "replicas-out-of-range")
        try seed("ray/prod-inference/qwen-chat.yaml", "gpuClass: l4", "gpuClass: l4x", "unknown-gpu-class")
        try seed("tenants/prod-inference.yaml", "- name: prod-inference-canary", "- name: platform-ci", "duplicate-namespace")
        try seed("jupyterhub/images.yaml", "scipy-notebook:2025-06-16", "scipy-notebook:latest", "invalid-value")
        try seed("cluster.yaml", "    region: us-west-2", "    region: us-west-2\n    region: us-east-1", "duplicate-key",
                 lineOf: "region: us-east-1")
        try seed("nodepools/gpu-a100-training.yaml", "name: gpu-a100-training", "name: gpu-a100", "name-mismatch")
        repo.files["ray/ghost/finetune.yaml"] = repo.files["ray/research/qwen-finetune.yaml"]!
            .replacingOccurrences(of: "name: qwen-finetune", with: "name: finetune")
        expected.append("ray/ghost/finetune.yaml:\(try repo.line(of: "name: finetune", in: "ray/ghost/finetune.yaml")) unknown-tenant")
        let dir = try repo.write()
        defer { try? FileManager.default.removeItem(at: dir) }

        let run = try CLIRun.fairway(["validate", dir.path, "--output", "json"])
        #expect(run.status == 1)
        let report = try JSONReader.parse(run.stdout)
        let sites = (report["diagnostics"]?.arrayValue ?? []).filter { $0["severity"] == "error" }.map {
            "\($0["path"]?.stringValue ?? ""):\($0["line"].map { JSONWriter.string($0) } ?? "") \($0["code"]?.stringValue ?? "")"
        }
        #expect(sites.sorted() == expected.sorted())
        #expect(report["errorCount"] == 10)

        let text = try CLIRun.fairway(["validate", dir.path])
        #expect(text.status == 1)
        #expect(text.stdout.contains("tenants/research.yaml:"))
        #expect(text.stdout.contains("error[unknown-field]: unknown field `maxWorkerReplica` in `spec.ray`"))
        #expect(text.stdout.contains("hint: did you mean `maxWorkerReplicas`?"))

        // A state applied from the good template, then an apply of the broken copy: nothing changes.
        let state = Self.tempState()
        defer { try? FileManager.default.removeItem(atPath: state) }
        #expect(try CLIRun.fairway(["apply", RepoPaths.template.path, "--state", state, "--auto-approve"]).status == 0)
        let before = Self.contents(of: state)
        let refused = try CLIRun.fairway(["apply", dir.path, "--state", state, "--auto-approve"])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("10 errors"))
        #expect(Self.contents(of: state) == before)
        let plan = try CLIRun.fairway(["plan", dir.path, "--state", state, "--detailed-exitcode"])
        #expect(plan.status == 1)
    }

    @Test func applyAsksForConfirmationAndCancelsOnNo() throws {
        let state = Self.tempState()
        defer { try? FileManager.default.removeItem(atPath: state) }
        let cancelled = try CLIRun.fairway(["apply", RepoPaths.template.path, "--state", state], stdin: "no\n")
        #expect(cancelled.status == 1)
        #expect(cancelled.stderr.contains("Apply cancelled"))
        #expect(try LocalStateStore(root: state).serial() == 0)
        #expect(try LocalStateStore(root: state).listObjects().isEmpty)
        let confirmed = try CLIRun.fairway(["apply", RepoPaths.template.path, "--state", state], stdin: "yes\n")
        #expect(confirmed.status == 0, "\(confirmed.stderr)")
        #expect(try LocalStateStore(root: state).serial() == 1)
    }

    @Test func deletionGuardRefusesLargePrunes() throws {
        let state = Self.tempState()
        defer { try? FileManager.default.removeItem(atPath: state) }
        #expect(try CLIRun.fairway(["apply", RepoPaths.template.path, "--state", state, "--auto-approve"]).status == 0)
        var repo = try TestRepo.template()
        try repo.replace("tenants/research.yaml",
                         "    - name: research-scratch\n      purpose: Short-lived experiments; safe to wipe\n", with: "")
        let dir = try repo.write()
        defer { try? FileManager.default.removeItem(at: dir) }
        // Removing a namespace removes its objects; the guard refuses more than the limit.
        let before = Self.contents(of: state)
        let refused = try CLIRun.fairway(["apply", dir.path, "--state", state, "--auto-approve", "--max-deletions", "1"])
        #expect(refused.status == 1)
        #expect(refused.stdout.contains("refused"))
        #expect(Self.contents(of: state) == before)
        let allowed = try CLIRun.fairway(["plan", dir.path, "--state", state, "--output", "json"])
        let plan = try JSONReader.parse(allowed.stdout)
        #expect(plan["summary"]?["delete"] == 13, "9 namespace objects and 4 LocalQueues")
        #expect(plan["canApply"] == true)
    }

    @Test func validateJSONIsStable() throws {
        let run = try CLIRun.fairway(["validate", RepoPaths.template.path, "--output", "json"])
        #expect(run.status == 0)
        #expect(run.stdout == """
            {
              "formatVersion": 1,
              "valid": true,
              "revision": "local",
              "errorCount": 0,
              "warningCount": 0,
              "diagnostics": []
            }

            """)
    }

    @Test func renderAndSchemaWriteFiles() throws {
        let out = Self.tempState()
        defer { try? FileManager.default.removeItem(atPath: out) }
        let render = try CLIRun.fairway(["render", RepoPaths.template.path, "--out", "\(out)/render"])
        #expect(render.status == 0)
        #expect(render.stdout.contains("Wrote 130 objects, 4 Helm releases and 1 node groups"))
        let namespaces = try String(contentsOfFile: "\(out)/render/kubernetes/_cluster/namespace.yaml", encoding: .utf8)
        #expect(namespaces.contains("name: platform-ci"))
        #expect(FileManager.default.fileExists(atPath: "\(out)/render/eks/gpu-h100-mig.json"))
        let schema = try CLIRun.fairway(["schema", "--out", "\(out)/schemas"])
        #expect(schema.status == 0)
        #expect(try FileManager.default.contentsOfDirectory(atPath: "\(out)/schemas").count == 9)
    }

    @Test func unreadablePathIsAClearError() throws {
        let run = try CLIRun.fairway(["validate", "/nonexistent/platform"])
        #expect(run.status == 1)
        #expect(run.stderr.contains("/nonexistent/platform: not a directory"))
    }
}
