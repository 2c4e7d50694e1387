#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Small POSIX file helpers: whole-file reads, atomic writes (temp file, fsync, rename, fsync of the
/// directory), directory creation and listing.
public enum FileIO {
    public static func errorText() -> String { String(cString: strerror(errno)) }

    /// This process's id, for temporary file names.
    static let processID = getpid()

    public static func exists(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0
    }

    public static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && info.st_mode & S_IFMT == S_IFDIR
    }

    public static func readAll(_ path: String) throws(LiveStateError) -> [UInt8] {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw LiveStateError(.io, "cannot open: \(errorText())", path: path) }
        defer { close(fd) }
        var result: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 { throw LiveStateError(.io, "cannot read: \(errorText())", path: path) }
            if n == 0 { break }
            result.append(contentsOf: chunk[0..<n])
        }
        return result
    }

    /// Writes `bytes` so that readers see either the old file or the new one, never a part.
    public static func writeAtomically(_ bytes: [UInt8], to path: String, mode: mode_t = 0o644) throws(LiveStateError) {
        let temp = try writeTemporary(bytes, beside: path, sync: true, mode: mode)
        guard rename(temp, path) == 0 else {
            unlink(temp)
            throw LiveStateError(.io, "cannot rename into place: \(errorText())", path: path)
        }
        syncDirectory(of: path)
    }

    /// Writes `bytes` to a temporary file next to `path` and returns its name; with `sync`, the
    /// data is on disk when this returns.
    static func writeTemporary(_ bytes: [UInt8], beside path: String, sync: Bool, mode: mode_t = 0o644) throws(LiveStateError) -> String {
        let temp = "\(path).tmp-\(processID)"
        let fd = open(temp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
        guard fd >= 0 else { throw LiveStateError(.io, "cannot create: \(errorText())", path: temp) }
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + offset, bytes.count - offset) }
            if n < 0 {
                close(fd)
                unlink(temp)
                throw LiveStateError(.io, "cannot write: \(errorText())", path: temp)
            }
            offset += n
        }
        if sync && fsync(fd) != 0 {
            close(fd)
            unlink(temp)
            throw LiveStateError(.io, "cannot sync: \(errorText())", path: temp)
        }
        close(fd)
        return temp
    }

    public static func directory(of path: String) -> String {
        let directory = path.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
        return directory.isEmpty ? "." : directory
    }

    static func syncDirectory(of path: String) {
        syncDirectory(directory(of: path))
    }

    static func syncDirectory(_ directory: String) {
        let fd = open(directory, O_RDONLY | O_DIRECTORY)
        guard fd >= 0 else { return }
        fsync(fd)
        close(fd)
    }

    static func makeDirectories(_ path: String) throws(LiveStateError) {
        var current = path.hasPrefix("/") ? "" : "."
        for part in path.split(separator: "/") {
            current += "/\(part)"
            if mkdir(current, 0o755) != 0 && errno != EEXIST {
                throw LiveStateError(.io, "cannot create directory: \(errorText())", path: current)
            }
        }
    }

    static func list(_ directory: String) -> [String] {
        guard let handle = opendir(directory) else { return [] }
        defer { closedir(handle) }
        var names: [String] = []
        while let entry = readdir(handle) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }

    static func remove(_ path: String) throws(LiveStateError) {
        guard unlink(path) == 0 || errno == ENOENT else {
            throw LiveStateError(.io, "cannot delete: \(errorText())", path: path)
        }
    }
}
