import Foundation
import FairwayCore
import FairwaySource

/// Parsed and typed documents by Git blob id and path, so files unchanged between commits are not parsed
/// again. Shared by successive loads in one process (the sync agent, a re-plan); thread-safe.
/// Entries not used by the latest load are dropped, so the cache holds one revision's files.
public final class ParseCache: @unchecked Sendable {
    private let lock = NSLock()
    private var entries: [String: FileResult] = [:]
    private var used: Set<String> = []
    public private(set) var hits = 0
    public private(set) var misses = 0

    public init() {}

    static func key(_ file: SourceFile) -> String? {
        file.blobID.map { "\($0):\(file.path)" }
    }

    func lookup(_ file: SourceFile) -> FileResult? {
        guard let key = Self.key(file) else { return nil }
        lock.lock()
        defer { lock.unlock() }
        used.insert(key)
        if let entry = entries[key] {
            hits += 1
            return entry
        }
        misses += 1
        return nil
    }

    func store(_ file: SourceFile, _ entry: FileResult) {
        guard let key = Self.key(file) else { return }
        lock.lock()
        entries[key] = entry
        lock.unlock()
    }

    /// Forgets entries the last load did not use.
    func endLoad() {
        lock.lock()
        entries = entries.filter { used.contains($0.key) }
        used.removeAll()
        lock.unlock()
    }

    /// Whether the file is cached (so its content need not even be read).
    public func contains(blobID: String, path: String) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        return entries["\(blobID):\(path)"] != nil
    }
}
