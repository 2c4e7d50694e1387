import Crypto
import FairwayCore
import Foundation
import Testing

/// `git daemon` on 127.0.0.1 serving one bare repository (pushed to through its path), and a
/// working clone to commit in.
final class GitDaemon: @unchecked Sendable {
    let process = Process()
    let port: Int
    let bare: String
    let work: String

    var url: String { "git://127.0.0.1:\(port)/platform.git" }

    /// Serves `template` as the first commit of `main`.
    init(template: String, in directory: URL) async throws {
        port = Ports.free()
        let base = directory.appendingPathComponent("git").path
        bare = base + "/platform.git"
        work = directory.appendingPathComponent("work").path
        try FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: template, toPath: work)
        try await Self.git(["init", "-q", "-b", "main"], in: work)
        try await Self.git(["init", "-q", "--bare", "-b", "main", bare], in: base)
        try await Self.git(["remote", "add", "origin", bare], in: work)
        // git-daemon itself, not the `git daemon` wrapper, which does not pass SIGTERM on to it.
        let execPath = try await ChildProcess.run("/usr/bin/git", ["--exec-path"], timeout: 30).stdoutText
        process.executableURL = URL(fileURLWithPath: execPath.trimmingCharacters(in: .whitespacesAndNewlines) + "/git-daemon")
        process.arguments = ["--reuseaddr", "--export-all", "--base-path=\(base)", "--listen=127.0.0.1", "--port=\(port)", base]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let started = ContinuousClock.now
        while !Ports.isListening(port) {
            guard process.isRunning, ContinuousClock.now - started < .seconds(30) else { throw TestFailure("git daemon did not start") }
            try await Task.sleep(for: .milliseconds(50))
        }
        _ = try await commit("The platform")
    }

    static func git(_ arguments: [String], in directory: String) async throws {
        let outcome = try await ChildProcess.run("/usr/bin/git", ["-c", "user.name=Fairway Test", "-c", "user.email=test@fairway.dev"] + arguments,
                                                 workingDirectory: directory, timeout: 60)
        try #require(outcome.status == 0, "git \(arguments.joined(separator: " ")): \(outcome.stderrText)")
    }

    /// Edits a file of the working clone (`old` must be in it).
    func edit(_ file: String, _ old: String, _ new: String) throws {
        let path = "\(work)/\(file)"
        let text = try String(contentsOfFile: path, encoding: .utf8)
        try #require(text.contains(old), "\(old) not in \(file)")
        try text.replacingOccurrences(of: old, with: new).write(toFile: path, atomically: true, encoding: .utf8)
    }

    func write(_ file: String, _ text: String) throws { try text.write(toFile: "\(work)/\(file)", atomically: true, encoding: .utf8) }

    func remove(_ file: String) throws { try FileManager.default.removeItem(atPath: "\(work)/\(file)") }

    /// Commits everything and pushes `main`; returns the commit id.
    func commit(_ message: String) async throws -> String {
        try await Self.git(["add", "-A"], in: work)
        try await Self.git(["commit", "-q", "-m", message], in: work)
        try await Self.git(["push", "-q", "origin", "main"], in: work)
        return try await head()
    }

    /// The commit `main` points at.
    func head() async throws -> String {
        let head = try await ChildProcess.run("/usr/bin/git", ["rev-parse", "HEAD"], workingDirectory: work, timeout: 30)
        return head.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func stop() {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }
}

/// A `fairway sync` process; its log (JSON lines) goes to a file for the test to read on failure.
final class AgentProcess: @unchecked Sendable {
    let process = Process()
    let port: Int
    let identity: String
    let log: String

    /// Starts `fairway sync` with `arguments`, listening on `port` (default: a free one).
    init(_ arguments: [String], identity: String, environment: [String: String], directory: URL, port: Int? = nil) throws {
        self.port = port ?? Ports.free()
        self.identity = identity
        log = directory.appendingPathComponent("\(identity).log").path
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        process.executableURL = Paths.binaries.appendingPathComponent("fairway")
        process.arguments = ["sync"] + arguments + ["--identity", identity, "--listen", "127.0.0.1:\(self.port)"]
        process.environment = environment
        process.standardOutput = FileHandle.nullDevice
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        try process.run()
    }

    var logText: String { (try? String(contentsOfFile: log, encoding: .utf8)) ?? "" }

    /// Sends `signal` (SIGTERM for a graceful stop, SIGKILL for a crash) and waits for the exit.
    @discardableResult
    func stop(_ signal: Int32 = SIGTERM) async -> Int32 {
        if process.isRunning { kill(process.processIdentifier, signal) }
        while process.isRunning { try? await Task.sleep(for: .milliseconds(20)) }
        return process.terminationStatus
    }

    /// Sends `signal` and waits at most `bound` for the exit: the exit status and how long it took,
    /// or nil when the process was still running (it is then killed, so no test ever hangs on it).
    func stop(_ signal: Int32, within bound: Duration) async -> (status: Int32, after: Duration)? {
        let started = ContinuousClock.now
        if process.isRunning { kill(process.processIdentifier, signal) }
        while process.isRunning {
            guard ContinuousClock.now - started < bound else {
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
                return nil
            }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return (process.terminationStatus, ContinuousClock.now - started)
    }

    /// GET or POST one of the agent's endpoints; (status, body).
    func http(_ path: String, method: String = "GET", headers: [String: String] = [:], body: String? = nil) async throws -> (Int, String) {
        var arguments = ["-s", "-o", "-", "-w", "\n%{http_code}", "-X", method, "http://127.0.0.1:\(port)\(path)"]
        for (name, value) in headers { arguments += ["-H", "\(name): \(value)"] }
        if let body { arguments += ["--data-binary", body] }
        let outcome = try await ChildProcess.run("/usr/bin/curl", arguments, timeout: 30)
        let text = outcome.stdoutText
        guard let newline = text.lastIndex(of: "\n") else { return (0, text) }
        return (Int(text[text.index(after: newline)...]) ?? 0, String(text[..<newline]))
    }

    /// The value of an unlabelled or labelled sample in /metrics (`fairway_sync_runs_total{result="invalid",reason="invalid-repository"}`).
    func metric(_ sample: String) async throws -> Double? {
        let (_, text) = try await http("/metrics")
        for line in text.split(separator: "\n") where line.hasPrefix(sample + " ") {
            return Double(line.dropFirst(sample.count + 1))
        }
        return nil
    }
}

/// Waits, polling, until `condition` holds; returns how long it took, or fails with `what`.
@discardableResult
func eventually(_ what: String, timeout: Duration = .seconds(120), every: Duration = .milliseconds(250),
                _ condition: () async throws -> Bool) async throws -> Duration {
    let started = ContinuousClock.now
    while true {
        if try await condition() { return ContinuousClock.now - started }
        guard ContinuousClock.now - started < timeout else { throw TestFailure("timed out after \(timeout) waiting for \(what)") }
        try await Task.sleep(for: every)
    }
}

/// GitHub's signature of a webhook body.
func githubSignature(_ body: String, secret: String) -> String {
    let mac = HMAC<SHA256>.authenticationCode(for: Array(body.utf8), using: SymmetricKey(data: Array(secret.utf8)))
    return "sha256=" + mac.map { String(format: "%02x", $0) }.joined()
}
