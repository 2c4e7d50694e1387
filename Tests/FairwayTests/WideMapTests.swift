import Foundation
import Testing
import FairwayCore
import FairwayModel
import FairwayYAML

/// Free-form fields (Ray `runtimeEnv`, Helm `values`) with tens of thousands of keys must validate in
/// linear time; here they simply run (timing is `scripts/bench`'s job).
@Suite struct WideMapTests {
    @Test func fortyThousandKeysInARuntimeEnvValidate() throws {
        var repo = try TestRepo.template()
        let keys = (0..<40_000).map { "        K\($0): \($0)\n" }.joined()
        try repo.replace("ray/research/qwen-finetune.yaml", "      env_vars:\n", with: "      env_vars:\n" + keys)
        let result = repo.load()
        #expect(!result.diagnostics.hasErrors, "\(result.diagnostics.prefix(3).map(\.description))")
        let workload = try #require(result.platform.rayWorkloads.first { $0.name == "qwen-finetune" })
        #expect(workload.spec.job?.runtimeEnv?["env_vars"]?.objectValue?.count == 40_002)
    }

    @Test func wideObjectsBuildReadAndCompareByKey() {
        var object = JSONObject()
        for n in 0..<40_000 { object["k\(n)"] = .int(Int64(n)) }
        object["k7"] = .string("seven")
        object["k8"] = nil
        #expect(object.count == 39_999)
        #expect(object["k39999"] == .int(39_999))
        #expect(object["k7"] == .string("seven"))
        #expect(object["k8"] == nil)
        #expect(object["k9"] == .int(9))
        var reversed = JSONObject()
        for member in object.members.reversed() { reversed[member.key] = member.value }
        #expect(reversed == object)
        #expect(reversed.sortedRecursively()["k100"] == .int(100))
    }
}
