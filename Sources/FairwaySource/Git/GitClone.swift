import CLibGit2
import FairwayCore

/// A Git repository on this machine that people work in (a clone, with its remote-tracking
/// branches), read in place: nothing is fetched and its working tree is never looked at. It owns
/// naming revisions there (`origin/main`, `HEAD`, short SHAs) and reading their platform files.
public struct GitClone: Sendable {
    /// The clone's top directory (or a bare repository).
    public let path: String

    public init(path: String) { self.path = path }

    /// The platform files of the commit `revision` names, as a snapshot whose revision is that commit.
    public func snapshot(_ revision: String, limits: SourceLimits = .default) -> Result<SourceSnapshot, GitError> {
        let path = self.path
        return GitWorker.run(timeout: .seconds(120), context: nil) {
            Result { () throws(GitError) -> SourceSnapshot in
                try GitRepository.withClone(at: path) { (repository) throws(GitError) -> SourceSnapshot in
                    let commit = try repository.resolveCommit(revision)
                    var reader = GitTreeReader(repository: repository, limits: limits)
                    try reader.read(commit: commit)
                    return SourceSnapshot(origin: path, revision: commit.hex, files: reader.files,
                                          diagnostics: reader.diagnostics)
                }
            }
        }
    }
}
