import FairwayAgent
import FairwayCore
import FairwayFairness
import FairwayModel
import FairwayPipeline
import Testing

/// The quota tree Fairway renders for Kueue, as the defects found against Kueue v0.19.2 require:
/// unguaranteed capacity in the Cohort, the max share in every borrowing limit, `guaranteed: 0`
/// able to borrow, one flavor per class, heads off the GPU quota, node selection by Fairway's label.
@Suite struct KueueQuotaTests {
    static func queues(_ repo: TestRepo, _ gpuClass: String) throws -> KueueQuotas.ClassQueues {
        try #require(KueueQuotas.build(repo.load().platform).classes.first { $0.gpuClass == gpuClass })
    }

    static func queue(_ queues: KueueQuotas.ClassQueues, _ tenant: String) throws -> KueueQuotas.TenantQueue {
        try #require(queues.queues.first { $0.tenant == tenant })
    }

    @Test func unguaranteedCapacityIsTheCohortsQuota() throws {
        let mig = try Self.queues(try TestRepo.template(), "h100-mig")
        #expect(mig.cohortQuota.units == 8, "56 slices, 48 guaranteed")
        #expect(mig.cohortSpec["resourceGroups"]?[0]?["flavors"]?[0]?["resources"]?[2]?["nominalQuota"] == "8")
        let l4 = try Self.queues(try TestRepo.template(), "l4")
        #expect(l4.cohortQuota.units == 1)
    }

    @Test func theMaxShareCapsWhatEveryTenantCanReach() throws {
        let a100 = try Self.queues(try TestRepo.template(), "a100")
        // cap floor(75% x 16) = 12: research 10 + 2, prod-inference (no borrowing limit) 4 + 8.
        #expect(try Self.queue(a100, "research").gpu.borrowing?.units == 2)
        #expect(try Self.queue(a100, "prod-inference").gpu.borrowing?.units == 8)
        #expect(try Self.queue(a100, "platform").gpu.borrowing?.units == 2)
    }

    @Test func aTenantGuaranteedNothingCanStillBorrow() throws {
        var repo = try TestRepo.template()
        try repo.replace("policies/default.yaml", "        platform:\n          guaranteed: 1\n          borrowingLimit: 1",
                         with: "        platform:\n          guaranteed: 0\n          borrowingLimit: 1")
        let platform = try Self.queue(try Self.queues(repo, "l4"), "platform")
        #expect(platform.gpu.nominal.units == 0)
        #expect(platform.gpu.borrowing?.units == 1)
        #expect(platform.gpu.borrowing?.milliCPU ?? 0 > 0)
    }

    @Test func poolsOfOneClassAreOneQuota() throws {
        var repo = try TestRepo.template()
        var second = try #require(repo.files["nodepools/gpu-l4-inference.yaml"])
        second = second.replacingOccurrences(of: "name: gpu-l4-inference", with: "name: gpu-l4-spot")
        repo.files["nodepools/gpu-l4-spot.yaml"] = second
        let l4 = try Self.queues(repo, "l4")
        #expect(l4.capacity == 20)
        let research = try Self.queue(l4, "research")
        #expect(research.gpu.nominal.units == 2, "the guarantee is not split between pools")
        #expect(research.gpu.borrowing?.units == 2)
        let prod = try Self.queue(l4, "prod-inference")
        #expect(prod.gpu.lending?.units == 1, "lending limits are not rounded down per pool")
        #expect(l4.flavorSpec["nodeLabels"] == [Ownership.gpuClassLabel: "l4"])
    }

    @Test func podsWithoutGPUsUseTheCPUFlavor() throws {
        let a100 = try Self.queues(try TestRepo.template(), "a100")
        let research = try Self.queue(a100, "research")
        // qwen-finetune's head (8 CPU, 32Gi) and the RayJob submitter (500m, 200Mi).
        #expect(research.cpuFlavor == KueueQuotas.Amounts(units: 0, milliCPU: 8500, memoryMiB: 32 * 1024 + 200))
        let spec = a100.clusterQueueSpec(research)
        let flavors = try #require(spec["resourceGroups"]?[0]?["flavors"]?.arrayValue)
        #expect(flavors.map { $0["name"] } == ["a100", .string(KueueQuotas.cpuFlavor)])
        #expect(flavors[1]["resources"]?[0]?["lendingLimit"] == "0")
        // The class flavor lists the GPU taint and no tolerations: a pod that does not tolerate
        // GPU nodes (a Ray head) cannot be assigned to it.
        #expect(a100.flavorSpec["tolerations"] == nil)
        #expect(a100.flavorSpec["nodeTaints"]?[0]?["key"] == "nvidia.com/gpu")
    }

    @Test func everyPoolCarriesTheLabelsKueueAndRaySelect() throws {
        let desired = try #require(try Pipeline().evaluate(TestRepo.template().snapshot).desired)
        let group = try #require(desired.nodeGroups.first { $0.name == "gpu-h100-mig" })
        let labels = group.create["labels"]
        #expect(labels?[Ownership.gpuClassLabel] == "h100-mig")
        #expect(labels?["fairway.dev/node-pool"] == "gpu-h100-mig")
        let nodePool = try #require(desired.manifests.first { $0.key.kind == "NodePool" && $0.key.name == "gpu-a100-training" })
        #expect(nodePool.body["spec"]?["template"]?["metadata"]?["labels"]?[Ownership.gpuClassLabel] == "a100")
        // No rendered object selects nodes by a node group's own name, which changes on replacement.
        for manifest in desired.manifests {
            #expect(!JSONWriter.string(manifest.body).contains("eks.amazonaws.com/nodegroup"), "\(manifest.key)")
        }
    }
}

extension JSONValue {
    /// The item at `index` when this is an array.
    subscript(index: Int) -> JSONValue? {
        guard let items = arrayValue, items.indices.contains(index) else { return nil }
        return items[index]
    }
}
