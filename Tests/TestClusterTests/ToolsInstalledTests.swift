import FairwayTestSupport
import Foundation
import Testing

/// Tests that need kubectl, helm or the hub's Python show as skipped without them; under CI they
/// must all run, so a missing tool fails here instead of hiding behind skips.
@Suite struct ToolsInstalledTests {
    @Test func everyToolIsInstalledUnderCI() {
        guard Tools.inCI else { return }
        for tool in ["kubectl", "helm"] {
            #expect(Tools.installed(tool), "\(tool) is missing: run scripts/setup")
        }
        let hubPython = Paths.root.appendingPathComponent(".tools/hub-python/bin/python").path
        #expect(FileManager.default.isExecutableFile(atPath: hubPython), "the hub's Python is missing: run scripts/setup")
    }
}
