import Testing
import FairwayCore
import FairwayModel
import FairwaySource

/// One seeded mistake in a copy of the template and the one diagnostic it must give.
struct RuleCase: Sendable, CustomTestStringConvertible {
    let code: String
    let path: String
    let old: String
    let new: String
    /// Text on the line the diagnostic must point at (in the edited file).
    let lineOf: String
    var hint: String? = nil

    var testDescription: String { code }
}

/// Each validation rule, one row each: the template with exactly one mistake gives exactly one error,
/// with the right code, at the right file and line.
@Suite struct ModelRuleTests {
    static let cases: [RuleCase] = [
        RuleCase(code: "unknown-field", path: "tenants/research.yaml", old: "maxWorkerReplicas: 32",
                 new: "maxWorkerReplica: 32", lineOf: "maxWorkerReplica:", hint: "did you mean `maxWorkerReplicas`?"),
        RuleCase(code: "wrong-type", path: "nodepools/gpu-l4-inference.yaml", old: "maxNodes: 10", new: "maxNodes: ten",
                 lineOf: "maxNodes: ten"),
        RuleCase(code: "wrong-type", path: "ray/research/qwen-finetune.yaml", old: "enabled: false", new: "enabled: no",
                 lineOf: "enabled: no", hint: "write `true` or `false`"),
        RuleCase(code: "missing-field", path: "ray/research/qwen-finetune.yaml",
                 old: "  rayVersion: \"2.52.0\"        # must match the Ray inside the image\n", new: "", lineOf: "spec:\n"),
        RuleCase(code: "invalid-value", path: "nodepools/gpu-h100-mig.yaml", old: "image: al2023", new: "image: al2024",
                 lineOf: "image: al2024", hint: "did you mean `al2023`?"),
        RuleCase(code: "duplicate-key", path: "cluster.yaml", old: "    region: us-west-2",
                 new: "    region: us-west-2\n    region: us-east-1", lineOf: "region: us-east-1"),
        RuleCase(code: "tab-indentation", path: "tenants/students.yaml", old: "  displayName:", new: "\tdisplayName:",
                 lineOf: "\tdisplayName:"),
        RuleCase(code: "yaml-syntax", path: "tenants/students.yaml", old: "  displayName:", new: "  displayName: [unclosed",
                 lineOf: "displayName: [unclosed"),
        RuleCase(code: "name-mismatch", path: "nodepools/gpu-a100-training.yaml", old: "name: gpu-a100-training",
                 new: "name: gpu-a100", lineOf: "name: gpu-a100"),
        RuleCase(code: "wrong-api-version", path: "tenants/students.yaml", old: "apiVersion: fairway.dev/v1alpha1",
                 new: "apiVersion: fairway.dev/v1", lineOf: "apiVersion: fairway.dev/v1"),
        RuleCase(code: "unknown-kind", path: "tenants/students.yaml", old: "kind: Tenant", new: "kind: Tennant",
                 lineOf: "kind: Tennant", hint: "did you mean `Tenant`?"),
        RuleCase(code: "kind-location", path: "tenants/students.yaml", old: "kind: Tenant", new: "kind: NodePool",
                 lineOf: "kind: NodePool"),
        RuleCase(code: "gpu-quota-forbidden", path: "tenants/students.yaml", old: "  quota:\n",
                 new: "  quota:\n    nvidia.com/gpu: \"4\"\n", lineOf: "nvidia.com/gpu: \"4\""),
        RuleCase(code: "duplicate-namespace", path: "tenants/prod-inference.yaml", old: "- name: prod-inference-canary",
                 new: "- name: platform-ci", lineOf: "- name: platform-ci"),
        RuleCase(code: "unknown-profile", path: "tenants/students.yaml", old: "      - pytorch-a10g-shared\n",
                 new: "      - pytorch-a10g-share\n", lineOf: "- pytorch-a10g-share\n",
                 hint: "did you mean `pytorch-a10g-shared`?"),
        RuleCase(code: "unknown-gpu-class", path: "ray/prod-inference/qwen-chat.yaml", old: "gpuClass: l4", new: "gpuClass: l4x",
                 lineOf: "gpuClass: l4x"),
        RuleCase(code: "gpu-class-not-allowed", path: "ray/prod-inference/qwen-chat.yaml", old: "gpuClass: l4",
                 new: "gpuClass: h100-mig", lineOf: "gpuClass: h100-mig"),
        RuleCase(code: "replicas-out-of-range", path: "ray/research/qwen-finetune.yaml", old: "minReplicas: 3",
                 new: "minReplicas: 9", lineOf: "minReplicas: 9"),
        RuleCase(code: "invalid-value", path: "jupyterhub/images.yaml", old: "scipy-notebook:2025-06-16",
                 new: "scipy-notebook:latest", lineOf: "scipy-notebook:latest"),
        RuleCase(code: "unknown-image", path: "jupyterhub/images.yaml", old: "        - scipy\n", new: "        - scipi\n",
                 lineOf: "- scipi\n"),
        RuleCase(code: "unknown-priority-class", path: "tenants/students.yaml", old: "priorityClass: interactive",
                 new: "priorityClass: interactiv", lineOf: "priorityClass: interactiv"),
        RuleCase(code: "unknown-mig-layout", path: "nodepools/gpu-h100-mig.yaml", old: "layout: all-1g.10gb",
                 new: "layout: all-1g.5gb", lineOf: "layout: all-1g.5gb"),
        RuleCase(code: "gpu-model-mismatch", path: "nodepools/gpu-h100-mig.yaml", old: "- p5.48xlarge",
                 new: "- p4d.24xlarge", lineOf: "- p4d.24xlarge"),
        RuleCase(code: "invalid-for-provisioner", path: "nodepools/gpu-h100-mig.yaml", old: "  instances:",
                 new: "  weight: 10\n  instances:", lineOf: "weight: 10"),
        RuleCase(code: "invalid-range", path: "policies/default.yaml", old: "lendingLimit: 2          # lends",
                 new: "lendingLimit: 5          # lends", lineOf: "lendingLimit: 5"),
        RuleCase(code: "name-too-long", path: "ray/prod-inference/qwen-chat.yaml", old: "name: qwen-chat",
                 new: "name: qwen-chat-with-a-name-far-too-long-for-kuberay-to-accept", lineOf: "name: qwen-chat-with"),
        RuleCase(code: "reserved-namespace", path: "tenants/platform.yaml", old: "- name: platform-tools",
                 new: "- name: jupyterhub", lineOf: "- name: jupyterhub"),
        RuleCase(code: "reserved-namespace", path: "tenants/platform.yaml", old: "- name: platform-tools",
                 new: "- name: kube-system", lineOf: "- name: kube-system"),
        RuleCase(code: "reserved-namespace", path: "tenants/platform.yaml", old: "- name: platform-tools",
                 new: "- name: kueue-system", lineOf: "- name: kueue-system"),
        RuleCase(code: "reserved-namespace", path: "tenants/platform.yaml", old: "- name: platform-tools",
                 new: "- name: fairway-system", lineOf: "- name: fairway-system"),
        RuleCase(code: "class-without-share", path: "tenants/students.yaml", old: "    - h100-mig\n",
                 new: "    - h100-mig\n    - a100\n", lineOf: "    - a100\n"),
        RuleCase(code: "gpu-class-mismatch", path: "jupyterhub/images.yaml", old: "      nodepool: gpu-l4-inference",
                 new: "      nodepool: gpu-a100-training", lineOf: "class: l4"),
        RuleCase(code: "gpu-class-not-allowed", path: "tenants/students.yaml", old: "      - pytorch-h100-mig\n",
                 new: "      - pytorch-h100-mig\n      - pytorch-l4\n", lineOf: "      - pytorch-l4\n"),
        RuleCase(code: "unknown-namespace", path: "tenants/research.yaml", old: "    priorityClass: interactive\n",
                 new: "    priorityClass: interactive\n    namespace: research-notebooks\n", lineOf: "namespace: research-notebooks"),
        RuleCase(code: "priority-class-not-allowed", path: "tenants/platform.yaml", old: "    priorityClass: interactive   #",
                 new: "    priorityClass: batch-high   #", lineOf: "priorityClass: batch-high"),
        RuleCase(code: "unknown-priority-class", path: "tenants/platform.yaml", old: "    priorityClass: interactive   #",
                 new: "    priorityClass: urgent   #", lineOf: "priorityClass: urgent"),
        RuleCase(code: "missing-field", path: "cluster.yaml", old: "        secretRef:\n          name: jupyterhub-cognito-oauth\n",
                 new: "", lineOf: "type: cognito"),
        RuleCase(code: "invalid-value", path: "cluster.yaml", old: "        type: cognito\n",
                 new: "        type: generic-oauth\n        oauth:\n          authorizeUrl: http://login.example.com/a\n          tokenUrl: https://login.example.com/t\n          userdataUrl: https://login.example.com/u\n",
                 lineOf: "authorizeUrl: http://"),
    ]

