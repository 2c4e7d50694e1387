import Dispatch
import Foundation

/// Runs a program to completion on threads of its own (`Blocking`) and collects what it wrote:
/// exit status, standard output and standard error, both read concurrently so a chatty child can
/// never block on a full pipe. A deadline terminates the child (SIGTERM, then SIGKILL after a grace
/// period), and so does cancelling the calling task: a shutdown never waits on a hung child.
/// Used for helm, exec credential plugins, ssh-keygen and gpg.
public enum ChildProcess {
    /// What a finished program left behind.
    public struct Outcome: Sendable, CustomStringConvertible {
        public var status: Int32
        public var stdout: [UInt8]
        public var stderr: [UInt8]
        /// True when the deadline passed and the child was terminated.
        public var timedOut: Bool
        /// True when the calling task was cancelled and the child was terminated (or never started).
        public var cancelled = false

        public var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
        public var stderrText: String { String(decoding: stderr, as: UTF8.self) }

        public var description: String { "exit \(status)\(timedOut ? " (timed out)" : cancelled ? " (cancelled)" : "")" }
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
    ///   - timeout: seconds before the child is terminated; nil waits for ever (or until the
    ///     calling task is cancelled).
    public static func run(_ executable: String, _ arguments: [String], environment: [String: String]? = nil,
                           input: [UInt8]? = nil, workingDirectory: String? = nil,
                           timeout: Double? = nil) async throws(LaunchError) -> Outcome {
        let cancellation = Cancellation()
        let result = await withTaskCancellationHandler {
            await Blocking.run {
                runBlocking(executable, arguments, environment: environment, input: input, workingDirectory: workingDirectory,
                            timeout: timeout, cancellation: cancellation)
            }
        } onCancel: {
            cancellation.cancel()
        }
        return try result.get()
    }

    /// The blocking form, for callers already off the cooperative pool.
    public static func runBlocking(_ executable: String, _ arguments: [String], environment: [String: String]? = nil,
                                   input: [UInt8]? = nil, workingDirectory: String? = nil,
                                   timeout: Double? = nil) -> Result<Outcome, LaunchError> {
        runBlocking(executable, arguments, environment: environment, input: input, workingDirectory: workingDirectory,
                    timeout: timeout, cancellation: Cancellation())
    }

    private static func runBlocking(_ executable: String, _ arguments: [String], environment: [String: String]?,
                                    input: [UInt8]?, workingDirectory: String?, timeout: Double?,
                                    cancellation: Cancellation) -> Result<Outcome, LaunchError> {
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
        // Signalled once, when the child has exited (Foundation's own monitor calls the handler); no
        // thread runs a run loop to wait for it.
        let exited = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in exited.signal() }
        // The child inherits the launching thread's signal mask, and Dispatch's threads block nearly every
        // signal: unblock them around the spawn, or the child could never be stopped with SIGTERM or SIGINT.
        var unblocked = sigset_t(), saved = sigset_t()
        sigemptyset(&unblocked)
        pthread_sigmask(SIG_SETMASK, &unblocked, &saved)
        do {
            guard try cancellation.launch({ try process.run() }) else {
                pthread_sigmask(SIG_SETMASK, &saved, nil)
                return .success(Outcome(status: SIGTERM, stdout: [], stderr: [], timedOut: false, cancelled: true))
            }
            pthread_sigmask(SIG_SETMASK, &saved, nil)
        } catch {
            pthread_sigmask(SIG_SETMASK, &saved, nil)
            return .failure(LaunchError(executable: executable, reason: error.localizedDescription))
        }
        let readers = DispatchGroup()
        let collected = Collected()
        for (pipe, isStdout) in [(stdoutPipe, true), (stderrPipe, false)] {
            readers.enter()
            Blocking.detach {
                let data = pipe.fileHandleForReading.readDataToEndOfFile()
                collected.store(Array(data), stdout: isStdout)
                readers.leave()
            }
        }
        if let stdinPipe, let input {
            Blocking.detach {
                // A child that exits without reading gets EPIPE here; ignore it (SIGPIPE is ignored by the runtime).
                try? stdinPipe.fileHandleForWriting.write(contentsOf: input)
                try? stdinPipe.fileHandleForWriting.close()
            }
        }
        var timedOut = false
        cancellation.onCancel = { terminate(process, exited: exited) }
        if let timeout {
            if exited.wait(timeout: .now() + timeout) == .timedOut {
                timedOut = true
                terminate(process, exited: exited)
                exited.wait()
            }
        } else {
            exited.wait()
        }
        exited.signal()
        readers.wait()
        return .success(Outcome(status: process.terminationStatus, stdout: collected.stdout, stderr: collected.stderr,
                                timedOut: timedOut, cancelled: cancellation.isCancelled))
    }

    /// SIGTERM, then SIGKILL when the child has not exited two seconds later. `exited` is signalled
    /// again for whoever waits on it (each waiter takes one signal, and the exit signals once).
    private static func terminate(_ process: Process, exited: DispatchSemaphore) {
        guard process.isRunning else { return }
        process.terminate()
        if exited.wait(timeout: .now() + 2) == .timedOut {
            kill(process.processIdentifier, SIGKILL)
            exited.wait()
        }
        exited.signal()
    }

    /// The link between a cancelled task and its child: cancelling before the launch keeps the child
    /// from starting; cancelling after it terminates the child.
    final class Cancellation: @unchecked Sendable {
        private let lock = NSLock()
        private var cancelled = false
        private var handler: (@Sendable () -> Void)?

        var isCancelled: Bool { lock.withLock { cancelled } }

        /// Set once the child runs; called at once when the task was already cancelled.
        var onCancel: (@Sendable () -> Void)? {
            get { lock.withLock { handler } }
            set {
                let runNow = lock.withLock { () -> Bool in
                    handler = newValue
                    return cancelled
                }
                if runNow, let newValue { Blocking.detach(newValue) }
            }
        }

        /// Runs `start` unless cancelled already; false when it did not run.
        func launch(_ start: () throws -> Void) rethrows -> Bool {
            try lock.withLock {
                guard !cancelled else { return false }
                try start()
                return true
            }
        }

        func cancel() {
            let handler = lock.withLock { () -> (@Sendable () -> Void)? in
                cancelled = true
                return self.handler
            }
            if let handler { Blocking.detach(handler) }
        }
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
