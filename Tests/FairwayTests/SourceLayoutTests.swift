import Foundation
import Testing
import FairwayCore
import FairwayModel
import FairwaySource

/// One entry under the platform folders that is not a platform file, and where it must be reported.
struct StrayEntry: Sendable, CustomTestStringConvertible {
    enum Make: Sendable { case file, directory, fifo }
    let path: String
    let make: Make
    /// The path the diagnostic names (a folder is reported once, not each file in it).
    let reported: String
    var code = "unexpected-entry"

    var testDescription: String { path }

    static let all: [StrayEntry] = [
        StrayEntry(path: "ray/stray.yaml", make: .file, reported: "ray/stray.yaml"),
        StrayEntry(path: "ray/research/nested/too-deep.yaml", make: .file, reported: "ray/research/nested"),
        StrayEntry(path: "policies/fairness/nested/too-deep.yaml", make: .file, reported: "policies/fairness/nested"),
        StrayEntry(path: "tenants/loud.YAML", make: .file, reported: "tenants/loud.YAML"),
        StrayEntry(path: "tenants/notes.txt", make: .file, reported: "tenants/notes.txt"),
        StrayEntry(path: "tenants/folder.yaml", make: .directory, reported: "tenants/folder.yaml"),
        StrayEntry(path: "nodepools/pipe.yaml", make: .fifo, reported: "nodepools/pipe.yaml"),
        StrayEntry(path: "tenants/students.yml", make: .file, reported: "tenants/students.yml", code: "duplicate-file"),
    ]
}

/// Every entry under the platform folders is read or reported with its path; a reported entry makes
/// the repository invalid, so nothing it described is pruned.
@Suite struct SourceLayoutTests {
    static func repository(with entry: StrayEntry) throws -> URL {
        let repo = try TestRepo.template()
        let dir = try repo.write()
        let url = dir.appendingPathComponent(entry.path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        switch entry.make {
        case .file:
            let source = entry.path.hasPrefix("ray/") ? "ray/research/qwen-finetune.yaml" : "tenants/students.yaml"
            try Data(repo.files[source]!.utf8).write(to: url)
        case .directory:
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        case .fifo:
            #expect(mkfifo(url.path, 0o644) == 0)
        }
        return dir
    }

    @Test(arguments: StrayEntry.all)
    func strayEntryIsReportedAtItsPath(_ entry: StrayEntry) throws {
        let dir = try Self.repository(with: entry)
        defer { try? FileManager.default.removeItem(at: dir) }
        let snapshot = try DirectorySource(root: dir.path).read()
        let reported = snapshot.diagnostics.filter { $0.location?.path == entry.reported }
        #expect(reported.map(\.code) == [entry.code], "\(snapshot.diagnostics.map(\.description))")
        #expect(reported.allSatisfy { $0.severity == .error })
        let result = PlatformLoader().load(snapshot)
        #expect(result.diagnostics.hasErrors)
    }

    @Test func templateHasNoStrayEntries() throws {
        let snapshot = try DirectorySource(root: RepoPaths.template.path).read()
        #expect(snapshot.diagnostics.isEmpty, "\(snapshot.diagnostics.map(\.description))")
    }

    @Test func validateFailsOnAStrayRayWorkload() throws {
        let dir = try Self.repository(with: StrayEntry.all[0])
        defer { try? FileManager.default.removeItem(at: dir) }
        let run = try CLIRun.fairway(["validate", dir.path])
        #expect(run.status == 1, "\(run.stdout)\(run.stderr)")
        #expect((run.stdout + run.stderr).contains("ray/stray.yaml:1:1: error[unexpected-entry]"))
    }
}
