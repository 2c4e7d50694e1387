import FairwayCore
import FairwayTestCluster
import Foundation
import Testing

// Shared by the test targets that drive real clients (kubectl, helm) against the test cluster.

/// Paths of the repository under test.
public enum Paths {
    public static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    public static let template = root.appendingPathComponent("platform-repo-template")
    /// The shared reference data beside the checkout (`../shared/reference`).
    public static let reference = root.deletingLastPathComponent().appendingPathComponent("shared/reference")
    /// The KubeRay, Kueue and Karpenter CRD files in ../shared/reference.
    public static func referenceCRDs() throws -> [String] {
        var files: [String] = []
        for (folder, prefix) in [("kuberay", "ray.io_"), ("kueue", "kueue.x-k8s.io_"), ("karpenter", "karpenter.")] {
            let directory = reference.appendingPathComponent(folder)
            files += try FileManager.default.contentsOfDirectory(atPath: directory.path)
                .filter { $0.hasPrefix(prefix) && $0.hasSuffix(".yaml") }.sorted().map { directory.appendingPathComponent($0).path }
        }
        return files
    }

    public static var binaries: URL { URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent() }
}

/// kubectl and helm: from FAIRWAY_KUBECTL / FAIRWAY_HELM or `.tools/bin` (scripts/setup installs them
/// there). Missing tools fail the test under CI=true and skip it elsewhere, with a message saying so.
public enum Tools {
    public static func path(_ name: String) -> String? {
        if let explicit = ProcessInfo.processInfo.environment["FAIRWAY_\(name.uppercased())"], !explicit.isEmpty {
            return FileManager.default.isExecutableFile(atPath: explicit) ? explicit : nil
        }
        let local = Paths.root.appendingPathComponent(".tools/bin/\(name)").path
        return FileManager.default.isExecutableFile(atPath: local) ? local : nil
    }

    public static var inCI: Bool { ProcessInfo.processInfo.environment["CI"] == "true" }

    /// Whether every tool named is there, for `.enabled(if:)`: a test without them shows as skipped
    /// (and `ToolsInstalledTests` fails under CI when one is missing).
    public static func installed(_ names: String...) -> Bool { names.allSatisfy { path($0) != nil } }

    /// Whether the tool is there; when it is not, records an issue under CI and prints why it is skipped.
    public static func available(_ name: String) -> Bool {
        if path(name) != nil { return true }
        if inCI {
            Issue.record("\(name) is missing: run scripts/setup (it installs .tools/bin/\(name)) or set FAIRWAY_\(name.uppercased())")
        } else {
            print("skipping: \(name) is not installed; run scripts/setup or set FAIRWAY_\(name.uppercased())")
        }
        return false
    }
}

/// The output of a finished process.
public struct Run: CustomStringConvertible {
    public var status: Int32
    public var stdout: String
    public var stderr: String
    public var description: String { "exit \(status)\nstdout:\n\(stdout)\nstderr:\n\(stderr)" }
}

/// A private home for kubectl and helm against one test cluster: HOME, KUBECONFIG and helm's cache,
/// config and data directories all in a temporary directory, so nothing on the machine is read or changed.
/// Executable scripts for tests (fake helm, credential plugins).
public enum TestScript {
    /// Writes an executable shell script with `body` at `path`.
    ///
    /// The executable itself is written by `install(1)`, not by this process: tests run in parallel
    /// and spawn children, and a child forked while this process held the script open for writing
    /// would keep it open, so running the script would fail with "text file busy" (ETXTBSY).
    public static func install(_ body: String, at path: String) throws {
        let source = path + ".source"
        try FileManager.default.createDirectory(at: URL(fileURLWithPath: path).deletingLastPathComponent(),
                                                withIntermediateDirectories: true)
        try Data(("#!/bin/sh\n" + body).utf8).write(to: URL(fileURLWithPath: source))
        let install = Process()
        install.executableURL = URL(fileURLWithPath: "/usr/bin/install")
        install.arguments = ["-m", "755", source, path]
        try install.run()
        install.waitUntilExit()
        guard install.terminationStatus == 0 else { throw CocoaError(.fileWriteUnknown) }
    }
}

