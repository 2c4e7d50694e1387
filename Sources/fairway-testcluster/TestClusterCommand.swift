import ArgumentParser
import FairwayTestCluster
import Foundation

/// `fairway-testcluster`: runs the in-memory Kubernetes API server until SIGTERM or SIGINT, writing
/// a kubeconfig for it and printing its URL on stdout.
@main
struct TestClusterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fairway-testcluster",
        abstract: "Serve an in-memory Kubernetes API for tests until SIGTERM.",
        discussion: "Prints the server's URL on stdout once it listens. The kubeconfig uses the first --token.")

    @Option(help: "Address to listen on, HOST:PORT; port 0 picks a free port.")
    var listen = "127.0.0.1:0"

    @Option(help: "Write a kubeconfig for the cluster to this file.")
    var kubeconfig: String?

    @Flag(help: "Serve HTTPS with a self-signed certificate (the kubeconfig trusts it).")
    var tls = false

    @Option(help: "A bearer token allowed every verb (repeatable). Without tokens, no authentication.")
    var token: [String] = []

    @Option(help: "A bearer token allowed only get, list and watch (repeatable).")
    var readOnlyToken: [String] = []

    @Option(help: "A service account's bearer token, TOKEN=NAMESPACE/NAME, whose access the cluster's Roles, ClusterRoles and bindings decide (repeatable).")
    var serviceAccountToken: [String] = []

    @Option(help: "Inject a fault, e.g. 'verb=get,path=/api/v1,rate=0.5,status=503', 'latency=200', 'retry-after=2,times=1', 'drop' (repeatable).")
    var fault: [String] = []

    @Flag(help: "Leave workload status alone instead of reporting deployments and pods ready and Jobs complete.")
    var noWorkloadStatus = false

    @Option(help: "On exit, write the request log to this file as JSON lines.")
    var requestLog: String?

    func validate() throws {
        guard let colon = listen.lastIndex(of: ":"), Int(listen[listen.index(after: colon)...]) != nil else {
            throw ValidationError("--listen must be HOST:PORT, e.g. 127.0.0.1:0")
        }
        for text in serviceAccountToken where Self.serviceAccount(text) == nil {
            throw ValidationError("--service-account-token '\(text)' is not TOKEN=NAMESPACE/NAME")
        }
        for text in fault {
            do { _ = try FaultRule(parsing: text) } catch { throw ValidationError("--fault '\(text)': \(error.message)") }
        }
    }

    func run() async throws {
        let colon = listen.lastIndex(of: ":")!
        var tokens: [String: Authorizer.Grant] = [:]
        for (index, value) in token.enumerated() { tokens[value] = .admin(index == 0 ? "admin" : "admin-\(index)") }
        for (index, value) in readOnlyToken.enumerated() { tokens[value] = .readOnly(index == 0 ? "reader" : "reader-\(index)") }
        for text in serviceAccountToken {
            let (token, namespace, name) = Self.serviceAccount(text)!
            tokens[token] = .serviceAccount(namespace: namespace, name: name)
        }
        let faults = try fault.map { text throws in try FaultRule(parsing: text) }
        let cluster = try await TestCluster.start(TestCluster.Configuration(
            host: String(listen[..<colon]), port: Int(listen[listen.index(after: colon)...])!, tls: tls, tokens: tokens,
            faults: faults, simulateWorkloads: !noWorkloadStatus))
        if let kubeconfig { try cluster.writeKubeconfig(to: kubeconfig, token: token.first) }
        FileHandle.standardOutput.write(Data("\(cluster.url.absoluteString)\n".utf8))

        let (signals, continuation) = AsyncStream<Int32>.makeStream()
        let sources = [SIGTERM, SIGINT].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number)
            source.setEventHandler { continuation.yield(number) }
            source.resume()
            return source
        }
        for await _ in signals { break }
        sources.forEach { $0.cancel() }
        await cluster.stop()
        if let requestLog {
            let lines = cluster.requestLog.jsonLines()
            try Data(lines.utf8).write(to: URL(fileURLWithPath: requestLog))
        }
    }

    /// `TOKEN=NAMESPACE/NAME` split, or nil.
    static func serviceAccount(_ text: String) -> (token: String, namespace: String, name: String)? {
        guard let equals = text.firstIndex(of: "=") else { return nil }
        let account = text[text.index(after: equals)...].split(separator: "/", omittingEmptySubsequences: false)
        guard equals > text.startIndex, account.count == 2, !account[0].isEmpty, !account[1].isEmpty else { return nil }
        return (String(text[..<equals]), String(account[0]), String(account[1]))
    }
}
