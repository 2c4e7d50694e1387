import Foundation
import Testing
import FairwayCore
import FairwaySource

/// Revisions named the way people type them, in Fairway's cache (a mirror of the remote, where
/// `origin/main` is the remote's `main`) and in a local clone (with real remote-tracking branches).
@Suite(.serialized) struct GitRevisionTests {
    /// A fixture whose `main` is one commit ahead of tag `v1`, with the work repository's `origin`
    /// pointing at the bare one, and a local commit not pushed anywhere.
    struct Repos {
        let fixture: GitFixture
        let first: String
        let second: String
        let local: String

        init() throws {
            fixture = try GitFixture()
            first = try GitCLI.run(["rev-parse", "HEAD"], in: fixture.work)
            try GitCLI.run(["tag", "v1"], in: fixture.work)
            try fixture.push("v1")
            second = try fixture.commitAll("second")
            try fixture.push()
            try GitCLI.run(["remote", "add", "origin", fixture.bare.path], in: fixture.work)
            try GitCLI.run(["fetch", "-q", "origin"], in: fixture.work)
            local = try fixture.commitAll("local only")
        }

        func expected(_ name: String) -> String {
            ["first": first, "second": second, "local": local][name]!
        }
    }

    /// (what is typed, which commit it names in the cache)
    static let cacheCases: [(String, String)] = [
        ("origin/main", "second"), ("refs/remotes/origin/main", "second"), ("origin/HEAD", "second"),
        ("main", "second"), ("refs/heads/main", "second"), ("HEAD", "second"), ("main~1", "first"),
        ("v1", "first"), ("refs/tags/v1", "first"), ("first-sha", "first"), ("first-short", "first"),
    ]

    @Test func theCacheReadsRefsAsGitDoes() throws {
        let repos = try Repos()
        defer { repos.fixture.remove() }
        for (typed, commit) in Self.cacheCases {
            let ref = typed == "first-sha" ? repos.first : typed == "first-short" ? String(repos.first.prefix(7)) : typed
            let outcome = repos.fixture.fetch(ref)
            #expect((try? outcome.get().commit) == repos.expected(commit), "\(typed): \(outcome)")
        }
    }

    /// (what is typed, which commit it names in the local clone)
    static let cloneCases: [(String, String)] = [
        ("origin/main", "second"), ("refs/remotes/origin/main", "second"), ("main", "local"), ("HEAD", "local"),
        ("HEAD~1", "second"), ("v1", "first"), ("first-sha", "first"), ("first-short", "first"),
    ]

    @Test func aLocalCloneIsReadInPlace() throws {
        let repos = try Repos()
        defer { repos.fixture.remove() }
        let clone = GitClone(path: repos.fixture.work.path)
        for (typed, commit) in Self.cloneCases {
            let ref = typed == "first-sha" ? repos.first : typed == "first-short" ? String(repos.first.prefix(7)) : typed
            let snapshot = clone.snapshot(ref)
            #expect((try? snapshot.get().revision) == repos.expected(commit), "\(typed): \(snapshot)")
        }
        let files = try clone.snapshot("HEAD").get().files
        #expect(files.count == (try TestRepo.template().files.count))
    }

    /// (what is typed, the message), in the cache and in the clone.
    static let misspelt: [(String, String)] = [
        ("mian", "the repository has no ref or commit 'mian'; did you mean 'main'?"),
        ("origin/mian", "the repository has no ref or commit 'origin/mian'; did you mean 'origin/main'?"),
        ("v2", "the repository has no ref or commit 'v2'; did you mean 'v1'?"),
        ("no-such-branch", "the repository has no ref or commit 'no-such-branch'"),
    ]

    @Test func misspeltRefsGetASuggestion() throws {
        let repos = try Repos()
        defer { repos.fixture.remove() }
        for (typed, message) in Self.misspelt {
            guard case let .failure(error) = repos.fixture.fetch(typed) else { Issue.record("\(typed) resolved"); continue }
            #expect(error.code == .unknownRef)
            #expect(error.message == message, "cache")
            guard case let .failure(local) = GitClone(path: repos.fixture.work.path).snapshot(typed) else {
                Issue.record("\(typed) resolved in the clone"); continue
            }
            #expect(local.message == message, "clone")
        }
    }

    @Test func aDirectoryThatIsNoRepositoryIsAClearError() throws {
        let repo = try TestRepo.template().write()
        defer { try? FileManager.default.removeItem(at: repo) }
        guard case let .failure(error) = GitClone(path: repo.path).snapshot("HEAD") else { Issue.record("read"); return }
        #expect(error.code == .notFound)
        #expect(error.message.hasSuffix("is not a Git repository (give the top directory of a clone, or --repo URL)"))
    }
}