public struct ClientSandbox {
    public let directory: URL
    public let kubeconfig: String

    public init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("fairway-clients-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        kubeconfig = directory.appendingPathComponent("kubeconfig").path
    }

    /// A file in the sandbox with `text` in it.
    @discardableResult
    public func write(_ name: String, _ text: String) throws -> String {
        let url = directory.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
        return url.path
    }

    public func remove() { try? FileManager.default.removeItem(at: directory) }

    public var environment: [String: String] {
        let home = directory.path
        return ["HOME": home, "KUBECONFIG": kubeconfig, "HELM_CACHE_HOME": home + "/helm/cache",
                "HELM_CONFIG_HOME": home + "/helm/config", "HELM_DATA_HOME": home + "/helm/data",
                "PATH": "/usr/bin:/bin", "NO_COLOR": "1"]
    }

    public func kubectl(_ arguments: [String], stdin: String? = nil) async throws -> Run {
        try await run(Tools.path("kubectl")!, arguments, stdin: stdin)
    }

    public func helm(_ arguments: [String]) async throws -> Run {
        try await run(Tools.path("helm")!, arguments)
    }

    /// Runs a program to its end in the sandbox without holding a thread of the cooperative pool.
    public func run(_ executable: String, _ arguments: [String], stdin: String? = nil) async throws -> Run {
        let outcome = try await ChildProcess.run(executable, arguments, environment: environment, input: Array((stdin ?? "").utf8),
                                                 workingDirectory: directory.path)
        return Run(status: outcome.status, stdout: outcome.stdoutText, stderr: outcome.stderrText)
    }
}

/// A `fairway-testcluster` process (the executable built beside the tests), so kubectl and helm talk
/// to a server that shares nothing with the test process. Stopped with SIGTERM.
public final class ClusterProcess: @unchecked Sendable {
    public let process = Process()
    public let url: String
    public let sandbox: ClientSandbox

    public init(_ arguments: [String] = []) async throws {
        sandbox = try ClientSandbox()
        process.executableURL = Paths.binaries.appendingPathComponent("fairway-testcluster")
        process.arguments = ["--listen", "127.0.0.1:0", "--kubeconfig", sandbox.kubeconfig] + arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let (lines, continuation) = AsyncStream<String>.makeStream()
        out.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            if data.isEmpty { handle.readabilityHandler = nil; continuation.finish(); return }
            continuation.yield(String(decoding: data, as: UTF8.self))
            continuation.finish()
        }
        var firstLine = ""
        for await chunk in lines { firstLine += chunk }
        url = firstLine.trimmingCharacters(in: .whitespacesAndNewlines)
        guard url.hasPrefix("http") else {
            process.terminate()
            throw TestClusterError("fairway-testcluster printed '\(url)' instead of its URL")
        }
    }

    /// Sends SIGTERM and waits for the exit status.
    public func stop() async -> Int32 {
        if process.isRunning { process.terminate() }
        while process.isRunning { try? await Task.sleep(for: .milliseconds(10)) }
        sandbox.remove()
        return process.terminationStatus
    }

    /// Runs `body` against a fresh cluster process, stopping it afterwards whatever happens.
    public static func with<T>(_ arguments: [String] = [], _ body: (ClusterProcess) async throws -> T) async throws -> T {
        let cluster = try await ClusterProcess(arguments)
        do {
            let result = try await body(cluster)
            _ = await cluster.stop()
            return result
        } catch {
            _ = await cluster.stop()
            throw error
        }
    }
}

extension TestCluster {
    /// Runs `body` against a fresh cluster, stopping it afterwards whatever happens.
    public static func with<T>(_ configuration: Configuration = Configuration(),
                        _ body: (TestCluster) async throws -> T) async throws -> T {
        let cluster = try await TestCluster.start(configuration)
        do {
            let result = try await body(cluster)
            await cluster.stop()
            return result
        } catch {
            await cluster.stop()
            throw error
        }
    }
}
