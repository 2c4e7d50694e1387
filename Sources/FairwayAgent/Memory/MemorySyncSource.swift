import FairwayCore
import FairwayModel
import FairwayPipeline
import FairwaySource

/// A platform repository in memory: the in-memory twin of `GitSyncSource`. Commits are file sets
/// under made-up ids; `push` moves the followed ref (a push that does not descend from the ref's
/// commit is a force-push, as the Git cache reports it), `failFetches` makes fetches fail, and
/// `serveStale` makes a failed fetch fall back to the last fetched commit as the Git cache does.
public final class MemorySyncSource: SyncSource {
    struct State: Sendable {
        var commits: [String: [SourceFile]] = [:]
        /// Each commit's parent, for telling fast-forwards from force-pushes.
        var parents: [String: String] = [:]
        var head: String?
        var lastFetched: String?
        var fetchFailure: GitError?
        var serveStale = false
    }

    public let displayURL: String
    public let ref: String
    let state = Locked(State())

    public init(displayURL: String = "https://git.example/platform.git", ref: String = "main") {
        self.displayURL = displayURL
        self.ref = ref
    }

    /// Records a commit of `files` (path → text) on top of the ref's commit, or of `parent`, and
    /// moves the ref to it. Returns its id (40 hex digits).
    @discardableResult
    public func push(_ files: [String: String], parent: String? = nil) -> String {
        state.withLock { state in
            let id = Self.commitID(state.commits.count + 1)
            state.commits[id] = files.sorted { $0.key < $1.key }.map { SourceFile(path: $0.key, bytes: Array($0.value.utf8)) }
            // An empty parent starts an unrelated history.
            if let base = parent ?? state.head, !base.isEmpty { state.parents[id] = base }
            state.head = id
            return id
        }
    }

    /// Moves the ref to a commit pushed earlier (a force-push when it does not descend from the ref's commit).
    public func reset(to commit: String) { state.withLock { $0.head = commit } }

    /// Fetches fail with `error` (nil: they succeed again); `stale` serves the last fetched commit meanwhile.
    public func failFetches(_ error: GitError?, stale: Bool = false) {
        state.withLock { state in
            state.fetchFailure = error
            state.serveStale = stale
        }
    }

    /// The commit the ref points at.
    public var headCommit: String? { state.withLock { $0.head } }

    public func fetch() async -> Result<GitFetchOutcome, GitError> {
        state.withLock { state in
            if let failure = state.fetchFailure {
                guard state.serveStale, let last = state.lastFetched else { return .failure(failure) }
                return .success(GitFetchOutcome(url: displayURL, ref: ref, commit: last, previousCommit: last, forcePushed: false,
                                                staleBecause: failure, notes: []))
            }
            guard let head = state.head else { return .failure(GitError(.unknownRef, "the repository has no \(ref)")) }
            let previous = state.lastFetched
            let forced = previous.map { $0 != head && !Self.descends(head, from: $0, parents: state.parents) } ?? false
            state.lastFetched = head
            return .success(GitFetchOutcome(url: displayURL, ref: ref, commit: head, previousCommit: previous, forcePushed: forced,
                                            staleBecause: nil, notes: []))
        }
    }

    public func snapshot(commit: String, parseCache: ParseCache?) async -> Result<SourceSnapshot, GitError> {
        state.withLock { state in
            guard let files = state.commits[commit] else { return .failure(GitError(.notFound, "no commit \(commit.prefix(12))")) }
            return .success(SourceSnapshot(origin: displayURL, revision: commit, files: files, diagnostics: []))
        }
    }

    static func commitID(_ n: Int) -> String {
        let hex = String(n, radix: 16)
        return String(repeating: "0", count: 40 - hex.count) + hex
    }

    static func descends(_ commit: String, from ancestor: String, parents: [String: String]) -> Bool {
        var current: String? = commit
        while let id = current {
            if id == ancestor { return true }
            current = parents[id]
        }
        return false
    }
}
