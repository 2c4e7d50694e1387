import Foundation
import Testing
import FairwayCore

/// scripts/fuzz-repo.py can fail: run against stand-ins for `fairway` that crash, hang, report an
/// error without file:line or accept what they should refuse, it reports each and exits 1; against
/// the real binary for a few cases it passes.
@Suite struct FuzzHarnessTests {
    static let script = RepoPaths.root.appendingPathComponent("scripts/fuzz-repo.py").path

    /// Runs the fuzzer for `cases` cases against `fairway`.
    static func fuzz(_ fairway: String, cases: Int, extra: [String] = []) async throws -> ChildProcess.Outcome {
        try await ChildProcess.run("/usr/bin/env", ["python3", script, "--fairway", fairway, "--template", RepoPaths.template.path,
                                                    "--cases", "\(cases)", "--seconds", "120", "--seed", "7",
                                                    "--keep", FileManager.default.temporaryDirectory
                                                        .appendingPathComponent("fuzz-\(UUID().uuidString)").path] + extra,
                                   timeout: 300)
    }

    /// A stand-in `fairway`: `apply` of the unmodified template (the fuzzer's baseline) succeeds,
    /// every other command runs `body`.
    static func standIn(_ body: String) async throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("fairway-standin-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let source = directory.appendingPathComponent("fairway.sh")
        try Data("""
            #!/bin/sh
            if [ "$1" = apply ] && [ "$2" = "\(RepoPaths.template.path)" ]; then mkdir -p "$4"; exit 0; fi
            \(body)

            """.utf8).write(to: source)
        // install(1) writes the executable, so no child forked meanwhile holds it open (ETXTBSY).
        let path = directory.appendingPathComponent("fairway").path
        let installed = try await ChildProcess.run("/usr/bin/install", ["-m", "755", source.path, path], timeout: 30)
        try #require(installed.status == 0, "\(installed.stderrText)")
        return path
    }

    @Test func aCrashIsReported() async throws {
        let outcome = try await Self.fuzz(try await Self.standIn("kill -SEGV $$"), cases: 2)
        #expect(outcome.status == 1 && outcome.stdoutText.contains("validate: status -11"), "\(outcome.stdoutText)")
        #expect(!outcome.stdoutText.contains(" 0 crashes"), "\(outcome.stdoutText)")
    }

    @Test func aHangIsReported() async throws {
        let outcome = try await Self.fuzz(try await Self.standIn("sleep 30"), cases: 1, extra: ["--hang-seconds", "1"])
        #expect(outcome.status == 1 && outcome.stdoutText.contains("still running after the hang bound"), "\(outcome.stdoutText)")
    }

    @Test func anErrorWithoutALocationIsReported() async throws {
        let body = #"echo '{"valid": false, "diagnostics": [{"severity": "error", "code": "x", "message": "m", "path": null, "line": null}]}'; exit 1"#
        let outcome = try await Self.fuzz(try await Self.standIn(body), cases: 1)
        #expect(outcome.status == 1 && outcome.stdoutText.contains("x without file:line"), "\(outcome.stdoutText)")
    }

    @Test func acceptingAnInvalidRepositoryIsReported() async throws {
        let body = #"if [ "$1" = validate ]; then echo '{"valid": false, "diagnostics": []}'; exit 1; fi; echo '{}'; exit 0"#
        let outcome = try await Self.fuzz(try await Self.standIn(body), cases: 1)
        #expect(outcome.status == 1 && outcome.stdoutText.contains("exit 0 where validate said invalid"), "\(outcome.stdoutText)")
    }

    @Test func theRealBinaryPassesAFewCases() async throws {
        let outcome = try await Self.fuzz(RepoPaths.fairwayBinary.path, cases: 6)
        #expect(outcome.status == 0, "\(outcome.stdoutText)\n\(outcome.stderrText)")
        #expect(outcome.stdoutText.contains("6 cases") && outcome.stdoutText.contains("0 crashes, 0 hangs, 0 failing cases"))
    }
}
