import FairwayCore
import FairwayHelm
import FairwayLive
import FairwayTestCluster
import FairwayTestSupport
import Foundation
import Logging
import Testing

/// A chart like a real add-on (`helm create`, renamed and versioned, e.g. kuberay-operator 1.7.0),
/// packaged into a chart repository directory (`helm package` + `helm repo index`) and served over
/// HTTP on 127.0.0.1 by `python3 -m http.server`. Built offline.
final class ChartRepository: @unchecked Sendable {
    let chart: String
    let version: String
    /// The unpacked chart, for installs from a local path.
    let chartDirectory: String
    /// `http://127.0.0.1:PORT`.
    let url: String
    private let server: Process

    init(sandbox: ClientSandbox, chart: String = "kuberay-operator", version: String = "1.7.0",
         appVersion: String = "v1.7.0") async throws {
        self.chart = chart
        self.version = version
        let charts = sandbox.directory.appendingPathComponent("charts").path
        let repository = sandbox.directory.appendingPathComponent("repository").path
        try FileManager.default.createDirectory(atPath: charts, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: repository, withIntermediateDirectories: true)
        try Self.check(await sandbox.helm(["create", "\(charts)/\(chart)"]))
        chartDirectory = "\(charts)/\(chart)"
        let chartFile = URL(fileURLWithPath: "\(chartDirectory)/Chart.yaml")
        let edited = try String(contentsOf: chartFile, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
            .map { line in
                if line.hasPrefix("version:") { return "version: \(version)" }
                if line.hasPrefix("appVersion:") { return "appVersion: \"\(appVersion)\"" }
                return String(line)
            }
        try edited.joined(separator: "\n").write(to: chartFile, atomically: true, encoding: .utf8)
        try Self.check(await sandbox.helm(["package", chartDirectory, "--destination", repository]))
        try Self.check(await sandbox.helm(["repo", "index", repository]))

        server = Process()
        server.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        server.arguments = ["python3", "-u", "-m", "http.server", "0", "--bind", "127.0.0.1", "--directory", repository]
        let out = Pipe()
        server.standardOutput = out
        server.standardError = FileHandle.nullDevice
        try server.run()
        // "Serving HTTP on 127.0.0.1 port 41234 (http://127.0.0.1:41234/) ..."
        var line = ""
        while !line.contains("\n") {
            let data = out.fileHandleForReading.availableData
            if data.isEmpty { break }
            line += String(decoding: data, as: UTF8.self)
        }
        let words = line.split(separator: " ")
        guard let index = words.firstIndex(of: "port"), index + 1 < words.count, let port = Int(words[index + 1]) else {
            kill(server.processIdentifier, SIGKILL)
            throw TestClusterError("python3 -m http.server printed '\(line)'")
        }
        url = "http://127.0.0.1:\(port)"
    }

    /// Kills the server: SIGKILL, since a child started from a Dispatch thread inherits its blocked
    /// SIGTERM, and the server has nothing to clean up.
    func stop() {
        if server.isRunning { kill(server.processIdentifier, SIGKILL) }
        server.waitUntilExit()
    }

    private static func check(_ run: Run) throws {
        guard run.status == 0 else { throw TestClusterError("helm failed: \(run)") }
    }
}

/// A helm client, a test cluster and a chart repository, stopped afterwards whatever happens.
struct HelmFixture {
    let cluster: ClusterProcess
    let repository: ChartRepository
    let client: HelmClient
    let log: MemoryLog
    /// Where the client makes its private values files.
    let temporaryDirectory: String

    static func with(_ clusterArguments: [String] = [], _ body: (HelmFixture) async throws -> Void) async throws {
        try await ClusterProcess.with(clusterArguments) { cluster in
            let repository = try await ChartRepository(sandbox: cluster.sandbox)
            defer { repository.stop() }
            let temporary = cluster.sandbox.directory.appendingPathComponent("tmp").path
            try FileManager.default.createDirectory(atPath: temporary, withIntermediateDirectories: true)
            let log = MemoryLog()
            let client = HelmClient(executable: Tools.path("helm")!, kubeconfig: cluster.sandbox.kubeconfig,
                                    environment: cluster.sandbox.environment, temporaryDirectory: temporary,
                                    logger: log.logger)
            try await body(HelmFixture(cluster: cluster, repository: repository, client: client, log: log,
                                       temporaryDirectory: temporary))
        }
    }

    /// The add-on release, from the served repository.
    func release(_ name: String = "kuberay-operator", namespace: String = "kuberay-system", version: String? = nil,
                 values: JSONValue) -> HelmRelease {
        HelmRelease(name: name, namespace: namespace, chart: repository.chart, repository: repository.url,
                    version: version ?? repository.version, values: values, sourcePath: "cluster.yaml")
    }

    /// What is left in the private temporary directory (nothing, after every call).
    func leftovers() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: temporaryDirectory)
    }
}

/// Log lines kept in memory, with their metadata, so tests can assert what was (not) logged.
final class MemoryLog: @unchecked Sendable {
    private let lock = NSLock()
    private var entries: [String] = []

    var logger: Logger {
        Logger(label: "fairway.helm.tests") { _ in Handler(log: self) }
    }

    /// Every line as `level message key=value...`.
    var lines: [String] { lock.withLock { entries } }

    fileprivate func append(_ line: String) { lock.withLock { entries.append(line) } }

    private struct Handler: LogHandler {
        let log: MemoryLog
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let all = metadata.merging(event.metadata ?? [:]) { $1 }
            let error = event.error.map { " error=\($0)" } ?? ""
            log.append("\(event.level) \(event.message) "
                + all.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ") + error)
        }
    }
}

/// A stand-in helm: a shell script, for what the real one cannot be made to do on demand.
enum FakeHelm {
    /// Writes an executable script with `body` to `directory` and returns its path.
    static func write(_ body: String, in directory: URL) throws -> String {
        let path = directory.appendingPathComponent("helm").path
        try TestScript.install(body, at: path)
        return path
    }
}
