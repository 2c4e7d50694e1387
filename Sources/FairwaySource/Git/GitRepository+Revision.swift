import CLibGit2
import FairwayCore

/// How a repository holds the branches of the repository it came from. Fairway's cache is a mirror:
/// the remote's branches are its own `refs/heads/*`, and it has no remote-tracking refs. A clone
/// people work in keeps them under `refs/remotes/<remote>/*`.
enum GitRefLayout: Sendable {
    case mirror
    case clone
}

extension GitRepository {
    /// The commit a revision names, read the way `git rev-parse` reads it: a branch or tag by its
    /// short or full name, a full or abbreviated SHA, `HEAD`, `refs/pull/N/head`, `main~2`. In a
    /// mirror, `origin/main` and `refs/remotes/origin/main` name its `main`, as they would in a clone
    /// of the same remote. When the remote's HEAD names no branch, `HEAD` falls back to `main`, then
    /// `master`. A name that resolves to nothing is an `unknownRef` error suggesting the nearest
    /// branch or tag name.
    func resolveCommit(_ revision: String) throws(GitError) -> git_oid {
        for spelling in spellings(of: revision) {
            if let commit = try commit(named: spelling, asked: revision) { return commit }
        }
        if revision == "HEAD" {
            for branch in ["refs/heads/main", "refs/heads/master"] {
                if let commit = try commit(named: branch, asked: revision) { return commit }
            }
        }
        var message = "the repository has no ref or commit '\(revision)'"
        if let near = suggestion(for: revision) { message += "; did you mean '\(near)'?" }
        throw GitError(.unknownRef, message)
    }

    /// The names to try for `revision`, in order.
    func spellings(of revision: String) -> [String] {
        var out = [revision]
        guard layout == .mirror else { return out }
        var rest: Substring?
        if revision.hasPrefix("refs/remotes/") {
            let tail = revision.dropFirst("refs/remotes/".count)
            rest = tail.firstIndex(of: "/").map { tail[tail.index(after: $0)...] }
        } else if !revision.hasPrefix("refs/"), let slash = revision.firstIndex(of: "/") {
            rest = revision[revision.index(after: slash)...]
        }
        if let rest, !rest.isEmpty {
            out.append(rest == "HEAD" ? "HEAD" : "refs/heads/\(rest)")
        }
        return out
    }

    /// The commit `name` resolves to, nil when it names nothing; an error when it names something
    /// that is not a commit (a tree, a blob).
    private func commit(named name: String, asked: String) throws(GitError) -> git_oid? {
        var object: OpaquePointer?
        guard git_revparse_single(&object, pointer, name) == 0, let object else { return nil }
        defer { git_object_free(object) }
        var commit: OpaquePointer?
        guard git_object_peel(&commit, object, GIT_OBJECT_COMMIT) == 0, let commit else {
            throw GitError(.unknownRef, "'\(asked)' does not name a commit")
        }
        defer { git_object_free(commit) }
        return git_object_id(commit).pointee
    }

    /// The branch or tag name nearest to a misspelt `revision`. In a mirror, `origin/mian` is
    /// answered with `origin/main`.
    func suggestion(for revision: String) -> String? {
        let names = shortRefNames()
        if let near = Suggest.nearest(to: revision, in: names) { return near }
        guard layout == .mirror, !revision.hasPrefix("refs/"), let slash = revision.firstIndex(of: "/") else { return nil }
        let remote = revision[..<slash]
        return Suggest.nearest(to: String(revision[revision.index(after: slash)...]), in: names).map { "\(remote)/\($0)" }
    }

    /// Branches, tags and remote-tracking branches by the names people type (`main`, `v1.2`, `origin/main`).
    func shortRefNames() -> [String] {
        var array = git_strarray()
        guard git_reference_list(&array, pointer) == 0 else { return [] }
        defer { git_strarray_dispose(&array) }
        var names: [String] = []
        for index in 0..<array.count {
            guard let raw = array.strings[index] else { continue }
            let name = String(cString: raw)
            for prefix in ["refs/heads/", "refs/tags/", "refs/remotes/"] where name.hasPrefix(prefix) {
                let short = String(name.dropFirst(prefix.count))
                if !short.hasSuffix("/HEAD") { names.append(short) }
            }
        }
        return names.sorted()
    }
}
