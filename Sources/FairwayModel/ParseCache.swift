import FairwayCore
import FairwaySource

/// Parsed and typed documents by Git blob id and path, so files unchanged between commits are
/// neither parsed nor decoded again. Shared by successive loads in one process (the sync agent, a
/// re-plan); the entries a load does not use are dropped, so it holds one revision's files.
public final class ParseCache: Sendable {
    private let cache = PassCache<FileResult>()

    public init() {}

    static func key(blobID: String, path: String) -> String { "\(blobID):\(path)" }

    func lookup(_ file: SourceFile) -> FileResult? {
        file.blobID.flatMap { cache.value(for: Self.key(blobID: $0, path: file.path)) }
    }

    func store(_ file: SourceFile, _ entry: FileResult) {
        if let blobID = file.blobID { cache.store(entry, for: Self.key(blobID: blobID, path: file.path)) }
    }

    func endLoad() { cache.endPass() }

    /// Whether the file is cached (so its content need not even be read).
    public func contains(blobID: String, path: String) -> Bool {
        cache.contains(Self.key(blobID: blobID, path: path))
    }
}
