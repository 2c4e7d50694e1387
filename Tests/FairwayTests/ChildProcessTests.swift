import FairwayCore
import Foundation
import Testing

/// `ChildProcess` collects both streams, feeds standard input, and enforces its deadline; a
/// cancelled task terminates its child; waiting on children never starves Swift's tasks.
struct ChildProcessTests {
    @Test func cancellingTheTaskTerminatesTheChild() async throws {
        let pidFile = FileManager.default.temporaryDirectory.appendingPathComponent("child-\(UUID().uuidString).pid").path
        let started = ContinuousClock.now
        let task = Task { try await ChildProcess.run("sh", ["-c", "echo $$ > \(pidFile); exec sleep 600"]) }
        var pid: pid_t?
        // Generous bounds: other suites share the two cores.
        while pid == nil, ContinuousClock.now - started < .seconds(240) {
            try await Task.sleep(for: .milliseconds(20))
            pid = (try? String(contentsOfFile: pidFile, encoding: .utf8)).flatMap { pid_t($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        }
        let child = try #require(pid)
        task.cancel()
        let outcome = try await task.value
        #expect(outcome.cancelled && !outcome.timedOut && outcome.status == SIGTERM, "\(outcome)")
        #expect(ContinuousClock.now - started < .seconds(300), "the child's 600 s sleep was waited out")
        #expect(kill(child, 0) != 0, "the child is still running")
    }

    @Test func aTaskCancelledBeforeTheLaunchStartsNoChild() async throws {
        let marker = FileManager.default.temporaryDirectory.appendingPathComponent("child-\(UUID().uuidString)").path
        let task = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await ChildProcess.run("sh", ["-c", "touch \(marker)"])
        }
        let outcome = try await task.value
        #expect(outcome.cancelled)
        #expect(!FileManager.default.fileExists(atPath: marker))
    }

    /// More children waited on at once than there are cores: tasks still run meanwhile (the waits are
    /// on threads of their own, not on the pool Swift's tasks share): they finish while every child
    /// still runs.
    @Test func manyWaitingChildrenDoNotStarveTasks() async throws {
        let count = ProcessInfo.processInfo.activeProcessorCount * 4
        let finished = Locked(0)
        let children = (0..<count).map { _ in
            Task {
                defer { finished.withLock { $0 += 1 } }
                return try await ChildProcess.run("sleep", ["600"])
            }
        }
        let ticks = await withTaskGroup(of: Int.self) { group in
            for _ in 0..<4 { group.addTask { try? await Task.sleep(for: .milliseconds(100)); return 1 } }
            return await group.reduce(0, +)
        }
        #expect(ticks == 4)
        #expect(finished.withLock { $0 } == 0, "tasks waited for the children to end")
        for child in children { child.cancel() }
        for child in children { #expect(try await child.value.cancelled) }
    }

    @Test func collectsOutputAndStatus() async throws {
        let outcome = try await ChildProcess.run("sh", ["-c", "cat; echo err >&2; exit 3"], input: Array("hello".utf8))
        #expect(outcome.status == 3)
        #expect(outcome.stdoutText == "hello")
        #expect(outcome.stderrText == "err\n")
        #expect(!outcome.timedOut)
    }

    @Test func largeOutputOnBothStreamsDoesNotBlock() async throws {
        let outcome = try await ChildProcess.run("sh", ["-c", "head -c 300000 /dev/zero; head -c 300000 /dev/zero >&2"])
        #expect(outcome.stdout.count == 300_000)
        #expect(outcome.stderr.count == 300_000)
    }

    @Test func deadlineTerminatesTheChild() async throws {
        let outcome = try await ChildProcess.run("sleep", ["30"], timeout: 0.3)
        #expect(outcome.timedOut)
        #expect(outcome.status != 0)
    }

    /// Dispatch's threads block most signals and a spawned child inherits the mask: the runner must
    /// clear it, or helm or an exec plugin could never be stopped with SIGTERM.
    @Test func childStartsWithNoBlockedSignals() async throws {
        let outcome = try await ChildProcess.run("grep", ["SigBlk", "/proc/self/status"])
        #expect(outcome.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines).hasSuffix("0000000000000000"), "\(outcome.stdoutText)")
    }

    @Test func missingProgramIsALaunchErrorOrExit127() async throws {
        do {
            let outcome = try await ChildProcess.run("/nonexistent/fairway-tool", [])
            Issue.record("expected a launch error, got \(outcome)")
        } catch {
            #expect(error.description.contains("/nonexistent/fairway-tool"))
        }
    }
}
