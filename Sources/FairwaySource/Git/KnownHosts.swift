import Foundation

/// Host keys from an OpenSSH known_hosts file, for checking SSH servers. Hashed host names
/// (`|1|...`) and markers (`@revoked`, `@cert-authority`) are not supported and are skipped.
struct KnownHosts {
    /// Raw public-key blobs by host pattern (`host` or `[host]:port`).
    private var keys: [String: [Data]] = [:]

    init(path: String) throws(GitError) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw GitError(.certificate, "known_hosts file \(path) cannot be read")
        }
        for line in String(decoding: data, as: UTF8.self).split(separator: "\n") {
            let fields = line.split(separator: " ")
            guard fields.count >= 3, !line.hasPrefix("#"), !line.hasPrefix("@"), !line.hasPrefix("|"),
                  let blob = Data(base64Encoded: String(fields[2])) else { continue }
            for host in fields[0].split(separator: ",") { keys[String(host), default: []].append(blob) }
        }
    }

    /// True when `hostKey` (the raw blob the server sent) is listed for `host` on `port`.
    func accepts(host: String, port: Int?, hostKey: Data) -> Bool {
        let names = [port.map { "[\(host)]:\($0)" }, port == nil || port == 22 ? host : nil].compactMap { $0 }
        return names.contains { keys[$0]?.contains(hostKey) == true }
    }
}
