import FairwayPipeline
import Testing
import FairwayAgent
import FairwayCore
import FairwayFairness
import FairwayModel
import FairwaySource

/// Fairness checks on copies of the template: each impossible policy gives one diagnostic whose
/// notes name every conflicting statement by file and line, with the nearest fixes as the hint.
@Suite struct FairnessCheckTests {
    func evaluate(_ repo: TestRepo) -> [Diagnostic] {
        Pipeline().evaluate(repo.snapshot, render: false).diagnostics.filter { $0.severity == .error }
    }

    func site(_ repo: TestRepo, _ path: String, _ needle: String) throws -> String {
        "\(path):\(try repo.line(of: needle, in: path))"
    }

    func noteSites(_ d: Diagnostic) -> [String] {
        d.notes.compactMap { $0.location.map { "\($0.path):\($0.line)" } }.sorted()
    }

    @Test func templateAllocation() throws {
        let report = Fairness.evaluate(try TestRepo.template().load().platform)
        let a100 = try #require(report.classes.first { $0.gpuClass == "a100" })
        #expect(a100.capacity == 16)
        #expect(Dictionary(uniqueKeysWithValues: a100.tenants.map { ($0.tenant, $0.target) })
                == ["research": 11, "prod-inference": 1, "platform": 3])
        let mig = try #require(report.classes.first { $0.gpuClass == "h100-mig" })
        #expect(mig.capacity == 56, "1 node x 8 H100 x 7 devices of all-1g.10gb")
        let shared = try #require(report.classes.first { $0.gpuClass == "a10g-shared" })
        #expect(shared.capacity == 24, "6 nodes x 1 A10G x 4 time-slicing replicas")
        #expect(report.diagnostics.isEmpty)
    }

    @Test func guaranteesOverCapacityAreExplainedByTheUnsatCore() throws {
        var repo = try TestRepo.template()
        try repo.replace("policies/default.yaml", "          guaranteed: 10", with: "          guaranteed: 14")
        let errors = evaluate(repo)
        #expect(errors.count == 1, "\(errors)")
        let d = try #require(errors.first)
        #expect(d.code == "guarantees-exceed-capacity")
        #expect(d.message == "guarantees in class 'a100' add up to 20 but its capacity is 16")
        #expect(d.location.map { "\($0.path):\($0.line)" } == (try site(repo, "policies/default.yaml", "    a100:")))
        #expect(noteSites(d) == [
            try site(repo, "nodepools/gpu-a100-training.yaml", "maxNodes: 2"),
            try site(repo, "policies/default.yaml", "guaranteed: 14\n          weight: 2\n          borrowingLimit: 4"),
            try site(repo, "policies/default.yaml", "          guaranteed: 4"),
        ].sorted(), "\(noteSites(d))")
        #expect(d.hint == "raise gpu-a100-training maxNodes to 3, or lower research.guaranteed in 'a100' to 10")
    }

    /// Over-committing a100 (prod-inference 4 -> 8: 20 > 16) while research's RayJob is too big for it
    /// used to report only `workload-never-admitted` on ray/research/qwen-finetune.yaml: Z3's first
    /// conflict took research's guarantee, and the over-commitment went unreported.
    @Test func overCommitmentIsReportedFirstAndItsConsequencesSaySo() throws {
        var repo = try TestRepo.template()
        try repo.replace("policies/default.yaml", "          guaranteed: 4", with: "          guaranteed: 8")
        try repo.replace("ray/research/qwen-finetune.yaml", "      maxReplicas: 3", with: "      maxReplicas: 4")
        let errors = evaluate(repo)
        #expect(errors.map(\.code) == ["guarantees-exceed-capacity", "workload-never-admitted"], "\(errors)")
        let root = try #require(errors.first)
        #expect(root.message == "guarantees in class 'a100' add up to 20 but its capacity is 16")
        #expect(root.location.map { "\($0.path):\($0.line)" } == (try site(repo, "policies/default.yaml", "    a100:")))
        #expect(root.cause == nil)
        #expect(root.hint?.contains("lower prod-inference.guaranteed in 'a100' to 4") == true, "\(root.hint ?? "")")
        let consequence = try #require(errors.last)
        #expect(consequence.location?.path == "ray/research/qwen-finetune.yaml")
        #expect(consequence.cause == Diagnostic.Cause(code: "guarantees-exceed-capacity", at: root.location))
        #expect(consequence.notes.first?.message == "follows from guarantees-exceed-capacity: \(root.message)")
    }

    @Test func guaranteeAboveTheMaxShare() throws {
        var repo = try TestRepo.template()
        try repo.replace("policies/default.yaml", "          guaranteed: 10", with: "          guaranteed: 13")
        try repo.replace("policies/default.yaml", "          guaranteed: 4", with: "          guaranteed: 1")
        try repo.replace("policies/default.yaml", "lendingLimit: 2          # lends", with: "lendingLimit: 1          # lends")
        let errors = evaluate(repo)
        #expect(errors.map(\.code) == ["guarantee-above-max-share"], "\(errors)")
        let d = try #require(errors.first)
        #expect(d.location.map { "\($0.path):\($0.line)" } == (try site(repo, "policies/default.yaml", "guaranteed: 13")))
        #expect(noteSites(d).contains(try site(repo, "policies/default.yaml", "maxSharePercent: 75")))
        let hint = try #require(d.hint)
        #expect(hint.contains("lower research.guaranteed in 'a100' to 12"))
        #expect(hint.contains("raise maxSharePercent of 'a100' to 82"))
    }

    @Test func workloadThatCouldNeverBeAdmitted() throws {
        var repo = try TestRepo.template()
        try repo.replace("ray/research/qwen-finetune.yaml", "      maxReplicas: 3", with: "      maxReplicas: 4")
        let errors = evaluate(repo)
        #expect(errors.map(\.code) == ["workload-never-admitted"], "\(errors)")
        let d = try #require(errors.first)
        #expect(d.location.map { "\($0.path):\($0.line)" } == (try site(repo, "ray/research/qwen-finetune.yaml", "workerGroups:")))
        #expect(d.message.contains("RayJob 'qwen-finetune' needs 16 'a100' GPUs at peak"))
        #expect(d.hint?.contains("lower the peak of qwen-finetune to 12") == true)
    }

    @Test func migProfileNoPoolOffers() throws {
        var repo = try TestRepo.template()
        try repo.replace("ray/research/hpo-sweep.yaml", "profile: 1g.10gb", with: "profile: 2g.20gb")
        let errors = evaluate(repo)
        #expect(errors.map(\.code) == ["mig-profile-unavailable"], "\(errors)")
        #expect(errors.first?.location?.line == (try repo.line(of: "profile: 2g.20gb", in: "ray/research/hpo-sweep.yaml")))
        #expect(errors.first?.hint == "the class offers: 1g.10gb")
    }

    @Test func timeSlicedGPUsForAForbiddenKind() throws {
        var repo = try TestRepo.template()
        try repo.replace("ray/research/qwen-finetune.yaml", "gpuClass: a100", with: "gpuClass: a10g-shared")
        let errors = evaluate(repo)
        #expect(errors.map(\.code) == ["sharing-forbidden"], "\(errors)")
        #expect(errors.first?.message.contains("RayJob 'qwen-finetune' uses time-sliced GPUs of class 'a10g-shared'") == true)
    }

    @Test func workloadOfAClassWithoutPolicy() throws {
        var repo = try TestRepo.template()
        try repo.replace("policies/default.yaml", "    l4:\n", with: "    l4-unused:\n")
        let errors = evaluate(repo).filter { $0.code == "workload-never-admitted" }
        #expect(errors.count == 1)
        #expect(errors.first?.location?.path == "ray/prod-inference/qwen-chat.yaml")
    }
}

