import CLibGit2
import FairwayCore
import Foundation
import Synchronization

/// What libgit2's callbacks need during one network operation: credentials, trusted host keys,
/// the deadline and the cancel flag. Passed to C as the callbacks' payload; a callback that refuses
/// records why, so the error says more than libgit2's generic message.
final class GitCallbackContext: @unchecked Sendable {
    let credentials: GitCredentials
    let knownHosts: KnownHosts?
    let port: Int?
    let deadline: ContinuousClock.Instant
    private let cancelled = Atomic<Bool>(false)
    private let lock = NSLock()
    private var _refusal: GitError?
    private var _credentialAttempts = 0

    init(credentials: GitCredentials, url: String, timeout: Duration) throws(GitError) {
        self.credentials = credentials
        knownHosts = try credentials.knownHosts.map { path throws(GitError) in try KnownHosts(path: path) }
        port = URLComponents(string: url)?.port
        deadline = .now + timeout
    }

    func cancel() { cancelled.store(true, ordering: .relaxed) }

    /// Why a callback stopped the operation, if one did.
    var refusal: GitError? {
        lock.lock()
        defer { lock.unlock() }
        return _refusal
    }

    /// Records the reason and tells libgit2 (so `git_error_last` is not a stale, unrelated error).
    func refuse(_ error: GitError) -> Int32 {
        lock.lock()
        if _refusal == nil { _refusal = error }
        lock.unlock()
        git_error_set_str(Int32(GIT_ERROR_CALLBACK.rawValue), error.message)
        return GIT_EUSER.rawValue
    }

    /// Non-zero (stop) when the deadline passed or the operation was cancelled.
    func checkContinue() -> Int32 {
        if cancelled.load(ordering: .relaxed) { return refuse(GitError(.cancelled, "the operation was cancelled")) }
        if ContinuousClock.now > deadline { return refuse(GitError(.timeout, "the operation ran past its deadline")) }
        return 0
    }

    func nextCredentialAttempt() -> Int {
        lock.lock()
        defer { lock.unlock() }
        _credentialAttempts += 1
        return _credentialAttempts
    }

    static func from(_ payload: UnsafeMutableRawPointer?) -> GitCallbackContext? {
        payload.map { Unmanaged<GitCallbackContext>.fromOpaque($0).takeUnretainedValue() }
    }
}

/// Installs Fairway's callbacks on libgit2's remote callbacks structure.
enum GitCallbacks {
    static func install(_ callbacks: inout git_remote_callbacks, context: GitCallbackContext) {
        callbacks.payload = Unmanaged.passUnretained(context).toOpaque()
        callbacks.credentials = { out, _, usernameFromURL, allowedTypes, payload in
            guard let context = GitCallbackContext.from(payload), let out else { return GIT_EUSER.rawValue }
            // libgit2 asks again after every rejection; one try per operation, then a clear error.
            if context.nextCredentialAttempt() > 1 {
                return context.refuse(GitError(.authentication, "the server rejected the credentials"))
            }
            let credentials = context.credentials
            let user = usernameFromURL.map { String(cString: $0) } ?? credentials.username ?? "git"
            if allowedTypes & GIT_CREDENTIAL_SSH_KEY.rawValue != 0, let key = credentials.sshPrivateKey {
                return git_credential_ssh_key_new(out, user, credentials.sshPublicKey, key, credentials.sshPassphrase?.value)
            }
            if allowedTypes & GIT_CREDENTIAL_USERPASS_PLAINTEXT.rawValue != 0, let password = credentials.password {
                return git_credential_userpass_plaintext_new(out, credentials.username ?? "git", password.value)
            }
            return context.refuse(GitError(.authentication, "the server asks for credentials and none are configured (FAIRWAY_GIT_TOKEN, FAIRWAY_GIT_PASSWORD or FAIRWAY_GIT_SSH_KEY)"))
        }
        callbacks.certificate_check = { cert, valid, host, payload in
            guard let context = GitCallbackContext.from(payload), let cert else { return GIT_EUSER.rawValue }
            let hostName = host.map { String(cString: $0) } ?? ""
            if cert.pointee.cert_type == GIT_CERT_HOSTKEY_LIBSSH2 {
                let hostkey = UnsafeRawPointer(cert).assumingMemoryBound(to: git_cert_hostkey.self).pointee
                guard let knownHosts = context.knownHosts else {
                    return context.refuse(GitError(.certificate, "\(hostName) is an SSH host whose key cannot be checked: set FAIRWAY_GIT_KNOWN_HOSTS"))
                }
                guard let raw = hostkey.hostkey, hostkey.hostkey_len > 0 else {
                    return context.refuse(GitError(.certificate, "\(hostName) sent no host key"))
                }
                let key = Data(bytes: raw, count: hostkey.hostkey_len)
                return knownHosts.accepts(host: hostName, port: context.port, hostKey: key)
                    ? 0 : context.refuse(GitError(.certificate, "the SSH host key of \(hostName) is not in the known_hosts file"))
            }
            return valid != 0 ? 0 : context.refuse(GitError(.certificate, "the TLS certificate of \(hostName) is not trusted (set FAIRWAY_GIT_CA_BUNDLE for a private CA)"))
        }
        callbacks.transfer_progress = { _, payload in
            GitCallbackContext.from(payload)?.checkContinue() ?? 0
        }
        callbacks.sideband_progress = { _, _, payload in
            GitCallbackContext.from(payload)?.checkContinue() ?? 0
        }
    }
}

/// Runs blocking libgit2 work on a dedicated thread, never on Swift's cooperative pool, and gives up
/// at the deadline: the operation is cancelled through its callbacks and, should libgit2 be stuck
/// in a read where no callback runs, the caller gets a timeout at once and the thread is left to end.
enum GitWorker {
    private final class Box<T>: @unchecked Sendable {
        var value: Result<T, GitError>?
    }

    static func run<T: Sendable>(timeout: Duration, context: GitCallbackContext?,
                                 _ body: @escaping @Sendable () -> Result<T, GitError>) -> Result<T, GitError> {
        let box = Box<T>()
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            box.value = body()
            done.signal()
        }
        thread.stackSize = 8 << 20
        thread.start()
        let seconds = timeout.seconds
        if done.wait(timeout: .now() + seconds) == .timedOut {
            context?.cancel()
            if done.wait(timeout: .now() + 1) == .timedOut {
                return .failure(GitError(.timeout, "no answer within \(Int(seconds)) s; the operation was abandoned"))
            }
        }
        return box.value ?? .failure(GitError(.failed, "the Git operation ended without a result"))
    }
}