    @Test(arguments: cases)
    func oneMistakeGivesOneDiagnostic(_ c: RuleCase) throws {
        try Self.expectOneDiagnostic(c)
    }

    /// Seeds `c`'s mistake into the template and expects exactly its one error.
    static func expectOneDiagnostic(_ c: RuleCase) throws {
        var repo = try TestRepo.template()
        var path = c.path
        try repo.replace(c.path, c.old, with: c.new)
        if c.code == "name-too-long" {
            // The file must be renamed with the document, or the name mismatch would be a second error.
            let renamed = "ray/prod-inference/qwen-chat-with-a-name-far-too-long-for-kuberay-to-accept.yaml"
            repo.files[renamed] = repo.files.removeValue(forKey: c.path)
            path = renamed
        }
        let result = repo.load()
        let errors = result.diagnostics.filter { $0.severity == .error }
        let line = try repo.line(of: c.lineOf, in: path)
        #expect(errors.count == 1, "\(errors.map(\.description))")
        let error = try #require(errors.first)
        #expect(error.code == c.code)
        #expect(error.location?.path == path)
        #expect(error.location?.line == line, "\(error)")
        if let hint = c.hint { #expect(error.hint == hint) }
    }

    /// Tenant `prod` with class `inference-l4` and tenant `prod-inference` with class `l4` would both
    /// render ClusterQueue `prod-inference-l4`.
    @Test func clusterQueueNamesMustNotCollide() throws {
        var repo = try TestRepo.template()
        var tenant = try #require(repo.files["tenants/students.yaml"])
        tenant = tenant.replacingOccurrences(of: "name: students", with: "name: prod")
            .replacingOccurrences(of: "- name: prod\n", with: "- name: prod-ns\n")
            .replacingOccurrences(of: "    - a10g-shared\n    - h100-mig\n", with: "    - inference-l4\n")
            .replacingOccurrences(of: "      - pytorch-a10g-shared\n      - pytorch-h100-mig\n", with: "")
        repo.files["tenants/prod.yaml"] = tenant
        try repo.replace("policies/default.yaml", "  classes:\n",
                         with: "  classes:\n    inference-l4:\n      tenants:\n        prod:\n          guaranteed: 0\n")
        let result = repo.load()
        let collisions = result.diagnostics.filter { $0.code == "name-collision" }
        #expect(collisions.count == 1, "\(result.diagnostics.map(\.description))")
        let collision = try #require(collisions.first)
        #expect(collision.message.contains("ClusterQueue 'prod-inference-l4'"))
        let places = ([collision.location] + collision.notes.map(\.location)).compactMap { $0?.path }.sorted()
        #expect(places == ["policies/default.yaml", "policies/default.yaml"], "\(collision)")
        #expect(Set(([collision.location] + collision.notes.map(\.location)).compactMap { $0?.line }).count == 2)
    }

    @Test func notebookProfilesNeedACatalogue() throws {
        var repo = try TestRepo.template()
        repo.files["jupyterhub/images.yaml"] = nil
        let result = repo.load()
        #expect(result.errorSites.contains { $0.hasPrefix("tenants/") && $0.hasSuffix("unknown-profile") },
                "\(result.errorSites)")
    }

