import FairwayCore
import FairwayModel
import FairwayPipeline
import FairwaySource

/// Where the sync agent reads the platform repository: a fetch that says which commit the followed
/// ref points at, and a read of any fetched commit. Both block on libgit2, so the Git source runs
/// them on a dispatch queue, off Swift's cooperative pool.
public protocol SyncSource: Sendable {
    /// The URL without credentials, for status, errors and logs.
    var displayURL: String { get }
    var ref: String { get }
    /// Fetches the ref. A fetch that failed but has a last good commit in the cache succeeds with
    /// `staleBecause` set.
    func fetch() async -> Result<GitFetchOutcome, GitError>
    /// The platform files at `commit`, signature-checked when a policy is set.
    func snapshot(commit: String, parseCache: ParseCache?) async -> Result<SourceSnapshot, GitError>
}

/// The platform repository in a local cache of bare clones (libgit2).
public struct GitSyncSource: SyncSource {
    /// The URL as given, credentials and all: only ever handed to libgit2.
    let url: String
    public let displayURL: String
    public let ref: String
    public var cache: GitCache
    public var credentials: GitCredentials
    public var signatures: SignaturePolicy?
    public var timeout: Duration

    public init(url: String, ref: String?, cache: GitCache, credentials: GitCredentials, signatures: SignaturePolicy?,
                timeout: Duration) {
        self.url = url
        displayURL = Redact.url(url)
        self.ref = ref ?? "HEAD"
        self.cache = cache
        self.credentials = credentials
        self.signatures = signatures
        self.timeout = timeout
    }

    public func fetch() async -> Result<GitFetchOutcome, GitError> {
        let (cache, url, ref, credentials, timeout) = (cache, url, ref, credentials, timeout)
        // A shutdown does not wait for a server that never answers: the fetch is abandoned (its thread
        // ends at the fetch timeout) and the run reports it cancelled.
        return await Blocking.run(orWhenCancelled: { .failure(GitError(.cancelled, "the fetch was cancelled by a shutdown")) }) {
            cache.fetch(url: url, ref: ref, credentials: credentials, timeout: timeout)
        }
    }

    public func snapshot(commit: String, parseCache: ParseCache?) async -> Result<SourceSnapshot, GitError> {
        let (cache, url, signatures) = (cache, url, signatures)
        // Files whose blob is already parsed are not even read.
        var skip: (@Sendable (String, String) -> Bool)?
        if let parseCache {
            skip = { blobID, path in parseCache.contains(blobID: blobID, path: path) }
        }
        let skipContent = skip
        return await Blocking.run { cache.snapshot(url: url, commit: commit, signatures: signatures, skipContent: skipContent) }
    }
}
