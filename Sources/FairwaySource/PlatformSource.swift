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
    /// `jupyterhub/x.yaml`, `policies/x.yaml` and `policies/<folder>/x.yaml` (fairness policy parts).
    public static func isPlatformFile(_ path: String) -> Bool {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        guard let last = parts.last, isYAML(String(last)), !last.hasPrefix(".") else { return false }
        switch parts.count {
        case 1: return last == "cluster.yaml" || last == "cluster.yml"
        case 2: return ["tenants", "nodepools", "jupyterhub", "policies"].contains(String(parts[0]))
        case 3: return parts[0] == "ray" || parts[0] == "policies"
        default: return false
        }
    }

    /// What a source does with an entry it does not read, inside the platform folders: nothing, or
    /// a diagnostic with its path. Everything under `tenants/`, `nodepools/`, `ray/`, `jupyterhub/`
    /// and `policies/` is either read or reported, so no file is skipped without a word (a skipped
    /// Ray workload would otherwise be pruned from the cluster on the next apply).
    public enum EntryType: Sendable { case file, directory, other }

    /// The diagnostic for an entry that is neither read nor walked, or nil when it lies outside the
    /// platform folders (READMEs, CI files, `.schemas/`) or is read.
    public static func unreadEntry(_ path: String, type: EntryType) -> Diagnostic? {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard let name = parts.last else { return nil }
        let at = SourceLocation(path: path, line: 1, column: 1)
        if parts.count == 1 {
            // The root holds cluster.yaml and the platform folders; anything else is not Fairway's.
            if type != .file, name.lowercased() == "cluster.yaml" || name.lowercased() == "cluster.yml" {
                return .error("unexpected-entry", "'\(path)' is not a regular file; cluster.yaml must be one", at: at)
            }
            if type == .file, name != "cluster.yaml", name != "cluster.yml", isYAMLIgnoringCase(name),
               name.lowercased().hasPrefix("cluster.") {
                return .error("unexpected-entry", "'\(path)' is not read: the extension must be `.yaml` in lowercase", at: at,
                              hint: "rename it to cluster.yaml")
            }
            return nil
        }
        guard folders.contains(parts[0]) else { return nil }
        if type == .file && isPlatformFile(path) { return nil }
        if type == .directory && isPlatformDirectory(path) { return nil }
        if name.hasPrefix(".") {
            return .warning("ignored-file", "'\(path)' is hidden and not read", at: at)
        }
        let ray = parts[0] == "ray"
        let policies = parts[0] == "policies"
        switch type {
        case .other:
            return .error("unexpected-entry", "'\(path)' is not a regular file or folder; it is not read", at: at,
                          hint: "platform folders hold YAML files only")
        case .directory:
            let expected = ray ? "ray/<tenant>/<name>.yaml"
                : policies ? "policies/<name>.yaml or policies/<folder>/<name>.yaml" : "\(parts[0])/<name>.yaml"
            let hint = ray ? "Ray workloads go one folder deep, in the folder named after their tenant"
                : policies ? "parts of the fairness policy may go one folder deep, no deeper"
                : "\(parts[0])/ holds files, not folders"
            return .error("unexpected-entry", "folder '\(path)' is not read: files belong at \(expected)", at: at, hint: hint)
        case .file:
            if ray && parts.count == 2 {
                return .error("unexpected-entry", "'\(path)' is not read: Ray workloads belong in ray/<tenant>/", at: at,
                              hint: "move it into the folder of the tenant that owns it")
            }
            if isYAMLIgnoringCase(name) {
                return .error("unexpected-entry", "'\(path)' is not read: the extension must be `.yaml` in lowercase", at: at,
                              hint: "rename it to \(stem(of: name)).yaml")
            }
            return .error("unexpected-entry", "'\(path)' is not a YAML file; platform folders hold `.yaml` files only", at: at,
                          hint: "move it out of \(parts[0])/, or rename it to end in .yaml")
        }
    }

    /// `.yaml` and `.yml` beside each other with one stem: both would describe one document.
    public static func sameStemDiagnostics(_ paths: [String]) -> [Diagnostic] {
        // The path without the file name's extension names the document; only names seen twice are grouped.
        var first: [Substring: Int] = [:]
        first.reserveCapacity(paths.count)
        var groups: [Int: [String]] = [:]
        for (index, path) in paths.enumerated() {
            let slash = path.utf8.lastIndex(of: UInt8(ascii: "/")) ?? path.startIndex
            let dot = path[slash...].utf8.lastIndex(of: UInt8(ascii: ".")) ?? path.endIndex
            let key = path[..<dot]
            if let earlier = first[key] {
                groups[earlier, default: [paths[earlier]]].append(path)
            } else {
                first[key] = index
            }
        }
        return groups.values.flatMap { group -> [Diagnostic] in
            let sorted = group.sorted { ($0.hasSuffix(".yaml") ? 0 : 1, $0) < ($1.hasSuffix(".yaml") ? 0 : 1, $1) }
            return sorted.dropFirst().map { path in
                .error("duplicate-file", "'\(path)' and '\(sorted[0])' describe the same document",
                       at: SourceLocation(path: path, line: 1, column: 1),
                       hint: "keep one of them", notes: [.init("the other file", at: SourceLocation(path: sorted[0], line: 1, column: 1))])
            }
        }.sorted()
    }

    static func isYAMLIgnoringCase(_ name: String) -> Bool {
        let lower = name.lowercased()
        return lower.hasSuffix(".yaml") || lower.hasSuffix(".yml")
    }

    static func stem(of name: String) -> String {
        if let dot = name.lastIndex(of: ".") { return String(name[..<dot]) }
        return name
    }

    /// True for directories that may hold platform files.
    public static func isPlatformDirectory(_ path: String) -> Bool {
        let parts = path.split(separator: "/")
        switch parts.count {
        case 1: return folders.contains(String(parts[0]))
        case 2: return (parts[0] == "ray" || parts[0] == "policies") && !parts[1].hasPrefix(".")
        default: return false
        }
    }
}