    @Test func directoryUnderRayMustNameATenant() throws {
        var repo = try TestRepo.template()
        repo.files["ray/ghost/qwen-finetune.yaml"] = repo.files["ray/research/qwen-finetune.yaml"]
        let result = repo.load()
        let line = try repo.line(of: "name: qwen-finetune", in: "ray/ghost/qwen-finetune.yaml")
        #expect(result.errorSites == ["ray/ghost/qwen-finetune.yaml:\(line) unknown-tenant"])
    }

    @Test func tooManyWorkerGroups() throws {
        var repo = try TestRepo.template()
        let groups = (0..<18).map {
            "    - name: g\($0)\n      replicas: 0\n      resources: {cpu: \"1\", memory: 1Gi}\n"
        }.joined()
        try repo.replace("ray/research/qwen-finetune.yaml", "  workerGroups:\n", with: "  workerGroups:\n" + groups)
        let codes = repo.load().diagnostics.map(\.code)
        #expect(codes.contains("too-many-worker-groups"))
    }

    @Test func severalDocumentsInOneFileAreAnError() throws {
        var repo = try TestRepo.template()
        repo.files["tenants/students.yaml"]! += "---\napiVersion: fairway.dev/v1alpha1\nkind: Tenant\n"
        let line = try repo.line(of: "---\napiVersion", in: "tenants/students.yaml")
        #expect(repo.load().errorSites == ["tenants/students.yaml:\(line) multiple-documents"])
    }

