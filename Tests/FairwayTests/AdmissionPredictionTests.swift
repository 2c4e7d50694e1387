import FairwayAgent
import FairwayCore
import FairwayFairness
import FairwayModel
import FairwayPipeline
import Testing

/// The fairness prediction on copies of the template: what Kueue (v0.19.2, through
/// FairwayAdmission) holds for each tenant at steady state over many arrival orders, how each
/// workload can be admitted, and the findings (starvation, priority inversion) with file:line.
@Suite struct AdmissionPredictionTests {
    static func report(_ repo: TestRepo) -> FairnessReport { Fairness.evaluate(repo.load().platform) }

    static func bands(_ report: FairnessReport, _ gpuClass: String) -> [String: ClosedRange<Int>] {
        var out: [String: ClosedRange<Int>] = [:]
        for t in report.classes.first(where: { $0.gpuClass == gpuClass })?.tenants ?? [] {
            if let band = t.predicted { out[t.tenant] = band.min...band.max }
        }
        return out
    }

    @Test func a100SettlesWhereKueueDoesNotWhereWaterFillingWould() throws {
        let report = Self.report(try TestRepo.template())
        let a100 = try #require(report.classes.first { $0.gpuClass == "a100" })
        // The ideal for divisible work: 11 / 1 / 3. Kueue admits whole workloads: research's 12-GPU
        // RayJob borrows prod-inference's 2 lendable A100s, and of platform's burn-in as 2-GPU pairs
        // only the pair inside its guarantee runs beside it, in every order.
        #expect(Dictionary(uniqueKeysWithValues: a100.tenants.map { ($0.tenant, $0.fairPoint) })
                == ["research": 11, "prod-inference": 1, "platform": 3])
        #expect(Self.bands(report, "a100") == ["research": 12...12, "prod-inference": 1...1, "platform": 2...2])
        #expect(a100.orders.count == 16)
        let finetune = try #require(a100.workloads.first { $0.name == "qwen-finetune" })
        #expect(finetune.admission == .borrowing)
        #expect(finetune.gpus == 12)
        #expect(finetune.path == "ray/research/qwen-finetune.yaml")
    }

    @Test func aWorkloadAboveItsGuaranteeWaitsWheneverOthersBorrow() throws {
        // platform's burn-in as one 4-GPU job (the template before it was split into pairs): Kueue
        // settles at 12 / 1 / 0 in every arrival order. When the job arrives first, research's
        // RayJob preempts it by fair sharing; platform never gets even its guarantee of 2.
        var repo = try TestRepo.template()
        try repo.replace("policies/default.yaml", "          jobSize: 2 ", with: "          jobSize: 4 ")
        let report = Self.report(repo)
        #expect(Self.bands(report, "a100") == ["research": 12...12, "prod-inference": 1...1, "platform": 0...0])
        let starving = try #require(report.diagnostics.first { $0.code == "workload-starves" }, "\(report.diagnostics)")
        #expect(starving.location?.path == "policies/default.yaml")
        #expect(starving.location?.line == (try repo.line(of: "demand: 4 ", in: "policies/default.yaml")))
        #expect(starving.message.contains("platform holds 0"), "\(starving.message)")
    }

    @Test func everyWorkloadIsClassified() throws {
        let report = Self.report(try TestRepo.template())
        let admissions = Dictionary(uniqueKeysWithValues: report.classes.flatMap(\.workloads).map { ("\($0.tenant)/\($0.name)", $0.admission) })
        #expect(admissions["research/hpo-sweep"] == .guaranteed)
        #expect(admissions["prod-inference/qwen-chat"] == .guaranteed)
        #expect(admissions["students/ray-intro"] == .guaranteed)
        #expect(admissions["research/qwen-finetune"] == .borrowing)
    }

    @Test func aLargeWorkloadStarvesBehindSmallBorrowedOnes() throws {
        // platform's burn-in as four 1-GPU jobs: two within its guarantee, two borrowed. Research's
        // 12-GPU RayJob then waits with 11 A100s idle: one preemption would be fair, two are not.
        var repo = try TestRepo.template()
        try repo.replace("policies/default.yaml", "          jobSize: 2 ", with: "          jobSize: 1 ")
        let report = Self.report(repo)
        let starving = try #require(report.diagnostics.first {
            $0.code == "workload-starves" && $0.location?.path == "ray/research/qwen-finetune.yaml"
        }, "\(report.diagnostics)")
        #expect(starving.severity == .warning)
        #expect(starving.location?.path == "ray/research/qwen-finetune.yaml")
        #expect(starving.location?.line == (try repo.line(of: "workerGroups:", in: "ray/research/qwen-finetune.yaml")))
        #expect(starving.message.contains("11 idle"), "\(starving.message)")
        #expect(Self.bands(report, "a100")["research"]?.lowerBound == 0)
    }

    /// prod-inference serves qwen-chat (serving-critical) from 4 guaranteed L4s plus 2 borrowed;
    /// research runs a 5-L4 batch job inside its raised guarantee of 5 (4 + 5 + 1 = all 10 L4s).
    static func borrowingServing(preemptible: Bool) throws -> TestRepo {
        var repo = try TestRepo.template()
        try repo.replace("policies/default.yaml", "          guaranteed: 6            # qwen-chat peak 6 fits inside the guarantee",
                         with: "          guaranteed: 4")
        try repo.replace("policies/default.yaml", "          borrowingLimit: 0        # serving-critical", with: "          borrowingLimit: 2        # serving-critical")
        try repo.replace("policies/default.yaml", "        research:\n          guaranteed: 2\n          borrowingLimit: 2",
                         with: "        research:\n          guaranteed: 5\n          borrowingLimit: 2")
        if !preemptible { return repo.adding(batchJob) }
        try repo.replace("cluster.yaml", "        preemptible: false\n", with: "")
        return repo.adding(batchJob)
    }

    static let batchJob = ("ray/research/l4-eval.yaml", """
        apiVersion: fairway.dev/v1alpha1
        kind: RayJob
        metadata:
          name: l4-eval
        spec:
          gpuClass: l4
          priorityClass: batch
          rayVersion: "2.52.0"
          image: rayproject/ray:2.52.0-py311-gpu
          head: {cpu: "2", memory: 8Gi}
          workerGroups:
            - name: l4
              replicas: 5
              resources: {cpu: "4", memory: 16Gi, gpu: 1}
          job:
            entrypoint: python eval.py

        """)

    @Test func batchWorkReclaimingAGuaranteeCanPreemptServing() throws {
        let repo = try Self.borrowingServing(preemptible: true)
        let report = Self.report(repo)
        let inversion = try #require(report.diagnostics.first { $0.code == "priority-inversion" }, "\(report.diagnostics)")
        #expect(inversion.location?.path == "ray/prod-inference/qwen-chat.yaml")
        #expect(inversion.message.contains("l4-eval"))
        #expect(inversion.message.contains("serving-critical"))
    }

    @Test func aNonPreemptibleClassIsProtectedAndTheBorrowingTenantWarned() throws {
        let repo = try Self.borrowingServing(preemptible: false)
        let report = Self.report(repo)
        #expect(!report.diagnostics.contains { $0.code == "priority-inversion" }, "\(report.diagnostics)")
        let warning = try #require(report.diagnostics.first { $0.code == "non-preemptible-work-in-borrowing-tenant" })
        #expect(warning.location?.path == "ray/prod-inference/qwen-chat.yaml")
        #expect(warning.location?.line == (try repo.line(of: "priorityClass: serving-critical", in: "ray/prod-inference/qwen-chat.yaml")))
        let quotas = KueueQuotas.build(repo.load().platform)
        #expect(quotas.classes.first { $0.gpuClass == "l4" }?.reclaimWithinCohort == "LowerPriority")
        #expect(quotas.classes.first { $0.gpuClass == "a100" }?.reclaimWithinCohort == "Any")
    }

    @Test func aClassTooLargeToReplayIsSaidSoAndStillJudged() throws {
        let report = Fairness.evaluate(try TestRepo.template().load().platform, prediction: PredictionOptions(maxClassSize: 1))
        let skipped = report.diagnostics.filter { $0.code == "prediction-skipped" }
        #expect(skipped.count == 4, "\(report.diagnostics)")
        #expect(skipped.allSatisfy { $0.severity == .warning && $0.location?.path == "policies/default.yaml" })
        let a100 = try #require(report.classes.first { $0.gpuClass == "a100" })
        #expect(a100.tenants.allSatisfy { $0.predicted == nil })
        #expect(a100.workloads.first { $0.name == "qwen-finetune" }?.admission == .borrowing)
    }

    @Test func theTemplateHasNoFindings() throws {
        let report = Self.report(try TestRepo.template())
        #expect(report.diagnostics.isEmpty, "\(report.diagnostics)")
    }
}

extension TestRepo {
    func adding(_ file: (String, String)) -> TestRepo {
        var copy = self
        copy.files[file.0] = file.1
        return copy
    }
}
