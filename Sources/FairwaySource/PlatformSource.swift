import FairwayCore

/// FairwaySource gets the platform repository's files: it decides which paths belong to the
/// platform layout, reads them with limits (size, count), refuses symlinks instead of following them,
/// and says which revision it read. It knows nothing of what the files mean.

/// One file of the platform repository, as bytes, with its path relative to the repository root.
public struct SourceFile: Sendable {
    public var path: String
    public var bytes: [UInt8]
    /// The Git blob id of the bytes, when they came from Git: files with the same id and path
    /// parse the same, so a parse cache can skip them.
    public var blobID: String?

    public init(path: String, bytes: [UInt8], blobID: String? = nil) {
        self.path = path
        self.bytes = bytes
        self.blobID = blobID
    }

    /// The file name without directory and extension: what `metadata.name` must equal.
    public var stem: String {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        if let dot = name.lastIndex(of: ".") { return String(name[..<dot]) }
        return name
    }
}

/// The platform files of one revision, and what was refused while reading them.
public struct SourceSnapshot: Sendable {
    /// Where the files came from (a directory path or a repository URL), for messages.
    public var origin: String
    /// The commit read, or `local` for a plain directory.
    public var revision: String
    public var files: [SourceFile]
    /// Files refused (symlinks, over the size limit) or skipped, each at its path.
    public var diagnostics: [Diagnostic]

    public init(origin: String, revision: String, files: [SourceFile], diagnostics: [Diagnostic]) {
        self.origin = origin
        self.revision = revision
        self.files = files
        self.diagnostics = diagnostics
    }
}

/// Bounds on what a source may hand to the parser.
public struct SourceLimits: Sendable {
    public var maxFileBytes: Int
    public var maxFiles: Int

    public init(maxFileBytes: Int = 1 << 20, maxFiles: Int = 200_000) {
        self.maxFileBytes = maxFileBytes
        self.maxFiles = maxFiles
    }

    public static let `default` = SourceLimits()
}

/// Which paths of a repository are platform files. Everything else (READMEs, CI files, schemas)
/// is never read.
public enum PlatformLayout {
    public static let folders = ["tenants", "nodepools", "ray", "jupyterhub", "policies"]

    public static func isYAML(_ name: String) -> Bool {
        name.hasSuffix(".yaml") || name.hasSuffix(".yml")
    }

    /// True for `cluster.yaml`, `tenants/x.yaml`, `nodepools/x.yaml`, `ray/<tenant>/x.yaml`,
    /// `jupyterhub/x.yaml` and `policies/x.yaml`.
    public static func isPlatformFile(_ path: String) -> Bool {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        guard let last = parts.last, isYAML(String(last)), !last.hasPrefix(".") else { return false }
        switch parts.count {
        case 1: return last == "cluster.yaml" || last == "cluster.yml"
        case 2: return ["tenants", "nodepools", "jupyterhub", "policies"].contains(String(parts[0]))
        case 3: return parts[0] == "ray"
        default: return false
        }
    }

    /// True for directories that may hold platform files.
    public static func isPlatformDirectory(_ path: String) -> Bool {
        let parts = path.split(separator: "/")
        switch parts.count {
        case 1: return folders.contains(String(parts[0]))
        case 2: return parts[0] == "ray" && !parts[1].hasPrefix(".")
        default: return false
        }
    }
}
