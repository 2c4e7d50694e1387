import Foundation
import Testing
import FairwayCore
import FairwayModel

/// One integer field of the template, and how to write a value into it.
struct IntegerField: Sendable, CustomTestStringConvertible {
    let name: String
    let path: String
    /// The text to replace; `new` holds `VALUE` where the value goes.
    let old: String
    let new: String
    /// Whether a value that fits in 64 bits but is very large is legitimate (an unlimited borrowingLimit).
    var largeIsValid = false

    var testDescription: String { name }

    func edit(_ value: String) -> String { new.replacingOccurrences(of: "VALUE", with: value) }

    static let all: [IntegerField] = [
        IntegerField(name: "maxNodes", path: "nodepools/gpu-a100-training.yaml", old: "maxNodes: 2", new: "maxNodes: VALUE"),
        IntegerField(name: "minNodes", path: "nodepools/gpu-a100-training.yaml", old: "minNodes: 0", new: "minNodes: VALUE"),
        IntegerField(name: "guaranteed", path: "policies/default.yaml", old: "          guaranteed: 10\n",
                     new: "          guaranteed: VALUE\n"),
        IntegerField(name: "lendingLimit", path: "policies/default.yaml", old: "lendingLimit: 2 ", new: "lendingLimit: VALUE "),
        IntegerField(name: "demand", path: "policies/default.yaml", old: "demand: 1 ", new: "demand: VALUE "),
        IntegerField(name: "borrowingLimit", path: "policies/default.yaml", old: "borrowingLimit: 4 ",
                     new: "borrowingLimit: VALUE ", largeIsValid: true),
        IntegerField(name: "gpu per worker", path: "ray/research/qwen-finetune.yaml", old: "gpu: 4 ", new: "gpu: VALUE "),
        IntegerField(name: "maxReplicas", path: "ray/research/qwen-finetune.yaml", old: "maxReplicas: 3 ",
                     new: "maxReplicas: VALUE "),
        IntegerField(name: "replicas", path: "ray/research/hpo-sweep.yaml", old: "replicas: 2 ", new: "replicas: VALUE "),
        IntegerField(name: "mig count", path: "ray/research/hpo-sweep.yaml", old: "count: 1 ", new: "count: VALUE "),
        IntegerField(name: "maxGpuServers", path: "tenants/research.yaml", old: "maxGpuServers: 8 ", new: "maxGpuServers: VALUE "),
        IntegerField(name: "maxWorkerReplicas", path: "tenants/research.yaml", old: "maxWorkerReplicas: 32 ",
                     new: "maxWorkerReplicas: VALUE "),
        IntegerField(name: "timeSlicing maxReplicas", path: "policies/gpu-sharing.yaml", old: "maxReplicas: 4",
                     new: "maxReplicas: VALUE"),
        IntegerField(name: "time-slicing replicas", path: "nodepools/gpu-a10g-shared.yaml", old: "replicas: 4 ",
                     new: "replicas: VALUE "),
    ]

    static let hugeValues = ["9223372036854775807", "2147483648", "100000000000000000", "1e17", "-1",
                             "99999999999999999999"]
}

/// Very large, negative and non-integral values in every integer field: a diagnostic at the value,
/// never a crash (a trap would end the test process).
@Suite struct LargeIntegerTests {
    static let cases: [(IntegerField, String)] = IntegerField.all.flatMap { field in
        IntegerField.hugeValues.map { (field, $0) }
    }

