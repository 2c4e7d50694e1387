#if canImport(Glibc)
import FairwayLive
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FairwayCore

/// The private file a release's values travel to helm in, so they never appear on a command line
/// (where `ps` and audit logs would show them). Made in a fresh directory only this user can enter
/// (0700, from `mkdtemp`), readable only by this user (0600, created exclusively), and deleted with
/// its directory when the body ends, whether it returns or throws.
enum HelmValuesFile {
    /// Writes `values` (JSON, which helm reads as YAML) and runs `body` with the file's path.
    static func with<T>(_ values: JSONValue, in temporaryDirectory: String, release: String,
                        _ body: (String) async throws(HelmError) -> T) async throws(HelmError) -> T {
        let directory = try makeDirectory(in: temporaryDirectory, release: release)
        let path = "\(directory)/values.json"
        defer {
            unlink(path)
            rmdir(directory)
        }
        try store(JSONWriter.bytes(values), at: path, release: release)
        return try await body(path)
    }

    private static func makeDirectory(in parent: String, release: String) throws(HelmError) -> String {
        var template = Array("\(parent)/fairway-helm-XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { buffer in mkdtemp(buffer.baseAddress!).map { String(cString: $0) } }
        guard let made else {
            throw HelmError(.io, .upgradeInstall, release: release,
                            message: "cannot create a private directory in \(parent) for the values: \(FileIO.errorText())")
        }
        return made
    }

    private static func store(_ bytes: [UInt8], at path: String, release: String) throws(HelmError) {
        func failure(_ what: String) -> HelmError {
            HelmError(.io, .upgradeInstall, release: release,
                      message: "cannot \(what) the private values file: \(FileIO.errorText())")
        }
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw failure("create") }
        defer { close(fd) }
        // The umask can only remove bits; set the mode explicitly all the same.
        guard fchmod(fd, 0o600) == 0 else { throw failure("restrict") }
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + offset, bytes.count - offset) }
            guard written > 0 else { throw failure("write") }
            offset += written
        }
    }
}
