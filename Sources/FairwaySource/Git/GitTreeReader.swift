import CLibGit2
import FairwayCore

/// Reads the platform files of one commit straight from the object database, with no working tree.
///
/// Only the platform folders are walked. Symbolic links are refused (never followed), submodules are
/// skipped with a warning, entries named `.` or `..` (or containing `/`) are refused, and blobs over
/// the size limit are refused from their header, before their content is read.
struct GitTreeReader {
    let repository: GitRepository
    let limits: SourceLimits
    /// Files for which this says true are listed with their blob id but not read (a parse cache has them).
    var skipContent: (@Sendable (_ blobID: String, _ path: String) -> Bool)?
    private(set) var files: [SourceFile] = []
    private(set) var diagnostics: [Diagnostic] = []

    init(repository: GitRepository, limits: SourceLimits) {
        self.repository = repository
        self.limits = limits
    }

    mutating func read(commit id: git_oid) throws(GitError) {
        var oid = id
        var commit: OpaquePointer?
        guard git_commit_lookup(&commit, repository.pointer, &oid) == 0, let commit else {
            throw GitError.last("cannot read commit \(id.hex)", result: -1, fallback: .unknownRef)
        }
        defer { git_commit_free(commit) }
        var tree: OpaquePointer?
        guard git_commit_tree(&tree, commit) == 0, let tree else {
            throw GitError.last("cannot read the tree of commit \(id.hex)", result: -1, fallback: .corrupt)
        }
        defer { git_tree_free(tree) }
        try walk(tree, prefix: "")
        files.sort { $0.path < $1.path }
        diagnostics += PlatformLayout.sameStemDiagnostics(files.map(\.path))
    }

    private mutating func walk(_ tree: OpaquePointer, prefix: String) throws(GitError) {
        for index in 0..<git_tree_entrycount(tree) {
            guard let entry = git_tree_entry_byindex(tree, index) else { continue }
            let name = String(cString: git_tree_entry_name(entry))
            let path = prefix.isEmpty ? name : "\(prefix)/\(name)"
            let mode = git_tree_entry_filemode(entry)
            if name == "." || name == ".." || name.utf8.contains(UInt8(ascii: "/")) || name.isEmpty {
                diagnostics.append(.error("unsafe-path", "the tree has an entry named '\(name)' under '\(prefix)/'; it is refused",
                                          at: SourceLocation(path: prefix.isEmpty ? "." : prefix, line: 1, column: 1)))
                continue
            }
            let at = SourceLocation(path: path, line: 1, column: 1)
            switch mode {
            case GIT_FILEMODE_TREE where PlatformLayout.isPlatformDirectory(path):
                var subtree: OpaquePointer?
                guard git_tree_lookup(&subtree, repository.pointer, git_tree_entry_id(entry)) == 0, let subtree else {
                    throw GitError.last("cannot read tree \(path)", result: -1, fallback: .corrupt)
                }
                defer { git_tree_free(subtree) }
                try walk(subtree, prefix: path)
            case GIT_FILEMODE_LINK where PlatformLayout.isPlatformFile(path) || PlatformLayout.isPlatformDirectory(path):
                diagnostics.append(.error("symlink-refused", "symbolic links are not followed", at: at,
                                          hint: "replace the link with the file itself"))
            case GIT_FILEMODE_COMMIT:  // only the root and platform folders are walked
                diagnostics.append(.warning("submodule-ignored", "submodule '\(path)' is ignored", at: at,
                                            hint: "platform files must live in this repository"))
            case GIT_FILEMODE_BLOB, GIT_FILEMODE_BLOB_EXECUTABLE:
                guard PlatformLayout.isPlatformFile(path) else {
                    if let diagnostic = PlatformLayout.unreadEntry(path, type: .file) { diagnostics.append(diagnostic) }
                    continue
                }
                try readBlob(entry, path: path, at: at)
            case GIT_FILEMODE_TREE:
                if let diagnostic = PlatformLayout.unreadEntry(path, type: .directory) { diagnostics.append(diagnostic) }
            default:
                continue
            }
        }
    }

    private mutating func readBlob(_ entry: OpaquePointer, path: String, at: SourceLocation) throws(GitError) {
        guard files.count < limits.maxFiles else {
            diagnostics.append(.error("too-many-files", "more than \(limits.maxFiles) platform files", at: at))
            return
        }
        let id = git_tree_entry_id(entry)!
        let hex = id.pointee.hex
        if let skipContent, skipContent(hex, path) {
            files.append(SourceFile(path: path, bytes: [], blobID: hex))
            return
        }
        var odb: OpaquePointer?
        guard git_repository_odb(&odb, repository.pointer) == 0, let odb else {
            throw GitError.last("cannot open the object database", result: -1, fallback: .corrupt)
        }
        defer { git_odb_free(odb) }
        var size = 0
        var type = GIT_OBJECT_INVALID
        guard git_odb_read_header(&size, &type, odb, id) == 0 else {
            throw GitError.last("cannot read \(path)", result: -1, fallback: .corrupt)
        }
        guard size <= limits.maxFileBytes else {
            diagnostics.append(.error("file-too-large", "file is \(size) bytes; the limit is \(limits.maxFileBytes)", at: at))
            return
        }
        var blob: OpaquePointer?
        guard git_blob_lookup(&blob, repository.pointer, id) == 0, let blob else {
            throw GitError.last("cannot read \(path)", result: -1, fallback: .corrupt)
        }
        defer { git_blob_free(blob) }
        let length = Int(git_blob_rawsize(blob))
        let bytes = length == 0 ? [] : Array(UnsafeBufferPointer(start: git_blob_rawcontent(blob)!.assumingMemoryBound(to: UInt8.self),
                                                                  count: length))
        files.append(SourceFile(path: path, bytes: bytes, blobID: hex))
    }
}

extension GitCache {
    /// The platform files of `commit` in the cached clone of `url`, verified first when `signatures` is set.
    /// `skipContent` names files whose content is not needed (already parsed); they come with their
    /// blob id and no bytes.
    public func snapshot(url: String, commit: String, limits: SourceLimits = .default,
                         signatures: SignaturePolicy? = nil,
                         skipContent: (@Sendable (_ blobID: String, _ path: String) -> Bool)? = nil)
        -> Result<SourceSnapshot, GitError>
    {
        let path = repositoryPath(for: url)
        return GitWorker.run(timeout: .seconds(120), context: nil) {
            Result { () throws(GitError) -> SourceSnapshot in
                guard let oid = git_oid(hex: commit) else { throw GitError(.unknownRef, "'\(commit)' is not a commit id") }
                return try GitRepository.withRepository(at: path) { (repository) throws(GitError) -> SourceSnapshot in
                    if let signatures { try SignatureVerifier(policy: signatures).verify(commit: oid, in: repository) }
                    var reader = GitTreeReader(repository: repository, limits: limits)
                    reader.skipContent = skipContent
                    try reader.read(commit: oid)
                    return SourceSnapshot(origin: Redact.url(url), revision: commit, files: reader.files,
                                          diagnostics: reader.diagnostics)
                }
            }
        }
    }
}
