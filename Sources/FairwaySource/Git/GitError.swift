import CLibGit2

/// A failure talking to a Git repository, with what was being done and libgit2's own words.
/// Messages never contain credentials: URLs are shown without their user-info part.
public struct GitError: Error, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable {
        case unreachable = "git-unreachable"
        case authentication = "git-auth"
        case certificate = "git-certificate"
        case notFound = "git-not-found"
        case unknownRef = "git-unknown-ref"
        case timeout = "git-timeout"
        case cancelled = "git-cancelled"
        case corrupt = "git-corrupt"
        case signature = "git-signature"
        case unsupported = "git-unsupported"
        case failed = "git-failed"
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }

    /// The last libgit2 error on this thread, classified, prefixed with what was being done.
    static func last(_ doing: String, result: Int32, fallback: Code = .failed) -> GitError {
        var code = fallback
        var text = "unknown error"
        if let error = git_error_last(), let message = error.pointee.message {
            text = String(cString: message)
            switch git_error_t(rawValue: UInt32(error.pointee.klass)) {
            case GIT_ERROR_SSL: code = .certificate
            case GIT_ERROR_NET, GIT_ERROR_OS: code = fallback == .failed ? .unreachable : fallback
            case GIT_ERROR_SSH: code = fallback == .failed ? .unreachable : fallback
            case GIT_ERROR_HTTP where text.contains("401") || text.contains("authentication"): code = .authentication
            default: break
            }
        }
        switch git_error_code(rawValue: result) {
        case GIT_EAUTH: code = .authentication
        case GIT_ECERTIFICATE: code = .certificate
        case GIT_ENOTFOUND where fallback == .failed: code = .notFound
        default: break
        }
        if text.contains("too many redirects or authentication replays") || text.contains("401") { code = .authentication }
        if text.contains("unexpected http status code: 404") || text.contains("repository not found")
            || text.contains("could not find repository") || text.contains("not appear to be a git repository")
            || text.contains("failed to resolve path") {
            code = .notFound
        }
        return GitError(code, "\(doing): \(Redact.urls(in: text))")
    }
}

/// Removes credentials from text before it is shown or logged.
public enum Redact {
    /// `https://user:secret@host/x` becomes `https://host/x`.
    public static func url(_ url: String) -> String {
        guard let scheme = url.range(of: "://") else { return url }
        let rest = url[scheme.upperBound...]
        let hostEnd = rest.firstIndex(of: "/") ?? rest.endIndex
        guard let at = rest[..<hostEnd].lastIndex(of: "@") else { return url }
        if url.hasPrefix("ssh://") {
            // ssh://user@host carries no secret in the user name; keep it.
            return rest[..<at].contains(":") ? String(url[..<scheme.upperBound]) + rest[rest.index(after: at)...] : url
        }
        return String(url[..<scheme.upperBound]) + rest[rest.index(after: at)...]
    }

    /// Every URL in `text` with credentials removed.
    public static func urls(in text: String) -> String {
        text.split(separator: " ", omittingEmptySubsequences: false).map { word in
            word.contains("://") && word.contains("@") ? url(String(word)) : String(word)
        }.joined(separator: " ")
    }
}