    @Test(arguments: cases)
    func hugeValueIsADiagnosticAtTheValue(_ field: IntegerField, _ value: String) throws {
        var repo = try TestRepo.template()
        try repo.replace(field.path, field.old, with: field.edit(value))
        let result = repo.load()
        let line = try repo.line(of: field.edit(value), in: field.path)
        let valid = field.largeIsValid && YAMLIntegerText.fits(value) && !value.hasPrefix("-")
        let errors = result.diagnostics.filter { $0.severity == .error }
        if valid {
            #expect(errors.isEmpty, "\(errors.map(\.description))")
            return
        }
        let atValue = errors.filter { $0.location?.path == field.path && $0.location?.line == line }
        #expect(!atValue.isEmpty, "\(errors.map(\.description))")
        if YAMLIntegerText.integral(value) {
            #expect(atValue.contains { $0.code == "invalid-value" && $0.message.contains("allowed range") },
                    "\(atValue.map(\.description))")
        }
    }

    @Test func allowedRangeIsNamed() throws {
        var repo = try TestRepo.template()
        try repo.replace("nodepools/gpu-a100-training.yaml", "maxNodes: 2", with: "maxNodes: 9223372036854775807")
        try repo.replace("ray/research/qwen-finetune.yaml", "maxReplicas: 3 ", with: "maxReplicas: 2147483648 ")
        let messages = repo.load().diagnostics.map(\.message)
        #expect(messages.contains("`spec.capacity.maxNodes` is 9223372036854775807, outside the allowed range 0 to 100000"))
        #expect(messages.contains("`spec.workerGroups[0].maxReplicas` is 2147483648, outside the allowed range 0 to 2147483647"))
    }

    /// The largest values each field allows, together: valid or not, the checks across documents and
    /// the fairness stage must not trap on them.
    @Test func largestAllowedValuesDoNotTrap() throws {
        var repo = try TestRepo.template()
        try repo.replace("nodepools/gpu-a100-training.yaml", "maxNodes: 2", with: "maxNodes: 100000")
        try repo.replace("ray/research/qwen-finetune.yaml", "maxReplicas: 3 ", with: "maxReplicas: 2147483647 ")
        try repo.replace("ray/research/qwen-finetune.yaml", "gpu: 4 ", with: "gpu: 1024 ")
        try repo.replace("tenants/research.yaml", "maxGpuServers: 8 ", with: "maxGpuServers: 2147483647 ")
        try repo.replace("policies/default.yaml", "          guaranteed: 10\n", with: "          guaranteed: 2147483647\n")
        let result = repo.load()
        #expect(result.diagnostics.hasErrors)
    }
}

/// How the test reads a value: does it fit in 64 bits, is it written as an integer.
enum YAMLIntegerText {
    static func integral(_ text: String) -> Bool {
        let digits = text.hasPrefix("-") ? text.dropFirst() : Substring(text)
        return !digits.isEmpty && digits.allSatisfy(\.isNumber)
    }

    static func fits(_ text: String) -> Bool { Int64(text) != nil }
}

/// The built binary on the same inputs: every command exits non-zero with the located diagnostic
/// and none crashes.
@Suite(.serialized) struct LargeIntegerCLITests {
    static let cases: [(IntegerField, String)] = IntegerField.all.flatMap { field in
        ["9223372036854775807", "100000000000000000"].map { (field, $0) }
    }

    @Test(arguments: cases)
    func everyCommandRefusesWithoutCrashing(_ field: IntegerField, _ value: String) async throws {
        var repo = try TestRepo.template()
        try repo.replace(field.path, field.old, with: field.edit(value))
        let line = try repo.line(of: field.edit(value), in: field.path)
        let dir = try repo.write()
        defer { try? FileManager.default.removeItem(at: dir) }
        let state = dir.appendingPathComponent(".state").path
        let out = dir.appendingPathComponent(".out").path
        let commands: [[String]] = [["validate", dir.path], ["plan", dir.path, "--state", state],
                                    ["fairness", dir.path], ["render", dir.path, "--out", out]]
        for command in commands {
            // Waited on off the cooperative pool (CLIRun would hold a pool thread for each run).
            var environment = ProcessInfo.processInfo.environment
            environment["NO_COLOR"] = "1"
            let run = try await ChildProcess.run(RepoPaths.fairwayBinary.path, command, environment: environment, timeout: 300)
            let output = run.stdoutText + run.stderrText
            #expect(![4, 5, 6, 11, 132, 133, 134, 139].contains(run.status), "\(command[0]) crashed: \(output)")
            if field.largeIsValid {
                #expect(run.status == 0, "\(command[0]): \(output)")
            } else {
                #expect(run.status == 1, "\(command[0]): \(output)")
                #expect(output.contains("\(field.path):\(line):"), "\(command[0]): \(output)")
            }
        }
    }
}
