import FairwayCore
import FairwayPipeline
import FairwaySource
import Logging
import ServiceLifecycle

/// The sync agent assembled and run: the Git source, the reconciler, the leader elector (client-go's
/// lease proportions), the status store, the metrics and the HTTP server, in one service group whose
/// graceful shutdown lets the apply in progress finish its stage and is cancelled after
/// `shutdownTimeout`. `fairway sync` only turns its flags into a `Configuration` and owns the
/// process's signals (its watchdog calls the `shutdown` this gives).
public enum SyncDaemon {
    public struct Configuration: Sendable {
        /// The repository URL (credentials and all: only ever handed to libgit2) and the ref followed.
        public var repository: String
        public var ref: String?
        public var cache: GitCache
        public var credentials: GitCredentials
        public var signatures: SignaturePolicy?
        public var fetchTimeout: Duration
        public var reconciler = Reconciler.Options()
        /// How often the repository is fetched; nil for the repository's interval, else three minutes.
        public var interval: Duration?
        public var identity: String
        /// The agent's namespace: its Lease, status ConfigMap and Events.
        public var namespace = "fairway-system"
        public var statusConfigMap = StatusStore.defaultName
        /// Leader election with a Lease of this name and duration; nil runs without (one replica).
        public var lease: (name: String, duration: Duration)? = ("fairway-sync", .seconds(15))
        public var listenHost = "0.0.0.0"
        public var listenPort = 8080
        public var webhook: WebhookVerifier?
        public var shutdownTimeout: Duration = .seconds(15)

        public init(repository: String, ref: String?, cache: GitCache, credentials: GitCredentials, signatures: SignaturePolicy?,
                    fetchTimeout: Duration, identity: String) {
            self.repository = repository
            self.ref = ref
            self.cache = cache
            self.credentials = credentials
            self.signatures = signatures
            self.fetchTimeout = fetchTimeout
            self.identity = identity
        }
    }

    /// Runs the agent against `target` until a graceful shutdown ends it. `started` is given the
    /// function that begins that shutdown (for the process's signal handling).
    public static func run(_ configuration: Configuration, target: ClusterTarget, logger: Logger,
                           started: (@escaping @Sendable () -> Void) -> Void) async throws {
        let source = GitSyncSource(url: configuration.repository, ref: configuration.ref, cache: configuration.cache,
                                   credentials: configuration.credentials, signatures: configuration.signatures,
                                   timeout: configuration.fetchTimeout)
        let reconciler = Reconciler(source: source, target: target, options: configuration.reconciler, logger: logger)
        let elector = configuration.lease.map { lease in
            LeaderElector(client: target.kubernetes,
                          configuration: LeaderElector.Configuration(namespace: configuration.namespace, identity: configuration.identity,
                                                                     name: lease.name, leaseDuration: lease.duration),
                          logger: logger)
        }
        let agent = SyncAgent(configuration: SyncAgent.Configuration(interval: configuration.interval, identity: configuration.identity),
                              reconciler: reconciler,
                              store: StatusStore(client: target.kubernetes, namespace: configuration.namespace, name: configuration.statusConfigMap),
                              metrics: SyncMetrics(), elector: elector, repository: source.displayURL, ref: source.ref, logger: logger)
        let server = AgentServer.application(host: configuration.listenHost, port: configuration.listenPort, agent: agent,
                                             verifier: configuration.webhook, logger: logger,
                                             onRunning: { port in logger.notice("listening", metadata: ["http.port": "\(port)"]) })
        logger.notice("sync agent starting", metadata: ["sync.repository": "\(source.displayURL)", "sync.ref": "\(source.ref)",
                                                        "sync.identity": "\(configuration.identity)",
                                                        "sync.namespace": "\(configuration.namespace)"])
        // Shut down in reverse order: the agent (its apply finishes the stage in progress), then the server;
        // what runs past the shutdown timeout is cancelled.
        var groupConfiguration = ServiceGroupConfiguration(
            services: [.init(service: server), .init(service: agent, successTerminationBehavior: .gracefullyShutdownGroup)],
            logger: logger)
        groupConfiguration.maximumGracefulShutdownDuration = configuration.shutdownTimeout
        let group = ServiceGroup(configuration: groupConfiguration)
        started { Task { await group.triggerGracefulShutdown() } }
        try await group.run()
    }
}