    @Test func emptyFileIsAnError() throws {
        var repo = try TestRepo.template()
        repo.files["tenants/empty.yaml"] = "# nothing here\n"
        #expect(repo.load().errorSites == ["tenants/empty.yaml:1 empty-file"])
    }

    @Test func nonUTF8IsAnErrorAtItsPosition() throws {
        var repo = try TestRepo.template()
        let snapshotFiles = repo.snapshot.files.filter { $0.path != "tenants/students.yaml" }
        var bytes = Array(repo.files["tenants/students.yaml"]!.utf8)
        let index = try #require(bytes.firstIndex(of: UInt8(ascii: "M")))
        bytes[index] = 0xFF
        let line = bytes[..<index].filter { $0 == 0x0A }.count + 1
        repo.files["tenants/students.yaml"] = nil
        let snapshot = SourceSnapshotBuilder.with(snapshotFiles + [.init(path: "tenants/students.yaml", bytes: bytes)])
        let result = PlatformLoader().load(snapshot)
        #expect(result.errorSites == ["tenants/students.yaml:\(line) not-utf8"])
    }

    @Test func aliasBombIsRefusedQuickly() throws {
        var repo = try TestRepo.template()
        var bomb = "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n"
        for level in 1...9 {
            let prev = level == 1 ? "a" : "l\(level - 1)"
            bomb += "l\(level): &l\(level) [" + Array(repeating: "*\(prev)", count: 9).joined(separator: ",") + "]\n"
        }
        try repo.replace("cluster.yaml", "  reconcile:", with: "  bomb:\n" + bomb.split(separator: "\n").map { "    \($0)" }.joined(separator: "\n") + "\n  reconcile:")
        let codes = repo.load().diagnostics.map(\.code)
        #expect(codes == ["alias-expansion"])
    }

    @Test func collectsEveryProblemNotJustTheFirst() throws {
        var repo = try TestRepo.template()
        try repo.replace("tenants/research.yaml", "maxWorkerReplicas: 32", with: "maxWorkerReplica: 32")
        try repo.replace("tenants/students.yaml", "priorityClass: interactive", with: "priorityClass: interactiv")
        try repo.replace("nodepools/gpu-l4-inference.yaml", "maxNodes: 10", with: "maxNodes: ten")
        #expect(repo.load().diagnostics.filter { $0.severity == .error }.count == 3)
    }
}

/// Builds snapshots from raw files (for bytes that are not valid strings).
enum SourceSnapshotBuilder {
    static func with(_ files: [FairwaySource.SourceFile]) -> FairwaySource.SourceSnapshot {
        .init(origin: "test", revision: "test", files: files.sorted { $0.path < $1.path }, diagnostics: [])
    }
}
