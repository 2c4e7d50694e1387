import AsyncHTTPClient
import FairwayCore
import Foundation
import Logging
import NIOCore

/// Sends requests to AWS: signs each attempt afresh, retries by an `AWSRetryPolicy`, enforces the
/// per-attempt timeout and the per-call deadline, reads the whole answer, and turns failures into
/// `AWSError`s that name the operation and endpoint. Logs one debug line per attempt with the
/// operation, endpoint, status and timing, never headers or bodies.
///
/// It either borrows an `HTTPClient` (whose owner shuts it down) or owns one configured for AWS
/// (5 s connect timeout, no redirects, no silent reconnect loop: the retry policy decides), which
/// `shutdown()` closes; `AWSTransport.with { }` guarantees that.
public final class AWSTransport: @unchecked Sendable {
    public let httpClient: HTTPClient
    public let retryPolicy: AWSRetryPolicy
    public let logger: Logger
    let clock: AWSTime.Clock
    private let ownsClient: Bool
    private let lock = NSLock()
    private var isShutDown = false

    /// Answers larger than this are refused (EKS answers are a few kilobytes).
    public static let maxResponseBytes = 16 << 20

    /// A logger that drops everything, the default.
    public static let silentLogger = Logger(label: "fairway.aws", factory: { _ in SwiftLogNoOpLogHandler() })

    /// - Parameter httpClient: a client to borrow; nil creates one this transport owns.
    public init(httpClient: HTTPClient? = nil, retryPolicy: AWSRetryPolicy = .standard, logger: Logger = silentLogger,
                clock: @escaping AWSTime.Clock = AWSTime.systemClock) {
        if let httpClient {
            self.httpClient = httpClient
            ownsClient = false
        } else {
            var configuration = HTTPClient.Configuration()
            configuration.timeout = .init(connect: .seconds(5), read: .seconds(60))
            configuration.redirectConfiguration = .disallow
            configuration.connectionPool.retryConnectionEstablishment = false
            self.httpClient = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
            ownsClient = true
        }
        self.retryPolicy = retryPolicy
        self.logger = logger
        self.clock = clock
    }

    /// Closes an owned HTTP client (once); a borrowed one is left alone.
    public func shutdown() async {
        let shouldShutDown = lock.withLock {
            defer { isShutDown = true }
            return ownsClient && !isShutDown
        }
        if shouldShutDown { try? await httpClient.shutdown() }
    }

    /// Runs `body` with a transport that owns its HTTP client, shutting it down whatever happens.
    public static func with<T, Failure: Error>(retryPolicy: AWSRetryPolicy = .standard, logger: Logger = silentLogger,
                                               clock: @escaping AWSTime.Clock = AWSTime.systemClock,
                                               _ body: (AWSTransport) async throws(Failure) -> T) async throws(Failure) -> T {
        let transport = AWSTransport(retryPolicy: retryPolicy, logger: logger, clock: clock)
        return try await transport.shuttingDown { () async throws(Failure) -> T in try await body(transport) }
    }

    /// Runs `body`, then `shutdown()`, whether `body` throws or not.
    public func shuttingDown<T, Failure: Error>(after body: () async throws(Failure) -> T) async throws(Failure) -> T {
        do {
            let result = try await body()
            await shutdown()
            return result
        } catch {
            await shutdown()
            throw error
        }
    }

    /// How to sign: credentials, region and service. Nil signing sends the request unsigned (STS's
    /// AssumeRoleWithWebIdentity).
    public struct Signing: Sendable {
        public var credentials: any AWSCredentialsProvider
        public var region: String
        public var service: String

        public init(credentials: any AWSCredentialsProvider, region: String, service: String) {
            self.credentials = credentials
            self.region = region
            self.service = service
        }
    }

    /// Sends `request` until it succeeds (2xx), fails for good, or the policy gives up.
    public func send(_ request: AWSRequest, operation: String, signing: Signing?) async throws(AWSError) -> AWSResponse {
        let started = ContinuousClock.now
        var attempt = 0
        while true {
            attempt += 1
            let elapsed = (ContinuousClock.now - started).seconds
            // The last attempt gets what is left of the deadline, never less than 50 ms (a loaded
            // machine can reach it with the deadline already spent; a negative bound helps no one).
            let timeout = max(0.05, min(retryPolicy.attemptTimeout, retryPolicy.deadline - elapsed))
            var prepared = request
            if let signing {
                let credentials = try await signing.credentials.credentials()
                prepared = SigV4Signer(credentials: credentials, region: signing.region, service: signing.service)
                    .sign(request, at: clock()).request
            }
            let (outcome, result) = await attemptOnce(prepared, operation: operation, attempt: attempt, timeout: timeout)
            let pause: Double
            switch result {
            case let .success(response):
                return response
            case var .failure(error):
                let now = (ContinuousClock.now - started).seconds
                guard error.kind != .cancelled,
                      let delay = retryPolicy.delay(after: outcome, attempt: attempt, elapsed: now) else {
                    error.attempts = attempt
                    throw error
                }
                pause = delay
            }
            logger.notice("aws request will be retried", metadata: [
                "aws.operation": .string(operation), "aws.attempt": .stringConvertible(attempt),
                "aws.retry.delay_ms": .stringConvertible(Int(pause * 1000)),
            ])
            do {
                try await Task.sleep(for: .milliseconds(Int64(pause * 1000)))
            } catch {
                throw AWSError(.cancelled, "cancelled while waiting to retry", operation: operation, endpoint: request.url.origin)
            }
        }
    }

