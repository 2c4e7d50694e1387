import FairwayAgent
import FairwayCore
import FairwayPipeline
import FairwaySource

extension SourceOptions {
    /// The platform files of one revision, for commands that compare revisions (`diff`): from the
    /// cached clone of `--repo URL`, or read in place from the local clone at PATH (default: the
    /// current directory), where `origin/main` is its remote-tracking branch.
    func snapshot(revision: String) throws(PipelineError) -> SourceSnapshot {
        if repo != nil { return try snapshot(ref: revision) }
        switch GitClone(path: path ?? ".").snapshot(revision) {
        case let .success(snapshot): return snapshot
        case let .failure(error): throw PipelineError("\(error.message) [\(error.code.rawValue)]")
        }
    }
}
