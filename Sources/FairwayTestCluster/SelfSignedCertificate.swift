import Foundation

/// A throwaway self-signed certificate for `--tls`, made with the `openssl` command (installed by
/// scripts/setup): EC P-256, valid two days, for IP 127.0.0.1 and DNS localhost.
struct SelfSignedCertificate {
    var certificatePEM: String
    var keyPEM: String

    static func generate() throws -> SelfSignedCertificate {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("fairway-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let certificate = directory.appendingPathComponent("cert.pem"), key = directory.appendingPathComponent("key.pem")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                             "-days", "2", "-subj", "/CN=fairway-testcluster",
                             "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
                             "-keyout", key.path, "-out", certificate.path]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw TestClusterError("openssl could not make a certificate (exit \(process.terminationStatus))")
        }
        return SelfSignedCertificate(certificatePEM: try String(contentsOf: certificate, encoding: .utf8),
                                     keyPEM: try String(contentsOf: key, encoding: .utf8))
    }
}
