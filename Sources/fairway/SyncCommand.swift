import ArgumentParser
import FairwayAgent
import FairwayCore
import FairwayPipeline
import FairwaySource
import Foundation
import Logging
import ServiceLifecycle

/// `fairway sync`: the in-cluster agent. Follows a Git ref and keeps the cluster at it.
struct SyncCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync",
        abstract: "Run the sync agent: follow a Git ref and keep the cluster at it, on a schedule and on push webhooks.",
        discussion: """
            Fetches --repo every --interval. When the commit changed, or a drift check is due (--drift-interval), it \
            validates the commit, checks fairness, plans against the cluster and applies, as `fairway apply` does. A \
            commit with errors (YAML, schema, fairness, signature) or a refused plan (deletion guard) is reported in \
            the status ConfigMap, as an Event and in the metrics, and the last good commit stays applied: nothing is \
            pruned because of it. Replicas elect a leader with a Lease; only the leader applies. Serves /healthz, \
            /readyz, /metrics and POST /webhook on --listen. SIGTERM lets an apply in progress finish its stage, \
            reports, releases the Lease and exits; what is still running after --shutdown-timeout (helm, requests, \
            fetches) is cancelled, and ten seconds later, or at a second SIGTERM, the process exits with code 1. Logs are JSON lines on standard error (FAIRWAY_LOG_FORMAT=text \
            for plain lines; FAIRWAY_LOG_LEVEL, default info).
            """
    )

    @OptionGroup var source: SourceOptions
    @OptionGroup var target: TargetOptions
    @OptionGroup var deletionGuard: DeletionGuardOptions
    @OptionGroup var cluster: ClusterApplyOptions

    @Option(name: .long, help: "How often to fetch the repository (Go duration; default: cluster.yaml's spec.reconcile.interval, else 3m).")
    var interval: String?

    @Option(name: .long, help: "How often to plan against the cluster when the commit did not change, correcting drift (default: the interval).")
    var driftInterval: String?

    @Flag(inversion: .prefixedNo, help: "Take over fields other field managers changed (kubectl edits): Git is the truth.")
    var forceConflicts = true

    @Option(name: .long, help: "The agent's namespace: its Lease, status ConfigMap and Events.")
    var namespace: String = "fairway-system"

    @Option(name: .long, help: "Address for /healthz, /readyz, /metrics and /webhook (HOST:PORT).")
    var listen: String = "0.0.0.0:8080"

    @Option(name: .long, help: "File holding the webhook secret (GitHub's HMAC secret or GitLab's token); without it /webhook answers 404.")
    var webhookSecretFile: String?

    @Option(name: .long, help: "This replica's name in the Lease and status (default: POD_NAME, else the host name).")
    var identity: String?

    @Flag(inversion: .prefixedNo, help: "Elect a leader with a Lease, so only one replica applies.")
    var leaderElect = true

    @Option(name: .long, help: "Name of the leader Lease.")
    var leaseName: String = "fairway-sync"

    @Option(name: .long, help: "How long a leader's Lease lasts without renewal before a standby takes over (Go duration).")
    var leaseDuration: String = "15s"

    @Option(name: .long, help: "Name of the status ConfigMap.")
    var statusConfigmap: String = StatusStore.defaultName

    @Option(name: .long, help: "How long a shutdown may wait for the stage in progress before cancelling it (Go duration).")
    var shutdownTimeout: String = "15s"

    func validate() throws {
        guard source.repo != nil, source.path == nil else { throw ValidationError("sync follows a Git repository: give --repo URL") }
        guard target.isCluster else { throw ValidationError("sync needs a cluster: give --in-cluster or --kubeconfig/--context") }
        for (flag, value) in [("--interval", interval), ("--drift-interval", driftInterval), ("--lease-duration", Optional(leaseDuration)),
                              ("--shutdown-timeout", Optional(shutdownTimeout))] {
            if let value, (GoDuration(value)?.nanoseconds ?? 0) <= 0 { throw ValidationError("\(flag) must be a duration such as 3m") }
        }
        if let duration = GoDuration(leaseDuration), duration.nanoseconds < 3_000_000_000 {
            throw ValidationError("--lease-duration must be at least 3s")
        }
        guard Self.address(listen) != nil else { throw ValidationError("--listen must be HOST:PORT") }
    }

    static func address(_ text: String) -> (host: String, port: Int)? {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port) else { return nil }
        return (String(text[..<colon]), port)
    }

    static func duration(_ text: String?) -> Duration? {
        text.flatMap(GoDuration.init).map { .nanoseconds($0.nanoseconds) }
    }

    func run() async throws {
        ProcessMemory.limitArenas()
        let logger = Logger(label: "fairway.sync")
        let verifier: WebhookVerifier?
        do {
            verifier = try webhookSecretFile.map { file in
                let secret = try String(contentsOfFile: file, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
                guard !secret.isEmpty else { throw ValidationError("the webhook secret file \(file) is empty") }
                return WebhookVerifier(secret: Array(secret.utf8), ref: source.ref ?? "HEAD")
            }
        } catch {
            Terminal.printError("error: cannot read the webhook secret: \(error)")
            throw ExitCode(1)
        }
        let credentials: GitCredentials
        do {
            credentials = try GitCredentials.fromEnvironment()
        } catch {
            Terminal.printError("error: \(error.message)")
            throw ExitCode(1)
        }
        do {
            try await ClusterTarget.with(target.clusterAccess, logger: logger) { clusterTarget in
                try await serve(clusterTarget, credentials: credentials, verifier: verifier, logger: logger)
            }
        } catch let error as PipelineError {
            Terminal.printError("error: \(error)")
            throw ExitCode(1)
        }
    }

    private func serve(_ clusterTarget: ClusterTarget, credentials: GitCredentials, verifier: WebhookVerifier?, logger: Logger) async throws {
        var configuration = SyncDaemon.Configuration(
            repository: source.repo!, ref: source.ref, cache: GitCache(root: source.cache), credentials: credentials,
            signatures: source.signaturePolicy, fetchTimeout: .seconds(source.fetchTimeout),
            identity: identity ?? ProcessInfo.processInfo.environment["POD_NAME"] ?? ProcessInfo.processInfo.hostName)
        configuration.reconciler.driftInterval = Self.duration(driftInterval) ?? Self.duration(interval)
        configuration.reconciler.apply = cluster.applierOptions(forceConflicts: forceConflicts)
        configuration.reconciler.charts = cluster.charts
        configuration.reconciler.maxDeletions = deletionGuard.maxDeletions
        configuration.reconciler.confirmedNamespaces = Set(cluster.confirmDeleteNamespace)
        configuration.interval = Self.duration(interval)
        configuration.namespace = namespace
        configuration.statusConfigMap = statusConfigmap
        configuration.lease = leaderElect ? (leaseName, Self.duration(leaseDuration) ?? .seconds(15)) : nil
        let address = Self.address(listen)!
        (configuration.listenHost, configuration.listenPort) = (address.host, address.port)
        configuration.webhook = verifier
        configuration.shutdownTimeout = Self.duration(shutdownTimeout) ?? .seconds(15)
        // The watchdog owns the process's signals: the first starts the graceful shutdown, and what
        // still hangs after the timeout (plus its grace) ends the process.
        var watchdog: ShutdownWatchdog?
        try await SyncDaemon.run(configuration, target: clusterTarget, logger: logger) { shutdown in
            watchdog = ShutdownWatchdog(timeout: configuration.shutdownTimeout, logger: logger, onFirstSignal: shutdown)
        }
        withExtendedLifetime(watchdog) {}
    }
}
