import CLibGit2
import FairwayCore
import Foundation

/// How commit signatures are checked: SSH signatures against an allowed-signers file (as
/// `gpg.ssh.allowedSignersFile` in Git), or OpenPGP signatures against a GPG keyring.
public enum SignaturePolicy: Sendable {
    case sshAllowedSigners(String)
    case gpgKeyring(String)
}

/// Verifies a commit's signature with the system's own tools (`ssh-keygen -Y verify`, `gpgv`), so
/// Fairway trusts exactly what Git would. Unsigned commits and bad signatures are refused.
struct SignatureVerifier {
    let policy: SignaturePolicy

    func verify(commit id: git_oid, in repository: GitRepository) throws(GitError) {
        var oid = id
        var signature = git_buf()
        var payload = git_buf()
        defer {
            git_buf_dispose(&signature)
            git_buf_dispose(&payload)
        }
        let result = git_commit_extract_signature(&signature, &payload, repository.pointer, &oid, nil)
        guard result == 0, let signatureBytes = signature.ptr, let payloadBytes = payload.ptr else {
            throw GitError(.signature, "commit \(id.hex) is not signed; signatures are required (--verify-signatures)")
        }
        let signatureText = String(cString: signatureBytes)
        let signed = Data(bytes: payloadBytes, count: payload.size)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("fairway-sig-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try Data(signatureText.utf8).write(to: directory.appendingPathComponent("commit.sig"))
            try signed.write(to: directory.appendingPathComponent("commit.payload"))
        } catch {
            throw GitError(.signature, "cannot prepare the signature check: \(error.localizedDescription)")
        }
        let sigPath = directory.appendingPathComponent("commit.sig").path
        let payloadPath = directory.appendingPathComponent("commit.payload").path
        switch policy {
        case let .sshAllowedSigners(allowed):
            guard signatureText.hasPrefix("-----BEGIN SSH SIGNATURE-----") else {
                throw GitError(.signature, "commit \(id.hex) is not signed with an SSH key")
            }
            let principals = try Tool.run("ssh-keygen", ["-Y", "find-principals", "-s", sigPath, "-f", allowed])
            guard principals.status == 0, let principal = principals.stdoutText.split(separator: "\n").first else {
                throw GitError(.signature, "commit \(id.hex) is signed by a key that is not in \(allowed)")
            }
            let check = try Tool.run("ssh-keygen", ["-Y", "verify", "-f", allowed, "-I", String(principal), "-n", "git",
                                                    "-s", sigPath], input: payloadPath)
            guard check.status == 0 else {
                throw GitError(.signature, "the signature of commit \(id.hex) does not verify against \(allowed)")
            }
        case let .gpgKeyring(keyring):
            let absolute = URL(fileURLWithPath: keyring).path
            let check = try Tool.run("gpgv", ["--keyring", absolute, sigPath, payloadPath])
            guard check.status == 0 else {
                throw GitError(.signature, "the signature of commit \(id.hex) does not verify against the keyring \(keyring)")
            }
        }
    }
}

/// Runs the system's verification tools through the shared process runner.
enum Tool {
    /// Runs `name` (looked up on PATH) with the file at `input` on standard input.
    static func run(_ name: String, _ arguments: [String], input: String? = nil) throws(GitError) -> ChildProcess.Outcome {
        let bytes = input.flatMap { FileManager.default.contents(atPath: $0) }.map { Array($0) }
        switch ChildProcess.runBlocking(name, arguments, input: bytes, timeout: 60) {
        case let .success(outcome): return outcome
        case let .failure(error): throw GitError(.unsupported, error.description)
        }
    }
}
