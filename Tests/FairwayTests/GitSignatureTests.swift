import Foundation
import Testing
import FairwaySource

/// `--verify-signatures`: signed commits are read, unsigned or untrusted ones refused before anything
/// is parsed or rendered.
@Suite(.serialized) struct GitSignatureTests {
    static func tool(_ arguments: [String], environment: [String: String] = [:]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        for (k, v) in environment { env[k] = v }
        process.environment = env
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw TestRepoError("\(arguments.joined(separator: " ")) failed") }
    }

    func snapshot(_ fixture: GitFixture, _ policy: SignaturePolicy) throws -> Result<SourceSnapshot, GitError> {
        try fixture.push()
        let outcome = try fixture.fetch("main").get()
        return fixture.cache.snapshot(url: fixture.url, commit: outcome.commit, signatures: policy)
    }

    @Test func sshSignatures() throws {
        let fixture = try GitFixture()
        defer { fixture.remove() }
        let key = fixture.root.appendingPathComponent("signer").path
        let stranger = fixture.root.appendingPathComponent("stranger").path
        try Self.tool(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "signer", "-f", key])
        try Self.tool(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "stranger", "-f", stranger])
        let publicKey = try String(contentsOfFile: key + ".pub", encoding: .utf8)
        let allowed = fixture.root.appendingPathComponent("allowed_signers")
        try Data("test@example.com \(publicKey)".utf8).write(to: allowed)
        let policy = SignaturePolicy.sshAllowedSigners(allowed.path)

        // The template commit is unsigned.
        guard case let .failure(unsigned) = try snapshot(fixture, policy) else { Issue.record("unsigned accepted"); return }
        #expect(unsigned.code == .signature)
        #expect(unsigned.message.contains("is not signed"))

        try GitCLI.run(["config", "gpg.format", "ssh"], in: fixture.work)
        try GitCLI.run(["config", "user.signingkey", key], in: fixture.work)
        try fixture.commitAll("signed", extra: ["-S"])
        let signed = try snapshot(fixture, policy).get()
        #expect(signed.files.count > 10)

        try GitCLI.run(["config", "user.signingkey", stranger], in: fixture.work)
        try fixture.commitAll("signed by a stranger", extra: ["-S"])
        guard case let .failure(untrusted) = try snapshot(fixture, policy) else { Issue.record("stranger accepted"); return }
        #expect(untrusted.code == .signature)
        #expect(untrusted.message.contains("not in"))
    }

    @Test func gpgSignatures() throws {
        let fixture = try GitFixture()
        defer { fixture.remove() }
        let home = fixture.root.appendingPathComponent("gnupg")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        let env = ["GNUPGHOME": home.path]
        try Self.tool(["gpg", "--batch", "--pinentry-mode", "loopback", "--passphrase", "", "--quick-gen-key",
                       "Test <test@example.com>", "ed25519", "sign", "never"], environment: env)
        let keyring = fixture.root.appendingPathComponent("trusted.gpg")
        try Self.tool(["sh", "-c", "gpg --export > '\(keyring.path)'"], environment: env)
        let policy = SignaturePolicy.gpgKeyring(keyring.path)

        guard case .failure = try snapshot(fixture, policy) else { Issue.record("unsigned accepted"); return }
        try GitCLI.run(["config", "user.signingkey", "test@example.com"], in: fixture.work)
        try GitCLI.run(["add", "-A"], in: fixture.work)
        try GitCLI.run(["commit", "-q", "--allow-empty", "-S", "-m", "gpg signed"], in: fixture.work, environment: env)
        #expect(try snapshot(fixture, policy).get().files.count > 10)

        // A keyring without the signer's key refuses the same commit.
        let empty = fixture.root.appendingPathComponent("empty.gpg")
        try Data().write(to: empty)
        guard case let .failure(error) = try snapshot(fixture, .gpgKeyring(empty.path)) else {
            Issue.record("untrusted key accepted")
            return
        }
        #expect(error.code == .signature)
    }
}
