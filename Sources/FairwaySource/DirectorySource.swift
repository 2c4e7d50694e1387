#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FairwayCore

/// Reads the platform files of a plain directory (a checkout, or a copy of the template).
///
/// Only platform folders are walked; symlinks are refused with a diagnostic and never followed;
/// files over `SourceLimits.maxFileBytes` are refused unread.
public struct DirectorySource: Sendable {
    public enum Error: Swift.Error, Sendable, CustomStringConvertible {
        case notADirectory(String)
        case unreadable(String, errno: Int32)

        public var description: String {
            switch self {
            case let .notADirectory(path): return "\(path): not a directory"
            case let .unreadable(path, code): return "\(path): cannot be read (\(String(cString: strerror(code))))"
            }
        }
    }

    public let root: String
    public let limits: SourceLimits

    public init(root: String, limits: SourceLimits = .default) {
        self.root = root.count > 1 && root.hasSuffix("/") ? String(root.dropLast()) : root
        self.limits = limits
    }

    public func read() throws(Error) -> SourceSnapshot {
        var info = stat()
        guard stat(root, &info) == 0, info.st_mode & S_IFMT == S_IFDIR else { throw .notADirectory(root) }
        var found: [String] = []
        var diagnostics: [Diagnostic] = []
        try walk("", files: &found, diagnostics: &diagnostics)
        found.sort()
        // The walk decides which files are read; they are sized and read in parallel (tens of
        // thousands of small files at scale).
        let root = root, limit = limits.maxFileBytes
        let read = ParallelMap.map(found) { path in Self.readFile("\(root)/\(path)", limit: limit) }
        var files: [SourceFile] = []
        files.reserveCapacity(found.count)
        for (path, outcome) in zip(found, read) {
            switch outcome {
            case let .read(bytes): files.append(SourceFile(path: path, bytes: bytes))
            case let .tooLarge(size):
                diagnostics.append(.error("file-too-large", "file is \(size) bytes; the limit is \(limit)",
                                          at: SourceLocation(path: path, line: 1, column: 1)))
            case let .unreadable(code): diagnostics.append(Self.cannotRead(path, errno: code))
            }
        }
        diagnostics += PlatformLayout.sameStemDiagnostics(files.map(\.path))
        return SourceSnapshot(origin: root, revision: "local", files: files, diagnostics: diagnostics)
    }

    /// Finds the platform files under `relative` and the diagnostics of what is not read. Entry types
    /// come from the directory itself where the file system reports them (no stat per file).
    private func walk(_ relative: String, files: inout [String], diagnostics: inout [Diagnostic]) throws(Error) {
        let directory = relative.isEmpty ? root : "\(root)/\(relative)"
        guard let handle = opendir(directory) else {
            // The root unreadable is the whole answer; a folder inside it is one problem among others.
            if relative.isEmpty { throw .unreadable(directory, errno: errno) }
            diagnostics.append(Self.cannotRead(relative, errno: errno))
            return
        }
        defer { closedir(handle) }
        var entries: [(name: String, type: UInt8)] = []
        while let entry = readdir(handle) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name == "." || name == ".." { continue }
            entries.append((name, entry.pointee.d_type))
        }
        for (name, entryType) in entries.sorted(by: { $0.name < $1.name }) {
            let path = relative.isEmpty ? name : "\(relative)/\(name)"
            let type: mode_t
            switch Int(entryType) {
            case DT_REG: type = S_IFREG
            case DT_DIR: type = S_IFDIR
            case DT_LNK: type = S_IFLNK
            default:
                var info = stat()
                guard lstat("\(root)/\(path)", &info) == 0 else { continue }
                type = info.st_mode & S_IFMT
            }
            let platformFile = PlatformLayout.isPlatformFile(path)
            if type == S_IFLNK {
                if platformFile || PlatformLayout.isPlatformDirectory(path) {
                    diagnostics.append(.error("symlink-refused", "symbolic links are not followed",
                                              at: SourceLocation(path: path, line: 1, column: 1),
                                              hint: "replace the link with the file itself"))
                }
            } else if type == S_IFDIR && PlatformLayout.isPlatformDirectory(path) {
                try walk(path, files: &files, diagnostics: &diagnostics)
            } else if type != S_IFREG || !platformFile {
                let entry: PlatformLayout.EntryType = type == S_IFDIR ? .directory : type == S_IFREG ? .file : .other
                if let diagnostic = PlatformLayout.unreadEntry(path, type: entry) { diagnostics.append(diagnostic) }
            } else {
                guard files.count < limits.maxFiles else {
                    diagnostics.append(.error("too-many-files", "more than \(limits.maxFiles) platform files",
                                              at: SourceLocation(path: path, line: 1, column: 1)))
                    return
                }
                files.append(path)
            }
        }
    }

    private static func cannotRead(_ path: String, errno code: Int32) -> Diagnostic {
        .error("cannot-read", "cannot be read (\(String(cString: strerror(code))))",
               at: SourceLocation(path: path, line: 1, column: 1), hint: "check the permissions of \(path)")
    }

    /// What reading one platform file gave.
    enum ReadOutcome: Sendable {
        case read([UInt8])
        case tooLarge(Int)
        case unreadable(Int32)
    }

    /// Opens the file without following a link, sizes it on the open descriptor and reads it whole,
    /// unless it is over `limit` bytes or no longer a regular file.
    static func readFile(_ path: String, limit: Int) -> ReadOutcome {
        // Non-blocking: a FIFO put in a file's place must not hang the read (it is then refused).
        let fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK)
        guard fd >= 0 else { return .unreadable(errno) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { return .unreadable(errno) }
        guard info.st_mode & S_IFMT == S_IFREG else { return .unreadable(EINVAL) }
        let size = Int(info.st_size)
        guard size <= limit else { return .tooLarge(size) }
        var bytes = [UInt8](repeating: 0, count: size)
        var offset = 0
        while offset < size {
            let n = bytes.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress! + offset, size - offset) }
            if n < 0 { return .unreadable(errno) }
            if n == 0 { break }
            offset += n
        }
        if offset < size { bytes.removeSubrange(offset...) }
        return .read(bytes)
    }
}
