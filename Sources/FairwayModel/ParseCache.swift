import FairwayCore
import FairwaySource

/// Parsed and typed documents by Git blob id and path, so files unchanged between commits are
/// neither parsed nor decoded again. Shared by successive loads in one process (the sync agent, a
/// re-plan); the entries a load does not use are dropped, so it holds one revision's files. The
/// bundled policies, which have no blob id, are kept by path with their bytes.
public final class ParseCache: Sendable {
    /// A file's identity: what it parses to depends on its bytes (the blob) and its path (the kind).
    struct Key: Hashable, Sendable {
        let blobID: String
        let path: String
    }

    private let cache = PassCache<Key, FileResult>()
    private let bundled = Locked<[String: (bytes: [UInt8], result: FileResult)]>([:])

    public init() {}

    private static func key(_ file: SourceFile) -> Key? {
        file.blobID.map { Key(blobID: $0, path: file.path) }
    }

    /// What the cache has for each file (nil for files without a blob id), under one lock.
    func lookup(_ files: [SourceFile]) -> [FileResult?] {
        cache.values(for: files.map(Self.key))
    }

    /// Keeps the results of files that carry a blob id.
    func store(_ results: [(SourceFile, FileResult)]) {
        cache.store(results.compactMap { file, result in Self.key(file).map { ($0, result) } })
    }

    func endLoad() { cache.endPass() }

    /// The result for a bundled policy file, parsed once per distinct content.
    func bundled(_ file: SourceFile, make: () -> FileResult) -> FileResult {
        if let hit = bundled.withLock({ $0[file.path] }), hit.bytes == file.bytes { return hit.result }
        let result = make()
        bundled.withLock { $0[file.path] = (file.bytes, result) }
        return result
    }

    /// Whether the file is cached (so its content need not even be read).
    public func contains(blobID: String, path: String) -> Bool {
        cache.contains(Key(blobID: blobID, path: path))
    }
}
