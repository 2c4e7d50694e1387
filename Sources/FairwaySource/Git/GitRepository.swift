import CLibGit2
import Foundation

/// An open libgit2 repository. It exists only inside `GitRepository.withRepository { }`, which frees
/// it whether the body returns or throws; its handles are not Sendable and stay on one thread.
final class GitRepository {
    let pointer: OpaquePointer

    /// How the repository's refs are laid out, which decides what `origin/main` means in it.
    let layout: GitRefLayout

    private init(pointer: OpaquePointer, layout: GitRefLayout) {
        self.pointer = pointer
        self.layout = layout
    }

    /// Opens the bare repository at `path` (creating it when `create` is true and nothing is there).
    static func withRepository<T>(at path: String, create: Bool = false,
                                  _ body: (GitRepository) throws(GitError) -> T) throws(GitError) -> T {
        GitLibrary.ensureInitialised()
        var pointer: OpaquePointer?
        var result = git_repository_open_bare(&pointer, path)
        if result != 0 && create && !FileManager.default.fileExists(atPath: path) {
            result = git_repository_init(&pointer, path, 1)
        }
        guard result == 0, let pointer else {
            throw GitError.last("cannot open the repository cache at \(path)", result: result, fallback: .corrupt)
        }
        defer { git_repository_free(pointer) }
        return try body(GitRepository(pointer: pointer, layout: .mirror))
    }

    /// Opens the clone whose top directory (or bare repository) is `path`, without searching parent
    /// directories: the platform files are read from the root of its commits' trees.
    static func withClone<T>(at path: String, _ body: (GitRepository) throws(GitError) -> T) throws(GitError) -> T {
        GitLibrary.ensureInitialised()
        var pointer: OpaquePointer?
        let result = git_repository_open_ext(&pointer, path, GIT_REPOSITORY_OPEN_NO_SEARCH.rawValue, nil)
        guard result == 0, let pointer else {
            throw GitError(.notFound, "\(path) is not a Git repository (give the top directory of a clone, or --repo URL)")
        }
        defer { git_repository_free(pointer) }
        return try body(GitRepository(pointer: pointer, layout: .clone))
    }

    /// True when `descendant` has `ancestor` in its history (a fast-forward from `ancestor`).
    func isDescendant(_ descendant: git_oid, of ancestor: git_oid) -> Bool {
        var d = descendant, a = ancestor
        return git_graph_descendant_of(pointer, &d, &a) == 1
    }

    func hasCommit(_ id: git_oid) -> Bool {
        var oid = id
        var commit: OpaquePointer?
        guard git_commit_lookup(&commit, pointer, &oid) == 0 else { return false }
        git_commit_free(commit)
        return true
    }
}

extension git_oid {
    /// The 40-character hexadecimal id.
    var hex: String {
        var copy = self
        return String(unsafeUninitializedCapacity: 40) { buffer in
            buffer.withMemoryRebound(to: CChar.self) { _ = git_oid_fmt($0.baseAddress, &copy) }
            return 40
        }
    }

    init?(hex: String) {
        var oid = git_oid()
        guard hex.count == 40, git_oid_fromstr(&oid, hex) == 0 else { return nil }
        self = oid
    }
}

/// Calls `body` with a `git_strarray` of `strings`, kept alive for the call.
func withStrArray<T>(_ strings: [String], _ body: (inout git_strarray) throws(GitError) -> T) throws(GitError) -> T {
    var pointers: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
    defer { for pointer in pointers { free(pointer) } }
    return try pointers.withUnsafeMutableBufferPointer { (buffer) throws(GitError) -> T in
        var array = git_strarray(strings: buffer.baseAddress, count: buffer.count)
        return try body(&array)
    }
}
