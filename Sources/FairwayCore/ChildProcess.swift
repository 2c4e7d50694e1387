import Dispatch
import Foundation

/// Runs a program to completion off the cooperative thread pool and collects what it wrote:
/// exit status, standard output and standard error, both read concurrently so a chatty child can
/// never block on a full pipe. A deadline terminates the child (SIGTERM, then SIGKILL after a grace
/// period). Used for helm, exec credential plugins, ssh-keygen and gpg.
public enum ChildProcess {
    /// What a finished program left behind.
    public struct Outcome: Sendable, CustomStringConvertible {
        public var status: Int32
        public var stdout: [UInt8]
        public var stderr: [UInt8]
        /// True when the deadline passed and the child was terminated.
        public var timedOut: Bool

        public var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
        public var stderrText: String { String(decoding: stderr, as: UTF8.self) }

        public var description: String { "exit \(status)\(timedOut ? " (timed out)" : "")" }
    }

    /// Why a program could not be started.
    public struct LaunchError: Error, Sendable, CustomStringConvertible {
        public let executable: String
        public let reason: String
        public var description: String { "cannot run \(executable): \(reason)" }
    }

    /// Runs `executable` (a path, or a name looked up on PATH) with `arguments`.
    ///
    /// - Parameters:
    ///   - environment: the child's whole environment; nil inherits this process's.
    ///   - input: bytes written to the child's standard input, which is then closed.
    ///   - timeout: seconds before the child is terminated; nil waits for ever.
    public static func run(_ executable: String, _ arguments: [String], environment: [String: String]? = nil,
                           input: [UInt8]? = nil, workingDirectory: String? = nil,
                           timeout: Double? = nil) async throws(LaunchError) -> Outcome {
        try await Blocking.run {
            runBlocking(executable, arguments, environment: environment, input: input, workingDirectory: workingDirectory, timeout: timeout)
        }.get()
    }

    /// The blocking form, for callers already off the cooperative pool.
    public static func runBlocking(_ executable: String, _ arguments: [String], environment: [String: String]? = nil,
                                   input: [UInt8]? = nil, workingDirectory: String? = nil,
                                   timeout: Double? = nil) -> Result<Outcome, LaunchError> {
        let process = Process()
        if executable.contains("/") {
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = arguments
        } else {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = [executable] + arguments
        }
        if let environment { process.environment = environment }
        if let workingDirectory { process.currentDirectoryURL = URL(fileURLWithPath: workingDirectory) }
        let stdoutPipe = Pipe(), stderrPipe = Pipe()
        process.standardOutput = stdoutPipe
        process.standardError = stderrPipe
        let stdinPipe: Pipe? = input == nil ? nil : Pipe()
        process.standardInput = stdinPipe ?? FileHandle.nullDevice
        // The child inherits the launching thread's signal mask, and Dispatch's threads block nearly every
        // signal: unblock them around the spawn, or the child could never be stopped with SIGTERM or SIGINT.
        var unblocked = sigset_t(), saved = sigset_t()
        sigemptyset(&unblocked)
        pthread_sigmask(SIG_SETMASK, &unblocked, &saved)
        do {
            try process.run()
            pthread_sigmask(SIG_SETMASK, &saved, nil)
        } catch {
            pthread_sigmask(SIG_SETMASK, &saved, nil)
            return .failure(LaunchError(executable: executable, reason: error.localizedDescription))
        }
        let readers = DispatchGroup()
        let collected = Collected()
        for (pipe, isStdout) in [(stdoutPipe, true), (stderrPipe, false)] {
            readers.enter()
            DispatchQueue.global().async {
                let data = pipe.fileHandleForReading.readDataToEndOfFile()
                collected.store(Array(data), stdout: isStdout)
                readers.leave()
            }
        }
        if let stdinPipe, let input {
            DispatchQueue.global().async {
                // A child that exits without reading gets EPIPE here; ignore it (SIGPIPE is ignored by the runtime).
                try? stdinPipe.fileHandleForWriting.write(contentsOf: input)
                try? stdinPipe.fileHandleForWriting.close()
            }
        }
        var timedOut = false
        if let timeout {
            let exited = DispatchSemaphore(value: 0)
            DispatchQueue.global().async {
                process.waitUntilExit()
                exited.signal()
            }
            if exited.wait(timeout: .now() + timeout) == .timedOut {
                timedOut = true
                process.terminate()
                if exited.wait(timeout: .now() + 2) == .timedOut {
                    kill(process.processIdentifier, SIGKILL)
                    exited.wait()
                }
            }
        } else {
            process.waitUntilExit()
        }
        readers.wait()
        return .success(Outcome(status: process.terminationStatus, stdout: collected.stdout, stderr: collected.stderr,
                                timedOut: timedOut))
    }

    /// The two output streams, filled by two reader threads.
    private final class Collected: @unchecked Sendable {
        private let lock = NSLock()
        private(set) var stdout: [UInt8] = []
        private(set) var stderr: [UInt8] = []

        func store(_ bytes: [UInt8], stdout isStdout: Bool) {
            lock.lock()
            defer { lock.unlock() }
            if isStdout { stdout = bytes } else { stderr = bytes }
        }
    }
}
