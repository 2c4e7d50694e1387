import Foundation

/// A value that must never be shown: its description is always `<redacted>`.
public struct Secret: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    let value: String

    public init(_ value: String) { self.value = value }

    public var description: String { "<redacted>" }
    public var debugDescription: String { "<redacted>" }
}

/// How Fairway authenticates to a Git server, and what it trusts. Read from environment variables or
/// files, never from the command line (where other users of the machine could see them).
///
/// | variable | meaning |
/// |---|---|
/// | `FAIRWAY_GIT_USERNAME` | user for HTTP basic auth (default `git`) |
/// | `FAIRWAY_GIT_PASSWORD` / `FAIRWAY_GIT_PASSWORD_FILE` | password for HTTP basic auth |
/// | `FAIRWAY_GIT_TOKEN` / `FAIRWAY_GIT_TOKEN_FILE` | access token (sent as the basic-auth password) |
/// | `FAIRWAY_GIT_SSH_KEY` | private key file for `ssh://` (its `.pub` beside it is used when present) |
/// | `FAIRWAY_GIT_SSH_KEY_PASSPHRASE_FILE` | passphrase of the key |
/// | `FAIRWAY_GIT_KNOWN_HOSTS` | known_hosts file; unknown SSH host keys are refused |
/// | `FAIRWAY_GIT_CA_BUNDLE` | PEM file of CA certificates trusted for `https://` |
public struct GitCredentials: Sendable {
    public var username: String?
    public var password: Secret?
    public var sshPrivateKey: String?
    public var sshPublicKey: String?
    public var sshPassphrase: Secret?
    public var knownHosts: String?
    public var caBundle: String?

    public init(username: String? = nil, password: Secret? = nil, sshPrivateKey: String? = nil,
                sshPublicKey: String? = nil, sshPassphrase: Secret? = nil, knownHosts: String? = nil,
                caBundle: String? = nil) {
        self.username = username
        self.password = password
        self.sshPrivateKey = sshPrivateKey
        self.sshPublicKey = sshPublicKey
        self.sshPassphrase = sshPassphrase
        self.knownHosts = knownHosts
        self.caBundle = caBundle
    }

    /// Credentials from the environment as the table above says; a named file that cannot be read is an error.
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment)
        throws(GitError) -> GitCredentials
    {
        func secret(_ name: String) throws(GitError) -> Secret? {
            if let value = environment[name], !value.isEmpty { return Secret(value) }
            guard let file = environment["\(name)_FILE"], !file.isEmpty else { return nil }
            guard let data = FileManager.default.contents(atPath: file) else {
                throw GitError(.authentication, "\(name)_FILE names \(file), which cannot be read")
            }
            return Secret(String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
        }
        var credentials = GitCredentials()
        credentials.username = environment["FAIRWAY_GIT_USERNAME"].flatMap { $0.isEmpty ? nil : $0 }
        let token = try secret("FAIRWAY_GIT_TOKEN")
        let password = try secret("FAIRWAY_GIT_PASSWORD")
        credentials.password = token ?? password
        if let key = environment["FAIRWAY_GIT_SSH_KEY"], !key.isEmpty {
            guard FileManager.default.isReadableFile(atPath: key) else {
                throw GitError(.authentication, "FAIRWAY_GIT_SSH_KEY names \(key), which cannot be read")
            }
            credentials.sshPrivateKey = key
            if FileManager.default.isReadableFile(atPath: key + ".pub") { credentials.sshPublicKey = key + ".pub" }
        }
        if let passphraseFile = environment["FAIRWAY_GIT_SSH_KEY_PASSPHRASE_FILE"], !passphraseFile.isEmpty {
            credentials.sshPassphrase = try secret("FAIRWAY_GIT_SSH_KEY_PASSPHRASE")
        }
        credentials.knownHosts = environment["FAIRWAY_GIT_KNOWN_HOSTS"].flatMap { $0.isEmpty ? nil : $0 }
        credentials.caBundle = environment["FAIRWAY_GIT_CA_BUNDLE"].flatMap { $0.isEmpty ? nil : $0 }
        return credentials
    }
}