/// Explanations stay small and fast in large classes: uninvolved tenants are summed into one statement.
@Suite struct LargeClassExplanationTests {
    static func snapshot(tenants: Int, bump: Int) -> SourceSnapshot {
        var files = [SourceFile(path: "nodepools/pool.yaml", bytes: Array("""
            apiVersion: fairway.dev/v1alpha1
            kind: NodePool
            metadata: {name: pool}
            spec:
              provisioner: karpenter
              gpu: {class: a100, model: a100}
              instances: {types: [p4d.24xlarge]}
              capacity: {maxNodes: \(tenants / 8)}

            """.utf8))]
        var policy = "apiVersion: fairway.dev/v1alpha1\nkind: GpuFairnessPolicy\nmetadata: {name: default}\nspec:\n  classes:\n    a100:\n      tenants:\n"
        for t in 0..<tenants {
            policy += "        team-\(t): {guaranteed: \(t == 0 ? 1 + bump : 1)}\n"
            files.append(SourceFile(path: "tenants/team-\(t).yaml", bytes: Array(
                "apiVersion: fairway.dev/v1alpha1\nkind: Tenant\nmetadata: {name: team-\(t)}\nspec:\n  namespaces: [{name: team-\(t)}]\n  gpuClasses: [a100]\n".utf8)))
        }
        files.append(SourceFile(path: "policies/default.yaml", bytes: Array(policy.utf8)))
        return SourceSnapshot(origin: "test", revision: "test", files: files, diagnostics: [])
    }

    @Test func othersAreSummed() throws {
        let platform = PlatformLoader().load(Self.snapshot(tenants: 400, bump: 5)).platform
        let report = Fairness.evaluate(platform)
        let d = try #require(report.diagnostics.first)
        #expect(report.diagnostics.count == 1)
        #expect(d.code == "guarantees-exceed-capacity")
        #expect(d.message == "guarantees in class 'a100' add up to 405 but its capacity is 400")
        #expect(d.notes.contains { $0.message.hasSuffix("other tenants are guaranteed 376 in total") })
        #expect(d.hint?.contains("raise pool maxNodes to 51") == true)
    }
}
