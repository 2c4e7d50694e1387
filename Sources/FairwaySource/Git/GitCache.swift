import CLibGit2
import Crypto
import FairwayCore
import Foundation

/// What fetching a ref gave: the commit to read, and what is worth telling about how it was got.
public struct GitFetchOutcome: Sendable {
    /// The repository URL without credentials.
    public let url: String
    /// The ref as asked (`main`, `origin/main`, `v1.2`, `refs/pull/7/head`, a full or short SHA), or `HEAD`.
    public let ref: String
    public let commit: String
    /// The commit this ref had at the previous fetch, if any.
    public let previousCommit: String?
    /// The ref moved to a commit that does not contain the previous one (a force-push).
    public let forcePushed: Bool
    /// Set when the fetch failed and `commit` is the last good commit from the cache.
    public let staleBecause: GitError?
    /// Things done along the way that people should know (a corrupt cache cloned again).
    public let notes: [String]

    public var isStale: Bool { staleBecause != nil }

    public init(url: String, ref: String, commit: String, previousCommit: String?, forcePushed: Bool, staleBecause: GitError?,
                notes: [String]) {
        self.url = url
        self.ref = ref
        self.commit = commit
        self.previousCommit = previousCommit
        self.forcePushed = forcePushed
        self.staleBecause = staleBecause
        self.notes = notes
    }

    /// What is worth telling about this fetch as warnings every output shows (`source-stale`,
    /// `force-push`, `source-note`): the CLI adds them to the snapshot's diagnostics, the agent to
    /// its run, log, status and Events.
    public var diagnostics: [Diagnostic] {
        var out: [Diagnostic] = []
        if let stale = staleBecause {
            out.append(.warning("source-stale",
                                "could not fetch \(url) (\(stale.message)); using the last good commit \(commit.prefix(12)) of \(ref), which may be stale",
                                at: nil))
        }
        if forcePushed, let previous = previousCommit {
            out.append(.warning("force-push", "\(ref) was force-pushed: \(previous.prefix(12)) is not in the history of \(commit.prefix(12))",
                                at: nil))
        }
        for note in notes { out.append(.warning("source-note", note, at: nil)) }
        return out
    }
}

/// A cache of bare clones, one per repository URL, under `root`. `fetch` clones on first use and
/// fetches incrementally after; when a fetch fails it falls back to the last commit fetched for that
/// ref and says so. A cache that cannot be opened or read is deleted and cloned again.
public struct GitCache: Sendable {
    public let root: String

    public init(root: String) { self.root = root }

    /// The bare clone of `url` (named by a hash of the URL without credentials).
    public func repositoryPath(for url: String) -> String {
        let digest = SHA256.hash(data: Data(Redact.url(url).utf8)).prefix(12).map { String(format: "%02x", $0) }.joined()
        return "\(root)/\(digest).git"
    }

    private func metadataPath(for url: String) -> String { repositoryPath(for: url) + ".json" }

    /// Fetches `ref` (the remote's default branch when nil) and resolves it to a commit, within `timeout`.
    public func fetch(url: String, ref: String?, credentials: GitCredentials,
                      timeout: Duration = .seconds(60)) -> Result<GitFetchOutcome, GitError> {
        let context: GitCallbackContext
        do {
            context = try GitCallbackContext(credentials: credentials, url: url, timeout: timeout)
        } catch {
            return .failure(error)
        }
        let cache = self
        return GitWorker.run(timeout: timeout, context: context) {
            Result { () throws(GitError) -> GitFetchOutcome in try cache.fetchNow(url: url, ref: ref ?? "HEAD", context: context) }
        }
    }

