import Foundation
import FairwayCore
import FairwayModel
import FairwaySource

/// Paths of the repository under test.
enum RepoPaths {
    static let root: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let template = root.appendingPathComponent("platform-repo-template")
    static let policies = root.appendingPathComponent("policies")
    /// The shared reference data beside the checkout (`../shared/reference`).
    static let reference = root.deletingLastPathComponent().appendingPathComponent("shared/reference")

    /// The `fairway` executable built beside the test bundle.
    static var fairwayBinary: URL {
        let exe = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        return exe.deletingLastPathComponent().appendingPathComponent("fairway")
    }
}

/// An in-memory platform repository, usually a copy of the template, that tests edit before loading.
struct TestRepo {
    var files: [String: String]

    /// The template's platform files.
    static func template() throws -> TestRepo {
        let snapshot = try DirectorySource(root: RepoPaths.template.path).read()
        var files: [String: String] = [:]
        for file in snapshot.files { files[file.path] = String(decoding: file.bytes, as: UTF8.self) }
        return TestRepo(files: files)
    }

    /// Replaces the first occurrence of `old` in `path`; fails the caller when it is not there.
    mutating func replace(_ path: String, _ old: String, with new: String) throws {
        guard let text = files[path], let range = text.range(of: old) else {
            throw TestRepoError("'\(old)' not found in \(path)")
        }
        files[path] = text.replacingCharacters(in: range, with: new)
    }

    /// The 1-based line on which `needle` first appears in `path`.
    func line(of needle: String, in path: String) throws -> Int {
        guard let text = files[path], let range = text.range(of: needle) else {
            throw TestRepoError("'\(needle)' not found in \(path)")
        }
        return text[..<range.lowerBound].filter { $0 == "\n" }.count + 1
    }

    var snapshot: SourceSnapshot {
        SourceSnapshot(origin: "test", revision: "test", files: files.keys.sorted().map {
            SourceFile(path: $0, bytes: Array(files[$0]!.utf8))
        }, diagnostics: [])
    }

    func load() -> LoadResult { PlatformLoader().load(snapshot) }

    /// Writes the repository into a new temporary directory and returns its path.
    func write() throws -> URL {
        try write(to: FileManager.default.temporaryDirectory.appendingPathComponent("fairway-repo-\(UUID().uuidString)"))
    }

    /// Writes (or overwrites) the repository's files in `dir`.
    @discardableResult
    func write(to dir: URL) throws -> URL {
        for (path, text) in files {
            let url = dir.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url)
        }
        return dir
    }
}

struct TestRepoError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Runs the built `fairway` binary and captures its output.
struct CLIRun {
    let status: Int32
    let stdout: String
    let stderr: String

    static func fairway(_ arguments: [String], stdin: String? = nil, environment: [String: String] = [:]) throws -> CLIRun {
        let process = Process()
        process.executableURL = RepoPaths.fairwayBinary
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env["NO_COLOR"] = "1"
        for (k, v) in environment { env[k] = v }
        process.environment = env
        let out = Pipe(), err = Pipe(), input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        // Standard error is read on its own thread: a child that fills one pipe while the other is read
        // to its end would block forever.
        let errData = Locked(Data())
        let errRead = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            let data = err.fileHandleForReading.readDataToEndOfFile()
            errData.withLock { $0 = data }
            errRead.signal()
        }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        errRead.wait()
        process.waitUntilExit()
        return CLIRun(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                      stderr: String(decoding: errData.withLock { $0 }, as: UTF8.self))
    }
}

extension LoadResult {
    /// `(path, line, code)` of every error, sorted.
    var errorSites: [String] {
        diagnostics.filter { $0.severity == .error }.map {
            "\($0.location?.path ?? "-"):\($0.location?.line ?? 0) \($0.code)"
        }.sorted()
    }
}

/// Runs one of the project's Python checkers (`scripts/<name>`) on a JSON value, written to a
/// temporary file that is passed as the last argument. Returns the exit status and the combined
/// standard output and error.
enum PythonCheck {
    static func run(_ script: String, _ arguments: [String], json: JSONValue) throws -> (Int32, String) {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("fairway-check-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: file) }
        try Data(JSONWriter.string(json).utf8).write(to: file)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", RepoPaths.root.appendingPathComponent("scripts/\(script)").path] + arguments + [file.path]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
