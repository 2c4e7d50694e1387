#if canImport(Glibc)
import FairwayLive
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FairwayCore

/// A token that never changes (a kubeconfig `token:`).
public struct StaticTokenProvider: KubernetesTokenProvider, CustomStringConvertible {
    private let secret: Redacted<String>

    public init(_ token: String) { secret = Redacted(token) }

    public func token() async throws -> KubernetesToken { KubernetesToken(value: secret.value) }

    public var description: String { "static token" }
}

/// A token read from a file and read again whenever the file changes: kubeconfig `tokenFile:`, and
/// the projected service account token in a pod, which the kubelet rotates (bound tokens live an
/// hour) by swapping the file. Each call checks the file's identity and modification time (one
/// `stat`), so a rotated token is picked up on the next request.
public final class TokenFileProvider: KubernetesTokenProvider, CustomStringConvertible {
    public let path: String
    private let cache = Locked<(stamp: FileStamp, token: Redacted<String>)?>(nil)

    public init(path: String) { self.path = path }

    public var description: String { "token file \(path)" }

    public func token() async throws -> KubernetesToken {
        try KubernetesToken(value: current().value)
    }

    /// The token, re-read when the file changed since the last read.
    func current() throws(KubeconfigError) -> Redacted<String> {
        guard let stamp = FileStamp(path) else {
            throw KubeconfigError(.tokenFileUnreadable, "cannot read token file '\(path)': \(FileIO.errorText())")
        }
        if let cached = cache.withLock({ $0 }), cached.stamp == stamp { return cached.token }
        let bytes: [UInt8]
        do { bytes = try FileIO.readAll(path) } catch {
            throw KubeconfigError(.tokenFileUnreadable, "cannot read token file '\(path)': \(error.message)")
        }
        let text = String(decoding: bytes, as: UTF8.self).trimmingWhitespace()
        guard !text.isEmpty else { throw KubeconfigError(.tokenFileUnreadable, "token file '\(path)' is empty") }
        let token = Redacted(text)
        cache.withLock { $0 = (stamp, token) }
        return token
    }
}

/// What identifies one version of a file: device, inode, size and modification time.
struct FileStamp: Equatable {
    var device: UInt64
    var inode: UInt64
    var size: Int64
    var seconds: Int
    var nanoseconds: Int

    init?(_ path: String) {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
        size = Int64(info.st_size)
        #if canImport(Darwin)
        seconds = Int(info.st_mtimespec.tv_sec)
        nanoseconds = Int(info.st_mtimespec.tv_nsec)
        #else
        seconds = Int(info.st_mtim.tv_sec)
        nanoseconds = Int(info.st_mtim.tv_nsec)
        #endif
    }
}

extension String {
    func trimmingWhitespace() -> String {
        var scalars = Substring(self)
        while let first = scalars.first, first.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.isWhitespace { scalars.removeLast() }
        return String(scalars)
    }
}
