import Foundation
import Testing
import FairwayCore
import FairwaySource

/// Real Git servers on 127.0.0.1, started by scripts/git-test-servers.py: git daemon, git
/// http-backend behind HTTP and HTTPS (a self-signed CA) with basic auth, and sshd with a key.
final class GitServers: @unchecked Sendable {
    let process = Process()
    let stdin = Pipe()
    let info: JSONValue

    init(repos: URL, work: URL) throws {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", RepoPaths.root.appendingPathComponent("scripts/git-test-servers.py").path,
                             "--repos", repos.path, "--work", work.path]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        process.standardInput = stdin
        try process.run()
        var line = Data()
        while true {
            let byte = out.fileHandleForReading.readData(ofLength: 1)
            if byte.isEmpty || byte == Data([0x0A]) { break }
            line.append(byte)
        }
        info = try JSONReader.parse(Array(line))
    }

    func url(_ transport: String) -> String { (info[transport]?.stringValue ?? "") + "platform.git" }
    func string(_ key: String) -> String? { info[key]?.stringValue }

    deinit {
        try? stdin.fileHandleForWriting.close()
        process.terminate()
        process.waitUntilExit()
    }
}

@Suite(.serialized) struct GitServerTests {
    static func withServers(_ body: (GitFixture, GitServers) throws -> Void) throws {
        let fixture = try GitFixture()
        defer { fixture.remove() }
        let servers = try GitServers(repos: fixture.root, work: fixture.root.appendingPathComponent("servers"))
        try body(fixture, servers)
    }

    static func fetch(_ fixture: GitFixture, _ url: String, _ credentials: GitCredentials,
                      timeout: Duration = .seconds(20)) -> Result<GitFetchOutcome, GitError> {
        fixture.cache.fetch(url: url, ref: "main", credentials: credentials, timeout: timeout)
    }

    @Test func gitDaemon() throws {
        try Self.withServers { fixture, servers in
            let outcome = try Self.fetch(fixture, servers.url("git"), GitCredentials()).get()
            #expect(outcome.commit == (try GitCLI.run(["rev-parse", "HEAD"], in: fixture.work)))
        }
    }

    @Test func smartHTTPWithBasicAuth() throws {
        try Self.withServers { fixture, servers in
            let good = GitCredentials(username: servers.string("user"), password: Secret(servers.string("password") ?? ""))
            let outcome = try Self.fetch(fixture, servers.url("http"), good).get()
            #expect(!outcome.isStale)
            // Wrong credentials: a clear error, and the last good commit is kept, said to be stale.
            let wrong = GitCredentials(username: "fairway", password: Secret("wrong-password"))
            let stale = try Self.fetch(fixture, servers.url("http"), wrong).get()
            #expect(stale.isStale && stale.commit == outcome.commit)
            #expect(stale.staleBecause?.code == .authentication)
            #expect(stale.staleBecause?.message.contains("wrong-password") == false)
            // No good commit to fall back on: the error itself.
            let fresh = GitCache(root: fixture.root.appendingPathComponent("cache2").path)
            guard case let .failure(error) = fresh.fetch(url: servers.url("http"), ref: "main", credentials: GitCredentials()) else {
                Issue.record("expected a failure")
                return
            }
            #expect(error.code == .authentication)
            #expect(error.message.contains("none are configured"))
        }
    }

    @Test func httpsWithACustomCAAndAToken() throws {
        try Self.withServers { fixture, servers in
            let token = GitCredentials(password: Secret(servers.string("token") ?? ""), caBundle: servers.string("caFile"))
            let outcome = try Self.fetch(fixture, servers.url("https"), token).get()
            #expect(!outcome.isStale)
            let untrusted = GitCache(root: fixture.root.appendingPathComponent("cache3").path)
            guard case let .failure(error) = untrusted.fetch(
                url: servers.url("https"), ref: "main",
                credentials: GitCredentials(password: Secret("x"), caBundle: "/etc/ssl/certs/ca-certificates.crt")) else {
                Issue.record("expected a certificate failure")
                return
            }
            #expect(error.code == .certificate)
        }
    }

    @Test func sshWithAKeyAndKnownHosts() throws {
        guard GitLibrary.features.ssh else { return }
        try Self.withServers { fixture, servers in
            guard servers.string("sshError") == nil else {
                Issue.record("sshd did not start: \(servers.string("sshError") ?? "")")
                return
            }
            let url = (servers.string("ssh") ?? "") + "platform.git"
            let key = GitCredentials(sshPrivateKey: servers.string("sshKey"), sshPublicKey: servers.string("sshPublicKey"),
                                     knownHosts: servers.string("knownHosts"))
            let outcome = try Self.fetch(fixture, url, key).get()
            #expect(!outcome.isStale)
            // An unknown host key is refused.
            let other = GitCache(root: fixture.root.appendingPathComponent("cache4").path)
            let emptyKnownHosts = fixture.root.appendingPathComponent("empty_known_hosts")
            try Data().write(to: emptyKnownHosts)
            var unknown = key
            unknown.knownHosts = emptyKnownHosts.path
            guard case let .failure(error) = other.fetch(url: url, ref: "main", credentials: unknown) else {
                Issue.record("expected the host key to be refused")
                return
            }
            #expect(error.code == .certificate)
            #expect(error.message.contains("not in the known_hosts file"))
        }
    }

    @Test func unreachableHostFailsAtOnce() throws {
        let fixture = try GitFixture()
        defer { fixture.remove() }
        let start = ContinuousClock.now
        guard case let .failure(error) = Self.fetch(fixture, "git://127.0.0.1:9/platform.git", GitCredentials()) else {
            Issue.record("expected a failure")
            return
        }
        #expect(error.code == .unreachable)
        #expect(ContinuousClock.now - start < .seconds(5))
    }

    @Test func aServerThatNeverAnswersTimesOut() throws {
        let fixture = try GitFixture()
        defer { fixture.remove() }
        let listener = try SilentServer()
        let start = ContinuousClock.now
        guard case let .failure(error) = Self.fetch(fixture, "http://127.0.0.1:\(listener.port)/platform.git",
                                                    GitCredentials(), timeout: .seconds(2)) else {
            Issue.record("expected a timeout")
            return
        }
        #expect(error.code == .timeout)
        #expect(ContinuousClock.now - start < .seconds(5))
    }
}

/// A TCP server on 127.0.0.1 that accepts connections and never says anything.
final class SilentServer: @unchecked Sendable {
    let process = Process()
    let port: Int
    let stdin = Pipe()

    init() throws {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", """
            import socket, sys, threading
            s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(8)
            print(s.getsockname()[1], flush=True)
            held = []
            def accept():
                while True:
                    c, _ = s.accept(); held.append(c)
            threading.Thread(target=accept, daemon=True).start()
            sys.stdin.read()
            """]
        let out = Pipe()
        process.standardOutput = out
        process.standardInput = stdin
        try process.run()
        var line = Data()
        while true {
            let byte = out.fileHandleForReading.readData(ofLength: 1)
            if byte.isEmpty || byte == Data([0x0A]) { break }
            line.append(byte)
        }
        port = Int(String(decoding: line, as: UTF8.self)) ?? 0
    }

    deinit {
        try? stdin.fileHandleForWriting.close()
        process.terminate()
        process.waitUntilExit()
    }
}