    private func fetchNow(url: String, ref: String, context: GitCallbackContext) throws(GitError) -> GitFetchOutcome {
        try FileManagerError.wrap { try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true) }
        if let bundle = context.credentials.caBundle {
            guard fairway_git_set_ssl_cert_file(bundle) == 0 else {
                throw GitError.last("cannot use the CA bundle \(bundle)", result: -1, fallback: .certificate)
            }
        }
        let path = repositoryPath(for: url)
        var notes: [String] = []
        var metadata = CacheMetadata.load(metadataPath(for: url))
        var fetchError: GitError?
        for attempt in 0..<2 {
            do {
                try GitRepository.withRepository(at: path, create: true) { (repository) throws(GitError) in
                    try download(url: url, ref: ref, into: repository, context: context)
                }
                fetchError = nil
                break
            } catch {
                fetchError = error
                // A cache that cannot be opened or read is removed and cloned again, once.
                guard error.code == .corrupt, attempt == 0 else { break }
                try? FileManager.default.removeItem(atPath: path)
                metadata = CacheMetadata()
                notes.append("the repository cache was unreadable (\(error.message)); it was cloned again")
            }
        }
        let previous = metadata.fetched[ref]
        return try GitRepository.withRepository(at: path, create: true) { (repository) throws(GitError) -> GitFetchOutcome in
            if let fetchError {
                // Keep the last good commit, and say it is stale.
                guard let previous, let oid = git_oid(hex: previous), repository.hasCommit(oid) else { throw fetchError }
                return GitFetchOutcome(url: Redact.url(url), ref: ref, commit: previous, previousCommit: previous,
                                       forcePushed: false, staleBecause: fetchError, notes: notes)
            }
            let commit: git_oid
            do throws(GitError) {
                commit = try repository.resolveCommit(ref)
            } catch {
                guard let previous, let oid = git_oid(hex: previous), repository.hasCommit(oid) else { throw error }
                return GitFetchOutcome(url: Redact.url(url), ref: ref, commit: previous, previousCommit: previous,
                                       forcePushed: false, staleBecause: error, notes: notes)
            }
            var forcePushed = false
            if let previous, previous != commit.hex {
                forcePushed = git_oid(hex: previous).map { !repository.isDescendant(commit, of: $0) } ?? true
            }
            metadata.url = Redact.url(url)
            metadata.fetched[ref] = commit.hex
            metadata.save(metadataPath(for: url))
            return GitFetchOutcome(url: Redact.url(url), ref: ref, commit: commit.hex, previousCommit: previous,
                                   forcePushed: forcePushed, staleBecause: nil, notes: notes)
        }
    }

    /// Fetches branches, tags and the asked ref into the bare cache, pruning what the remote deleted.
    private func download(url: String, ref: String, into repository: GitRepository,
                          context: GitCallbackContext) throws(GitError) {
        // An anonymous remote that skips `url.<base>.insteadOf` rewriting: the cache repository's config
        // sets none, and libgit2 1.5's regex search for them leaks memory on every fetch (pcre2).
        var remote: OpaquePointer?
        var create = git_remote_create_options()
        git_remote_create_options_init(&create, UInt32(GIT_REMOTE_CREATE_OPTIONS_VERSION))
        create.repository = repository.pointer
        create.flags = GIT_REMOTE_CREATE_SKIP_INSTEADOF.rawValue | GIT_REMOTE_CREATE_SKIP_DEFAULT_FETCHSPEC.rawValue
        var result = git_remote_create_with_opts(&remote, url, &create)
        guard result == 0, let remote else {
            throw GitError.last("cannot use \(Redact.url(url)) as a remote", result: result, fallback: .unsupported)
        }
        defer { git_remote_free(remote) }
        var options = git_fetch_options()
        git_fetch_options_init(&options, UInt32(GIT_FETCH_OPTIONS_VERSION))
        options.prune = GIT_FETCH_PRUNE
        options.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_NONE
        GitCallbacks.install(&options.callbacks, context: context)
        var refspecs = ["+refs/heads/*:refs/heads/*", "+refs/tags/*:refs/tags/*"]
        // Other refs the remote has (refs/pull/7/head) are fetched by name; remote-tracking names
        // (refs/remotes/origin/main) are the remote's branches, fetched above.
        if ref.hasPrefix("refs/") && !["refs/heads/", "refs/tags/", "refs/remotes/"].contains(where: ref.hasPrefix) {
            refspecs.append("+\(ref):\(ref)")
        }
        result = try withExtendedLifetime(context) { () throws(GitError) -> Int32 in
            try withStrArray(refspecs) { (array) throws(GitError) -> Int32 in
                git_remote_fetch(remote, &array, &options, "fairway: fetch")
            }
        }
        guard result == 0 else {
            if let refusal = context.refusal { throw GitError(refusal.code, "cannot fetch \(Redact.url(url)): \(refusal.message)") }
            throw GitError.last("cannot fetch \(Redact.url(url))", result: result, fallback: .failed)
        }
        var branch = git_buf()
        defer { git_buf_dispose(&branch) }
        if git_remote_default_branch(&branch, remote) == 0, let name = branch.ptr {
            var reference: OpaquePointer?
            if git_reference_symbolic_create(&reference, repository.pointer, "HEAD", name, 1, "fairway: default branch") == 0 {
                git_reference_free(reference)
            }
        }
    }
}

/// What the cache remembers per repository: the commit each ref had when last fetched.
struct CacheMetadata {
    var url = ""
    var fetched: [String: String] = [:]

    static func load(_ path: String) -> CacheMetadata {
        guard let data = FileManager.default.contents(atPath: path), let json = try? JSONReader.parse(Array(data)) else {
            return CacheMetadata()
        }
        var metadata = CacheMetadata()
        metadata.url = json["url"]?.stringValue ?? ""
        for member in json["fetched"]?.objectValue ?? JSONObject() {
            if let commit = member.value.stringValue { metadata.fetched[member.key] = commit }
        }
        return metadata
    }

    func save(_ path: String) {
        var fetchedObject = JSONObject()
        for key in fetched.keys.sorted() { fetchedObject[key] = .string(fetched[key]!) }
        let json: JSONValue = ["url": .string(url), "fetched": .object(fetchedObject)]
        // Written beside, then renamed over: readers see the old file or the new one.
        let temporary = path + ".tmp"
        if FileManager.default.createFile(atPath: temporary, contents: Data(JSONWriter.string(json, pretty: true).utf8)) {
            rename(temporary, path)
        }
    }
}

/// Turns Foundation file errors into `GitError`s.
enum FileManagerError {
    static func wrap(_ body: () throws -> Void) throws(GitError) {
        do { try body() } catch { throw GitError(.failed, "cannot create the cache directory: \(error.localizedDescription)") }
    }
}
