import FairwayTestSupport
import Foundation
import Testing

/// Tests that need kubectl, helm or the hub's Python show as skipped without them; under CI they
/// must all run, so a missing tool fails here instead of hiding behind skips.
@Suite struct ToolsInstalledTests {
    @Test(.enabled(if: Tools.inCI, "only under CI=true"))
    func everyToolIsInstalledUnderCI() {
        for tool in ["kubectl", "helm"] {
            #expect(Tools.installed(tool), "\(tool) is missing: run scripts/setup")
        }
        let hubPython = Paths.root.appendingPathComponent(".tools/hub-python/bin/python").path
        #expect(FileManager.default.isExecutableFile(atPath: hubPython), "the hub's Python is missing: run scripts/setup")
        let probe = Process()
        probe.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        probe.arguments = ["python3", "-c", "import jsonschema, yaml, kubernetes_validate, celpy, boto3, botocore, moto.server"]
        try? probe.run()
        probe.waitUntilExit()
        #expect(probe.terminationStatus == 0, "python3 lacks a module the tests use: run scripts/setup")
    }
}
