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
        var files: [SourceFile] = []
        var diagnostics: [Diagnostic] = []
        try walk("", files: &files, diagnostics: &diagnostics)
        files.sort { $0.path < $1.path }
        diagnostics += PlatformLayout.sameStemDiagnostics(files.map(\.path))
        return SourceSnapshot(origin: root, revision: "local", files: files, diagnostics: diagnostics)
    }

    private func walk(_ relative: String, files: inout [SourceFile], diagnostics: inout [Diagnostic]) throws(Error) {
        let directory = relative.isEmpty ? root : "\(root)/\(relative)"
        guard let handle = opendir(directory) else {
            // The root unreadable is the whole answer; a folder inside it is one problem among others.
            if relative.isEmpty { throw .unreadable(directory, errno: errno) }
            diagnostics.append(Self.cannotRead(relative, errno: errno))
            return
        }
        defer { closedir(handle) }
        var names: [String] = []
        while let entry = readdir(handle) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name == "." || name == ".." { continue }
            names.append(name)
        }
        for name in names.sorted() {
            let path = relative.isEmpty ? name : "\(relative)/\(name)"
            var info = stat()
            guard lstat("\(root)/\(path)", &info) == 0 else { continue }
            let type = info.st_mode & S_IFMT
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
                guard Int(info.st_size) <= limits.maxFileBytes else {
                    diagnostics.append(.error("file-too-large",
                                              "file is \(info.st_size) bytes; the limit is \(limits.maxFileBytes)",
                                              at: SourceLocation(path: path, line: 1, column: 1)))
                    continue
                }
                guard files.count < limits.maxFiles else {
                    diagnostics.append(.error("too-many-files", "more than \(limits.maxFiles) platform files",
                                              at: SourceLocation(path: path, line: 1, column: 1)))
                    return
                }
                do throws(Error) {
                    files.append(SourceFile(path: path, bytes: try readFile("\(root)/\(path)", size: Int(info.st_size))))
                } catch {
                    if case let .unreadable(_, code) = error { diagnostics.append(Self.cannotRead(path, errno: code)) }
                }
            }
        }
    }

    private static func cannotRead(_ path: String, errno code: Int32) -> Diagnostic {
        .error("cannot-read", "cannot be read (\(String(cString: strerror(code))))",
               at: SourceLocation(path: path, line: 1, column: 1), hint: "check the permissions of \(path)")
    }

    private func readFile(_ path: String, size: Int) throws(Error) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_NOFOLLOW)
        guard fd >= 0 else { throw .unreadable(path, errno: errno) }
        defer { close(fd) }
        var bytes = [UInt8](repeating: 0, count: size)
        var offset = 0
        while offset < size {
            let n = bytes.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress! + offset, size - offset) }
            if n < 0 { throw .unreadable(path, errno: errno) }
            if n == 0 { break }
            offset += n
        }
        if offset < size { bytes.removeSubrange(offset...) }
        return bytes
    }
}
