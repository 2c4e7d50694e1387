// fairway-bench wide SHAPE N: times validation of the template with one free-form field made large.
//
//   wide N   `runtimeEnv.env_vars` of ray/research/qwen-finetune.yaml with N keys
//   list N   `runtimeEnv.pip` with N items
//   deep N   a mapping N levels deep under `runtimeEnv` (at most 90: the YAML depth limit is 100)
//
// Prints one line: shape, N, file bytes, best seconds of 3 for read + parse + validate + fairness
// (Pipeline.evaluate without rendering), peak RSS in MB, and the number of errors.
import FairwayPipeline
import Foundation
import FairwayCore
import FairwaySource

enum WideBench {
    static let workload = "ray/research/qwen-finetune.yaml"

    /// The workload file with its free-form field grown to `size`.
    static func workloadText(_ original: String, shape: String, size: Int) -> String? {
        switch shape {
        case "wide":
            let keys = (0..<size).map { "        K\($0): \($0)\n" }.joined()
            return original.replacingOccurrences(of: "      env_vars:\n", with: "      env_vars:\n" + keys)
        case "list":
            let items = (0..<size).map { "        - p\($0)==1.\($0)\n" }.joined()
            return original.replacingOccurrences(of: "      pip:\n", with: "      pip:\n" + items)
        case "deep":
            let levels = min(size, 90)
            let nested = (0..<levels).map { String(repeating: " ", count: 6 + 2 * $0) + "level\($0):\n" }.joined()
                + String(repeating: " ", count: 6 + 2 * levels) + "leaf: true\n"
            return original.replacingOccurrences(of: "      env_vars:\n", with: nested + "      env_vars:\n")
        default:
            return nil
        }
    }

    static func run(template: String, shape: String, size: Int) throws {
        let snapshot = try DirectorySource(root: template).read()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fairway-wide-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        var bytes = 0
        for file in snapshot.files {
            var text = String(decoding: file.bytes, as: UTF8.self)
            if file.path == workload {
                guard let grown = workloadText(text, shape: shape, size: size) else {
                    FileHandle.standardError.write(Data("unknown shape \(shape): wide, list or deep\n".utf8))
                    exit(2)
                }
                text = grown
                bytes = text.utf8.count
            }
            let url = dir.appendingPathComponent(file.path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url)
        }
        var best = Double.infinity
        var errors = 0
        for _ in 0..<3 {
            let start = now()
            let evaluation = try Pipeline().evaluate(path: dir.path, render: false)
            best = min(best, now() - start)
            errors = evaluation.diagnostics.errorCount
        }
        print(shape, size, bytes, String(format: "%.3f", best), peakRSSMegabytes(), errors)
    }
}
