import ArgumentParser
import FairwayAgent
import FairwayCore
import FairwayPipeline
import FairwaySource

/// Where the platform repository comes from: a directory (PATH), or a Git repository (`--repo URL
/// --ref REF`) fetched into a local cache with libgit2. Credentials come from the environment
/// (FAIRWAY_GIT_TOKEN, FAIRWAY_GIT_PASSWORD, FAIRWAY_GIT_SSH_KEY, ...; see the README), never from flags.
struct SourceOptions: ParsableArguments {
    @Argument(help: "Platform repository directory (default: the current directory).")
    var path: String?

    @Option(name: .long, help: "Git URL of the platform repository (file://, git://, http(s)://, ssh://) instead of PATH.")
    var repo: String?

    @Option(name: .long, help: "Branch, tag, commit SHA (full or short) or ref such as refs/pull/7/head (default: the remote's HEAD).")
    var ref: String?

    @Option(name: .long, help: "Directory of cached clones.")
    var cache: String = ".fairway/cache"

    @Option(name: .long, help: "Seconds a fetch may take before it is abandoned.")
    var fetchTimeout: Int = 60

    @Flag(name: .long, help: "Refuse commits that are unsigned or not signed by a trusted key.")
    var verifySignatures = false

    @Option(name: .long, help: "SSH allowed-signers file for --verify-signatures.")
    var allowedSigners: String?

    @Option(name: .long, help: "GPG keyring for --verify-signatures.")
    var gpgKeyring: String?

    func validate() throws {
        if path != nil && repo != nil { throw ValidationError("give PATH or --repo, not both") }
        if repo == nil && ref != nil { throw ValidationError("--ref needs --repo") }
        if repo == nil && verifySignatures { throw ValidationError("--verify-signatures needs --repo") }
        if verifySignatures && (allowedSigners == nil) == (gpgKeyring == nil) {
            throw ValidationError("--verify-signatures needs exactly one of --allowed-signers or --gpg-keyring")
        }
        if fetchTimeout <= 0 { throw ValidationError("--fetch-timeout must be positive") }
    }

    var signaturePolicy: SignaturePolicy? {
        guard verifySignatures else { return nil }
        if let allowedSigners { return .sshAllowedSigners(allowedSigners) }
        return gpgKeyring.map { .gpgKeyring($0) }
    }

    /// Reads the platform files; a Git source says when it is stale or was force-pushed.
    func snapshot(ref override: String? = nil) throws(PipelineError) -> SourceSnapshot {
        guard let repo else { return try Pipeline().readDirectory(path ?? ".") }
        do {
            let credentials = try GitCredentials.fromEnvironment()
            let cache = GitCache(root: cache)
            let fetched = try cache.fetch(url: repo, ref: override ?? ref, credentials: credentials,
                                          timeout: .seconds(fetchTimeout)).get()
            var snapshot = try cache.snapshot(url: repo, commit: fetched.commit, signatures: signaturePolicy).get()
            snapshot.diagnostics += fetched.diagnostics
            return snapshot
        } catch {
            throw PipelineError("\(error.message) [\(error.code.rawValue)]")
        }
    }
}

