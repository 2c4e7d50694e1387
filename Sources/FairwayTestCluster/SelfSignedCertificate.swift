import Foundation

/// A throwaway self-signed certificate for `--tls`, made with the `openssl` command (installed by
/// scripts/setup): EC P-256, valid two days, for IP 127.0.0.1 and DNS localhost.
struct SelfSignedCertificate {
    var certificatePEM: String
    var keyPEM: String

    static func generate() throws -> SelfSignedCertificate {
        try OpenSSL.inTemporaryDirectory { openssl in
            try openssl.selfSigned(subject: "/CN=fairway-testcluster", name: "server",
                                   extra: ["-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"])
        }
    }
}

/// A certificate authority for client certificates, made at start: one certificate per user, with
/// the user's name as its common name, signed by a CA the server trusts for client authentication.
public struct ClientCertificateAuthority: Sendable {
    /// A user's certificate and key, for a kubeconfig's `client-certificate-data` and `client-key-data`.
    public struct Credential: Sendable {
        public var certificatePEM: String
        public var keyPEM: String
    }

    public var certificatePEM: String
    public var credentials: [String: Credential]

    static func issue(users: [String]) throws -> ClientCertificateAuthority {
        try OpenSSL.inTemporaryDirectory { openssl in
            let ca = try openssl.selfSigned(subject: "/CN=fairway-testcluster-client-ca", name: "ca", extra: [])
            var credentials: [String: Credential] = [:]
            for (index, user) in users.enumerated() {
                let name = "user\(index)"
                try openssl.run(["req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                                 "-subj", "/CN=\(user)", "-keyout", "\(name).key", "-out", "\(name).csr"])
                try openssl.write("extendedKeyUsage=clientAuth\n", to: "\(name).ext")
                try openssl.run(["x509", "-req", "-in", "\(name).csr", "-CA", "cert-ca.pem", "-CAkey", "key-ca.pem",
                                 "-CAcreateserial", "-days", "2", "-extfile", "\(name).ext", "-out", "\(name).pem"])
                credentials[user] = Credential(certificatePEM: try openssl.read("\(name).pem"), keyPEM: try openssl.read("\(name).key"))
            }
            return ClientCertificateAuthority(certificatePEM: ca.certificatePEM, credentials: credentials)
        }
    }
}

/// The `openssl` command in a temporary directory that is removed afterwards.
struct OpenSSL {
    let directory: URL

    static func inTemporaryDirectory<T>(_ body: (OpenSSL) throws -> T) throws -> T {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("fairway-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        return try body(OpenSSL(directory: directory))
    }

    func run(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["openssl"] + arguments
        process.currentDirectoryURL = directory
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw TestClusterError("openssl \(arguments.first ?? "") could not make a certificate (exit \(process.terminationStatus))")
        }
    }

    /// An EC P-256 key and a self-signed certificate for it, valid two days, as `cert-NAME.pem` and `key-NAME.pem`.
    func selfSigned(subject: String, name: String, extra: [String]) throws -> SelfSignedCertificate {
        let certificate = "cert-\(name).pem", key = "key-\(name).pem"
        try run(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2",
                 "-subj", subject] + extra + ["-keyout", key, "-out", certificate])
        return SelfSignedCertificate(certificatePEM: try read(certificate), keyPEM: try read(key))
    }

    func read(_ name: String) throws -> String {
        try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
    }

    func write(_ text: String, to name: String) throws {
        try Data(text.utf8).write(to: directory.appendingPathComponent(name))
    }
}
