import FairwayCore
import Foundation
import Testing

/// `ChildProcess` collects both streams, feeds standard input, and enforces its deadline.
struct ChildProcessTests {
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