    /// One attempt: the answer (2xx), or the error with what the retry policy needs to know.
    private func attemptOnce(_ request: AWSRequest, operation: String, attempt: Int,
                             timeout: Double) async -> (AWSRetryPolicy.Outcome, Result<AWSResponse, AWSError>) {
        let endpoint = request.url.origin
        var metadata: Logger.Metadata = [
            "aws.operation": .string(operation), "aws.endpoint": .string(endpoint), "aws.attempt": .stringConvertible(attempt),
            "http.method": .string(request.method),
        ]
        let started = ContinuousClock.now
        defer {
            metadata["aws.duration_ms"] = .stringConvertible(Int((ContinuousClock.now - started).seconds * 1000))
            logger.debug("aws request", metadata: metadata)
        }
        let response: AWSResponse
        do {
            response = try await execute(request, timeout: timeout)
        } catch {
            let (outcome, failure) = Self.transportFailure(error, operation: operation, endpoint: endpoint, timeout: timeout)
            metadata["aws.error"] = .string(failure.label)
            return (outcome, .failure(failure))
        }
        metadata["http.status"] = .stringConvertible(response.status)
        if (200..<300).contains(response.status) { return (.response(status: response.status, code: nil), .success(response)) }
        let (code, message) = response.awsError
        if let code { metadata["aws.error_code"] = .string(code) }
        var error = AWSError(.service, message ?? "HTTP \(response.status) without an AWS error in the answer",
                             status: response.status, code: code, requestId: response.requestId, operation: operation,
                             endpoint: endpoint)
        if code == nil && (response.status == 404 || response.status == 405 || response.status == 501) {
            error = AWSError(.unsupported, "the endpoint does not implement \(operation) (HTTP \(response.status) without an AWS error code)",
                             status: response.status, requestId: response.requestId, operation: operation, endpoint: endpoint)
        }
        return (.response(status: response.status, code: code), .failure(error))
    }

    private func execute(_ request: AWSRequest, timeout: Double) async throws -> AWSResponse {
        var outgoing = HTTPClientRequest(url: request.url.description)
        outgoing.method = switch request.method.uppercased() {
        case "GET": .GET
        case "POST": .POST
        case "PUT": .PUT
        case "DELETE": .DELETE
        case "HEAD": .HEAD
        case "PATCH": .PATCH
        default: .RAW(value: request.method)
        }
        for (name, value) in request.headers { outgoing.headers.add(name: name, value: value) }
        if !request.body.isEmpty { outgoing.body = .bytes(ByteBuffer(bytes: request.body)) }
        let deadline = NIODeadline.now() + .milliseconds(Int64(max(0.001, timeout) * 1000))
        let response = try await httpClient.execute(outgoing, deadline: deadline)
        let body = try await response.body.collect(upTo: Self.maxResponseBytes)
        return AWSResponse(status: Int(response.status.code), headers: response.headers.map { ($0.name, $0.value) },
                           body: Array(buffer: body))
    }

    /// A failure below HTTP: a timeout, a cancellation, or an endpoint that cannot be reached.
    static func transportFailure(_ error: any Error, operation: String, endpoint: String,
                                 timeout: Double) -> (AWSRetryPolicy.Outcome, AWSError) {
        if error is CancellationError || (error as? HTTPClientError) == .cancelled {
            return (.connectionFailed, AWSError(.cancelled, "cancelled", operation: operation, endpoint: endpoint))
        }
        if let client = error as? HTTPClientError,
           [.deadlineExceeded, .readTimeout, .connectTimeout, .writeTimeout].contains(client) {
            return (.timedOut, AWSError(.timeout, "no answer from \(endpoint) within \(Self.format(timeout)) s",
                                        operation: operation, endpoint: endpoint))
        }
        return (.connectionFailed, AWSError(.unreachable, "cannot reach \(endpoint): \(Self.reason(error))",
                                            operation: operation, endpoint: endpoint))
    }

    /// A short reason for a connection failure: the OS error when there is one.
    static func reason(_ error: any Error) -> String {
        let text = String(describing: error)
        for (needle, reason) in [("refused", "connection refused"), ("reset", "connection reset"),
                                 ("unreachable", "network unreachable"), ("DNS", "host name not found"),
                                 ("dnsAError", "host name not found"), ("TLS", "TLS handshake failed"),
                                 ("SSL", "TLS handshake failed"), ("remoteConnectionClosed", "connection closed")]
        where text.contains(needle) {
            return reason
        }
        return text.count > 200 ? String(text.prefix(200)) + "..." : text
    }


    static func format(_ seconds: Double) -> String {
        seconds == seconds.rounded() ? String(Int(seconds)) : String(format: "%.1f", seconds)
    }
}
