import CLibGit2

/// libgit2 as a whole: initialised once, and what the installed build supports.
public enum GitLibrary {
    private static let initialised: Bool = {
        git_libgit2_init()
        _ = fairway_git_set_user_agent("fairway/0.1")
        return true
    }()

    /// Makes sure libgit2 is initialised (safe from any thread).
    static func ensureInitialised() { _ = initialised }

    /// What the installed libgit2 supports.
    public struct Features: Sendable, CustomStringConvertible {
        public let version: String
        public let threads: Bool
        public let https: Bool
        public let ssh: Bool

        public var description: String {
            "libgit2 \(version): threads \(threads ? "yes" : "no"), HTTPS \(https ? "yes" : "no"), SSH \(ssh ? "yes" : "no")"
        }

        /// URL schemes Fairway can fetch with this build.
        public var schemes: [String] {
            ["file", "git", "http"] + (https ? ["https"] : []) + (ssh ? ["ssh"] : [])
        }
    }

    public static var features: Features {
        ensureInitialised()
        var major: Int32 = 0, minor: Int32 = 0, revision: Int32 = 0
        git_libgit2_version(&major, &minor, &revision)
        let flags = git_libgit2_features()
        return Features(version: "\(major).\(minor).\(revision)",
                        threads: flags & Int32(GIT_FEATURE_THREADS.rawValue) != 0,
                        https: flags & Int32(GIT_FEATURE_HTTPS.rawValue) != 0,
                        ssh: flags & Int32(GIT_FEATURE_SSH.rawValue) != 0)
    }
}
