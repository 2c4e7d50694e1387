import FairwayCore
import Testing

/// Hints never end in an empty list: a tenant that lists no GPU class is told to add one, not to
/// "use one of: " nothing.
@Suite struct HintTests {
    @Test func aTenantWithoutGPUClassesGetsNoEmptyList() throws {
        var repo = try TestRepo.template()
        try repo.replace("tenants/students.yaml", "  gpuClasses:\n    - a10g-shared\n    - h100-mig\n", with: "  gpuClasses: []\n")
        let diagnostics = repo.load().diagnostics
        let notAllowed = try #require(diagnostics.first { $0.code == "gpu-class-not-allowed" && $0.location?.path == "ray/students/ray-intro.yaml" },
                                      "\(diagnostics)")
        let hint = try #require(notAllowed.hint)
        #expect(hint.contains("add it to spec.gpuClasses in tenants/students.yaml"))
        #expect(!hint.contains("use one of"), "\(hint)")
        for diagnostic in diagnostics {
            #expect(!(diagnostic.hint ?? "").hasSuffix(": "), "\(diagnostic)")
        }
    }
}
