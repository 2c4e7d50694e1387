import Foundation
import Testing
import FairwayCore
import FairwayModel
import FairwaySource

/// Hostile repositories are read safely: nothing is followed, nothing huge is loaded, nothing
/// outside the platform folders is read.
@Suite(.serialized) struct GitSafetyTests {
    func read(_ fixture: GitFixture) throws -> SourceSnapshot {
        try fixture.push()
        let outcome = try fixture.fetch("main").get()
        return try fixture.cache.snapshot(url: fixture.url, commit: outcome.commit).get()
    }

    @Test func symlinkToEtcPasswdIsRefusedNotFollowed() throws {
        let fixture = try GitFixture()
        defer { fixture.remove() }
        try FileManager.default.createSymbolicLink(atPath: fixture.work.appendingPathComponent("tenants/evil.yaml").path,
                                                   withDestinationPath: "/etc/passwd")
        try fixture.commitAll("add a link")
        let snapshot = try read(fixture)
        #expect(!snapshot.files.contains { $0.path == "tenants/evil.yaml" })
        #expect(!snapshot.files.contains { String(decoding: $0.bytes, as: UTF8.self).contains("root:x:0:0") })
        #expect(snapshot.diagnostics.map { "\($0.location?.path ?? ""):\($0.code)" } == ["tenants/evil.yaml:symlink-refused"])
        #expect(!PlatformLoader().load(snapshot).isValid)
    }

    @Test func dotDotPathIsRefused() throws {
        let fixture = try GitFixture()
        defer { fixture.remove() }
        // Build a tenants/ tree holding an entry named "..", which git's own commands would never write.
        let blob = try GitCLI.run(["hash-object", "-w", "--stdin"], in: fixture.work, input: Data("kind: Tenant\n".utf8))
        let tenants = try GitCLI.run(["rev-parse", "HEAD:tenants"], in: fixture.work)
        var entries = try GitCLI.run(["ls-tree", tenants], in: fixture.work)
        entries += "\n100644 blob \(blob)\t..\n"
        let evilTenants = try GitCLI.run(["mktree"], in: fixture.work, input: Data(entries.utf8))
        var root = try GitCLI.run(["ls-tree", "HEAD"], in: fixture.work).split(separator: "\n")
            .map { $0.hasSuffix("\ttenants") ? "040000 tree \(evilTenants)\ttenants" : String($0) }.joined(separator: "\n")
        root += "\n"
        let tree = try GitCLI.run(["mktree"], in: fixture.work, input: Data(root.utf8))
        let commit = try GitCLI.run(["commit-tree", tree, "-p", "HEAD", "-m", "evil"], in: fixture.work)
        try GitCLI.run(["update-ref", "refs/heads/main", commit], in: fixture.work)
        let snapshot = try read(fixture)
        #expect(snapshot.diagnostics.map(\.code) == ["unsafe-path"])
        #expect(snapshot.diagnostics.first?.location?.path == "tenants")
        #expect(!snapshot.files.contains { $0.path.contains("..") })
    }

    @Test func fiftyMegabyteBlobIsRefusedUnread() throws {
        let fixture = try GitFixture()
        defer { fixture.remove() }
        var big = Data("# ".utf8)
        big.append(Data(repeating: UInt8(ascii: "a"), count: 50 << 20))
        try big.write(to: fixture.work.appendingPathComponent("tenants/huge.yaml"))
        try fixture.commitAll("add a huge file")
        let start = ContinuousClock.now
        let snapshot = try read(fixture)
        #expect(snapshot.diagnostics.map { "\($0.location?.path ?? ""):\($0.code)" } == ["tenants/huge.yaml:file-too-large"])
        #expect(!snapshot.files.contains { $0.path == "tenants/huge.yaml" })
        #expect(ContinuousClock.now - start < .seconds(30))
    }

    @Test func submoduleIsIgnoredWithAWarning() throws {
        let fixture = try GitFixture()
        defer { fixture.remove() }
        let other = try GitCLI.run(["rev-parse", "HEAD"], in: fixture.work)
        try GitCLI.run(["update-index", "--add", "--cacheinfo", "160000,\(other),tenants/vendored"], in: fixture.work)
        try GitCLI.run(["commit", "-q", "-m", "add a submodule"], in: fixture.work)
        let snapshot = try read(fixture)
        #expect(snapshot.diagnostics.map { "\($0.severity):\($0.location?.path ?? ""):\($0.code)" }
                == ["warning:tenants/vendored:submodule-ignored"])
        #expect(PlatformLoader().load(snapshot).isValid)
    }

    @Test func filesOutsideThePlatformFoldersAreNotRead() throws {
        let fixture = try GitFixture()
        defer { fixture.remove() }
        try fixture.write("secrets/token.yaml", "token: x\n")
        try fixture.write("tenants/deep/nested.yaml", "x: 1\n")
        try fixture.commitAll("other files")
        let snapshot = try read(fixture)
        #expect(!snapshot.files.contains { $0.path.hasPrefix("secrets/") || $0.path.hasPrefix("tenants/deep") })
    }
}
