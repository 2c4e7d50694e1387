#if canImport(Glibc)
import FairwayAWS
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FairwayCore
import FairwayLive
import Foundation
import Logging
import Testing

// What the AWS and EKS tests share: the AWS SigV4 test suite's fixed inputs, python3 with botocore
// or moto, a moto_server per test, a scripted HTTP responder, free ports, and a log handler that keeps
// every line so tests can check that no secret is ever logged.

/// The inputs every vector of AWS's SigV4 test suite uses.
enum SuiteInputs {
    static let credentials = AWSCredentials(accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
    static let region = "us-east-1"
    static let service = "service"
    /// 2015-08-30T12:36:00Z.
    static let date = Date(timeIntervalSince1970: 1_440_938_160)
    static var signer: SigV4Signer { SigV4Signer(credentials: credentials, region: region, service: service) }
}

/// python3 and its modules: present, or the test is skipped (failed under CI=true) with a message.
enum Python {
    /// Whether python3 imports every one of `modules`, for `.enabled(if:)`: a test without them shows
    /// as skipped, never as passed (and `ToolsInstalledTests` fails under CI when they are missing).
    static func has(_ modules: String...) -> Bool {
        let probe = Process()
        probe.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        probe.arguments = ["python3", "-c", "import \(modules.joined(separator: ", "))"]
        probe.standardOutput = FileHandle.nullDevice
        probe.standardError = FileHandle.nullDevice
        guard (try? probe.run()) != nil else { return false }
        probe.waitUntilExit()
        return probe.terminationStatus == 0
    }

    /// The interpreter's own path (not a pyenv shim), when python3 runs and imports `modules`.
    static func interpreter(with modules: [String], for purpose: String) async -> String? {
        let probe = "import sys\nimport \(modules.joined(separator: ", "))\nprint(sys.executable)"
        if let outcome = try? await ChildProcess.run("python3", ["-c", probe], timeout: 60), outcome.status == 0 {
            let path = outcome.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines)
            if !path.isEmpty { return path }
        }
        let message = "python3 with \(modules.joined(separator: " and ")) is missing (\(purpose)): run scripts/setup"
        if Tools.inCI { Issue.record(Comment(rawValue: message)) } else { print("skipping: \(message)") }
        return nil
    }

    /// Runs `script` with `input` on standard input; fails the test on a non-zero exit.
    static func run(_ interpreter: String, _ script: String, arguments: [String] = [], input: JSONValue) async throws -> JSONValue {
        let outcome = try await ChildProcess.run(interpreter, ["-c", script] + arguments, input: JSONWriter.bytes(input), timeout: 120)
        try #require(outcome.status == 0, "python failed: \(outcome.stderrText)")
        return try JSONReader.parse(outcome.stdout)
    }
}

/// Ports on 127.0.0.1.
enum Ports {
    /// A port nothing listens on right now (the kernel's choice for a socket bound to port 0).
    static func free() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = loopback(port: 0)
        _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
        } }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            getsockname(fd, $0, &length)
        } }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Whether something accepts connections on `port`.
    static func isListening(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = loopback(port: port)
        return withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
        } }
    }

    private static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        return address
    }
}

/// A Python program serving HTTP on a free port while a test runs, killed afterwards whatever happens.
final class PythonServer: @unchecked Sendable {
    let process = Process()
    let port: Int
    var url: AWSURL { AWSURL(scheme: "http", host: "127.0.0.1", port: port) }

