import Foundation
import FairwaySource

/// The git command line, for building test repositories (never for what Fairway itself reads).
enum GitCLI {
    @discardableResult
    static func run(_ arguments: [String], in directory: URL, environment: [String: String] = [:],
                    input: Data? = nil) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git"] + arguments
        process.currentDirectoryURL = directory
        var env = ProcessInfo.processInfo.environment
        env["GIT_AUTHOR_NAME"] = "Test"
        env["GIT_AUTHOR_EMAIL"] = "test@example.com"
        env["GIT_COMMITTER_NAME"] = "Test"
        env["GIT_COMMITTER_EMAIL"] = "test@example.com"
        env["GIT_CONFIG_NOSYSTEM"] = "1"
        env["HOME"] = directory.path
        for (k, v) in environment { env[k] = v }
        process.environment = env
        let out = Pipe(), err = Pipe(), stdin = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = stdin
        try process.run()
        if let input { stdin.fileHandleForWriting.write(input) }
        try stdin.fileHandleForWriting.close()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        let errors = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw TestRepoError("git \(arguments.joined(separator: " ")) failed: \(String(decoding: errors, as: UTF8.self))")
        }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

/// A work repository holding the template, and a bare repository it pushes to, in a temporary directory.
struct GitFixture {
    let root: URL
    let work: URL
    let bare: URL
    let cache: GitCache

    var url: String { "file://\(bare.path)" }

    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("fairway-git-\(UUID().uuidString)")
        work = root.appendingPathComponent("work")
        bare = root.appendingPathComponent("platform.git")
        cache = GitCache(root: root.appendingPathComponent("cache").path)
        let repo = try TestRepo.template()
        for (path, text) in repo.files {
            let url = work.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url)
        }
        try GitCLI.run(["init", "-q", "-b", "main"], in: work)
        try GitCLI.run(["config", "commit.gpgsign", "false"], in: work)
        try commitAll("template")
        try GitCLI.run(["init", "-q", "--bare", "-b", "main", bare.path], in: root)
        try push()
    }

    @discardableResult
    func commitAll(_ message: String, extra: [String] = []) throws -> String {
        try GitCLI.run(["add", "-A"], in: work)
        try GitCLI.run(["commit", "-q", "--allow-empty", "-m", message] + extra, in: work)
        return try GitCLI.run(["rev-parse", "HEAD"], in: work)
    }

    func push(_ refspec: String = "main", force: Bool = false) throws {
        try GitCLI.run(["push", "-q"] + (force ? ["--force"] : []) + [bare.path, refspec], in: work)
    }

    func write(_ path: String, _ text: String) throws {
        let url = work.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
    }

    func fetch(_ ref: String? = nil, credentials: GitCredentials = GitCredentials()) -> Result<GitFetchOutcome, GitError> {
        cache.fetch(url: url, ref: ref, credentials: credentials, timeout: .seconds(20))
    }

    func remove() { try? FileManager.default.removeItem(at: root) }
}
