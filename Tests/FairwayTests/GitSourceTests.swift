import Foundation
import Testing
import FairwayCore
import FairwayModel
import FairwaySource

/// The libgit2 source against real repositories on disk (file://): refs, force-pushes, stale
/// fallbacks, a corrupt cache, and reading a commit's tree without a working tree.
@Suite(.serialized) struct GitSourceTests {
    @Test func resolvesBranchesTagsSHAsAndPullRequestRefs() throws {
        let fixture = try GitFixture()
        defer { fixture.remove() }
        let first = try GitCLI.run(["rev-parse", "HEAD"], in: fixture.work)
        try GitCLI.run(["tag", "v1"], in: fixture.work)
        try fixture.push("v1")
        try fixture.write("tenants/research.yaml", try String(contentsOf: fixture.work.appendingPathComponent("tenants/research.yaml"), encoding: .utf8)
            .replacingOccurrences(of: "requests.cpu: \"256\"", with: "requests.cpu: \"300\""))
        let second = try fixture.commitAll("raise research cpu")
        try fixture.push()
        try fixture.push("HEAD:refs/pull/7/head")
        try fixture.push("\(first):refs/merge-requests/3/head")

        let cases: [(String?, String)] = [(nil, second), ("main", second), ("v1", first), (first, first),
                                          (String(first.prefix(8)), first), ("refs/pull/7/head", second),
                                          ("refs/merge-requests/3/head", first)]
        for (ref, expected) in cases {
            let outcome = try fixture.fetch(ref).get()
            #expect(outcome.commit == expected, "ref \(ref ?? "HEAD")")
            #expect(!outcome.isStale)
        }
        let snapshot = try fixture.cache.snapshot(url: fixture.url, commit: second).get()
        #expect(snapshot.revision == second)
        #expect(snapshot.files.count == (try TestRepo.template().files.count))
        #expect(snapshot.files.allSatisfy { $0.blobID?.count == 40 })
        let research = try #require(snapshot.files.first { $0.path == "tenants/research.yaml" })
        #expect(String(decoding: research.bytes, as: UTF8.self).contains("requests.cpu: \"300\""))
        #expect(PlatformLoader().load(snapshot).isValid)
    }

    @Test func unknownRefIsAClearError() throws {
        let fixture = try GitFixture()
        defer { fixture.remove() }
        let result = fixture.fetch("no-such-branch")
        guard case let .failure(error) = result else { Issue.record("expected a failure"); return }
        #expect(error.code == .unknownRef)
        #expect(error.message == "the repository has no ref or commit 'no-such-branch'")
    }

    @Test func forcePushIsReported() throws {
        let fixture = try GitFixture()
        defer { fixture.remove() }
        try fixture.commitAll("one more")
        try fixture.push()
        let before = try fixture.fetch("main").get()
        try GitCLI.run(["reset", "-q", "--hard", "HEAD~1"], in: fixture.work)
        let rewritten = try fixture.commitAll("rewritten history")
        try fixture.push(force: true)
        let after = try fixture.fetch("main").get()
        #expect(after.commit == rewritten)
        #expect(after.previousCommit == before.commit)
        #expect(after.forcePushed)
        // An ordinary fast-forward is not a force-push.
        let next = try fixture.commitAll("fast-forward")
        try fixture.push()
        let ff = try fixture.fetch("main").get()
        #expect(ff.commit == next && !ff.forcePushed, "previous \(ff.previousCommit ?? "-") rewritten \(rewritten) next \(next)")
    }

    @Test func vanishedRepositoryKeepsTheLastGoodCommitAndSaysItIsStale() throws {
        let fixture = try GitFixture()
        defer { fixture.remove() }
        let good = try fixture.fetch("main").get()
        try FileManager.default.moveItem(at: fixture.bare, to: fixture.root.appendingPathComponent("moved.git"))
        let stale = try fixture.fetch("main").get()
        #expect(stale.commit == good.commit)
        #expect(stale.isStale)
        #expect(stale.staleBecause?.code == .notFound)
        // With no good commit to fall back on, the error is the result.
        let fresh = GitCache(root: fixture.root.appendingPathComponent("other-cache").path)
        guard case let .failure(error) = fresh.fetch(url: fixture.url, ref: "main", credentials: GitCredentials()) else {
            Issue.record("expected a failure")
            return
        }
        #expect(error.code == .notFound)
        #expect(error.message.hasPrefix("cannot fetch file://"))
    }

    @Test func corruptCacheIsClonedAgain() throws {
        let fixture = try GitFixture()
        defer { fixture.remove() }
        let good = try fixture.fetch("main").get()
        let cachePath = fixture.cache.repositoryPath(for: fixture.url)
        try Data("garbage".utf8).write(to: URL(fileURLWithPath: "\(cachePath)/HEAD"))
        try FileManager.default.removeItem(atPath: "\(cachePath)/objects")
        let again = try fixture.fetch("main").get()
        #expect(again.commit == good.commit)
        #expect(!again.isStale)
        #expect(again.notes.first?.contains("cloned again") == true)
        #expect(try fixture.cache.snapshot(url: fixture.url, commit: again.commit).get().files.count > 10)
    }

    @Test func featuresAreReported() {
        let features = GitLibrary.features
        #expect(features.description.hasPrefix("libgit2 "))
        #expect(features.schemes.contains("file") && features.schemes.contains("git"))
    }

    @Test func credentialsNeverShow() throws {
        #expect(Redact.url("https://user:hunter2@example.com/org/repo.git") == "https://example.com/org/repo.git")
        #expect(Redact.urls(in: "cannot fetch https://x:tok@h/r.git: 401") == "cannot fetch https://h/r.git: 401")
        #expect("\(Secret("hunter2"))" == "<redacted>")
        let env = ["FAIRWAY_GIT_TOKEN": "t0ken", "FAIRWAY_GIT_USERNAME": "bot"]
        let credentials = try GitCredentials.fromEnvironment(env)
        #expect("\(credentials)".contains("t0ken") == false)
        #expect(throws: GitError.self) { try GitCredentials.fromEnvironment(["FAIRWAY_GIT_TOKEN_FILE": "/nonexistent"]) }
    }
}