    private init(interpreter: String, arguments: (Int) -> [String], environment: [String: String]?) async throws {
        port = Ports.free()
        process.executableURL = URL(fileURLWithPath: interpreter)
        process.arguments = arguments(port)
        if let environment { process.environment = environment }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let started = ContinuousClock.now
        while !Ports.isListening(port) {
            guard process.isRunning, ContinuousClock.now - started < .seconds(30) else {
                stop()
                throw TestFailure("\(arguments(port).joined(separator: " ")) did not start listening on port \(port)")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    /// Kills the server (a test server keeps nothing worth a graceful shutdown) and reaps it.
    func stop() {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// Runs `body` against a fresh server; nil when python or a module is missing (skipped or failed under CI).
    static func with<T>(modules: [String], purpose: String, arguments: @escaping (Int) -> [String],
                        environment: [String: String]? = nil, _ body: (PythonServer) async throws -> T) async throws -> T? {
        guard let interpreter = await Python.interpreter(with: modules, for: purpose) else { return nil }
        let server = try await PythonServer(interpreter: interpreter, arguments: arguments, environment: environment)
        defer { server.stop() }
        return try await body(server)
    }

    /// `python3 -m moto.server -H 127.0.0.1 -p PORT`: EKS and STS as moto emulates them.
    static func withMoto<T>(_ body: (PythonServer) async throws -> T) async throws -> T? {
        try await with(modules: ["moto.server"], purpose: "the moto_server tests",
                       arguments: { ["-m", "moto.server", "-H", "127.0.0.1", "-p", String($0)] }, body)
    }

    /// A responder that answers the n-th request with the n-th of `script`'s answers (the last one
    /// repeating), each `{"status": 503, "headers": {...}, "body": "...", "delay": seconds}`, and
    /// appends each request line to `log`.
    static func withResponder<T>(_ script: [JSONValue], log: String, _ body: (PythonServer) async throws -> T) async throws -> T? {
        let program = """
            import http.server, json, sys, time
            script, log, port = json.loads(sys.argv[1]), sys.argv[2], int(sys.argv[3])
            count = [0]
            class Handler(http.server.BaseHTTPRequestHandler):
                def answer(self):
                    length = int(self.headers.get('Content-Length') or 0)
                    if length: self.rfile.read(length)
                    step = script[min(count[0], len(script) - 1)]
                    count[0] += 1
                    with open(log, 'a') as f: f.write(self.command + ' ' + self.path + '\\n')
                    time.sleep(step.get('delay', 0))
                    body = step.get('body', '').encode()
                    self.send_response(step['status'])
                    for name, value in step.get('headers', {}).items(): self.send_header(name, value)
                    self.send_header('Content-Length', str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                do_GET = do_POST = do_PUT = do_DELETE = answer
                def log_message(self, *args): pass
            http.server.ThreadingHTTPServer(('127.0.0.1', port), Handler).serve_forever()
            """
        let scriptText = JSONWriter.string(.array(script))
        return try await with(modules: ["http.server"], purpose: "the scripted HTTP responder",
                              arguments: { ["-c", program, scriptText, log, String($0)] }, body)
    }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Keeps every log line (message and metadata, rendered as text) for assertions.
final class RecordingLogHandler: LogHandler, @unchecked Sendable {
    final class Lines: @unchecked Sendable {
        private let lock = NSLock()
        private var storage: [String] = []
        func append(_ line: String) { lock.withLock { storage.append(line) } }
        var all: [String] { lock.withLock { storage } }
    }

    let lines: Lines
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    init(lines: Lines) { self.lines = lines }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { _, new in new }
        lines.append("\(event.level) \(event.message) \(merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " "))")
    }

    /// A logger at trace level writing into `lines`.
    static func logger(_ lines: Lines) -> Logger {
        var logger = Logger(label: "fairway.tests.aws") { _ in RecordingLogHandler(lines: lines) }
        logger.logLevel = .trace
        return logger
    }
}

/// A temporary directory for shared config files and token files.
struct TemporaryDirectory {
    let path: String

    init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("fairway-aws-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    @discardableResult
    func write(_ name: String, _ text: String) throws -> String {
        let file = "\(path)/\(name)"
        try FileManager.default.createDirectory(atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(text.utf8).write(to: URL(fileURLWithPath: file))
        return file
    }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

/// A clock tests move by hand.
final class TestClock: @unchecked Sendable {
    private let lock = NSLock()
    private var current: Date

    init(_ start: Date) { current = start }

    var now: Date { lock.withLock { current } }
    func advance(_ seconds: TimeInterval) { lock.withLock { current = current.addingTimeInterval(seconds) } }
    var clock: AWSTime.Clock { { [self] in now } }
}

/// The STS AssumeRoleWithWebIdentity answer, as moto and AWS shape it.
func stsAnswer(accessKeyId: String, secret: String, token: String, expiration: String) -> String {
    """
    <AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
      <AssumeRoleWithWebIdentityResult>
        <Credentials>
          <AccessKeyId>\(accessKeyId)</AccessKeyId>
          <SecretAccessKey>\(secret)</SecretAccessKey>
          <SessionToken>\(token)</SessionToken>
          <Expiration>\(expiration)</Expiration>
        </Credentials>
      </AssumeRoleWithWebIdentityResult>
      <ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata>
    </AssumeRoleWithWebIdentityResponse>
    """
}
