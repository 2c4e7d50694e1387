import AsyncHTTPClient
import FairwayCore
import Foundation
import NIOCore
import NIOHTTP1
import NIOSSL

/// One API request as the client's verbs describe it, and the answer.
struct KubeRequest: Sendable {
    var method: HTTPMethod = .GET
    /// The path, e.g. `/api/v1/namespaces/default/configmaps/x`.
    var path: String
    var query: [(String, String)] = []
    var body: [UInt8]?
    var contentType: String?
    var accept = "application/json"
    /// The object concerned, for errors.
    var key: ObjectKey?
    /// Safe to send again after a failure without an answer (see `RetryPolicy`).
    var idempotent = true
    /// Error statuses the caller handles itself (404 for get, 410 for a continued list).
    var accepting: Set<Int> = []

    var pathAndQuery: String {
        guard !query.isEmpty else { return path }
        return path + "?" + query.map { "\(Self.escape($0.0))=\(Self.escape($0.1))" }.joined(separator: "&")
    }

    private static let unreserved = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~".utf8)

    static func escape(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            if unreserved.contains(byte) { out.unicodeScalars.append(Unicode.Scalar(byte)) }
            else { out += "%" + (byte < 16 ? "0" : "") + String(byte, radix: 16, uppercase: true) }
        }
        return out
    }
}

struct KubeResponse: Sendable {
    var status: Int
    var headers: HTTPHeaders
    var body: [UInt8]

    var contentType: String { headers.first(name: "content-type") ?? "" }
}

extension KubernetesClient {
    /// Sends `request` with credentials, retrying by the policy, until it succeeds, fails for good, or
    /// its deadline passes. Returns 2xx answers and the statuses in `request.accepting`.
    func send(_ request: KubeRequest) async throws -> KubeResponse {
        let deadline = ContinuousClock.now + .seconds(options.requestDeadline)
        var attempt = 0
        var renewedCredentials = false
        while true {
            attempt += 1
            guard !state.withLock({ $0.isShutDown }) else {
                throw failure(.shutDown, "the client was shut down", request, attempts: attempt - 1)
            }
            let remaining = deadline - ContinuousClock.now
            guard remaining > .zero else {
                throw failure(.deadlineExceeded, "no answer within \(options.requestDeadline) seconds", request, attempts: attempt - 1)
            }
            let outcome = try await self.attempt(request, timeout: min(remaining, .seconds(options.attemptTimeout)))
            var retryAfter: Double?
            var problem: KubernetesError
            switch outcome {
            case let .success(response):
                if (200..<300).contains(response.status) || request.accepting.contains(response.status) { return response }
                problem = .fromStatus(response.status, body: response.body, server: connection.server,
                                      method: request.method.rawValue, path: request.pathAndQuery, key: request.key, attempts: attempt)
                if response.status == 401, !renewedCredentials, case let .exec(plugin) = connection.credentials {
                    // The plugin's credential may have been revoked early: run it again, once.
                    renewedCredentials = true
                    plugin.invalidate()
                    continue
                }
                guard RetryPolicy.isRetryable(status: response.status), request.idempotent || response.status == 429 else {
                    throw problem
                }
                state.withLock { state in
                    if response.status == 429 { state.statistics.throttled += 1 } else { state.statistics.serverErrors += 1 }
                }
                retryAfter = response.headers.first(name: "retry-after").flatMap { Double($0) }
            case let .failure(error):
                guard error.code == .transport, request.idempotent else {
                    var error = error
                    error.attempts = attempt
                    throw error
                }
                state.withLock { $0.statistics.transportErrors += 1 }
                problem = error
            }
            problem.attempts = attempt
            guard ContinuousClock.now < deadline else {
                throw failure(.deadlineExceeded, "no answer within \(options.requestDeadline) seconds (last: \(problem.message))",
                              request, attempts: attempt)
            }
            guard attempt < options.retry.maxAttempts else { throw problem }
            let delay = options.retry.delay(afterAttempt: attempt, retryAfter: retryAfter)
            guard ContinuousClock.now + .seconds(delay) < deadline else { throw problem }
            state.withLock { $0.statistics.retries += 1 }
            options.logger.notice("kubernetes request will be retried", metadata: [
                "http.method": "\(request.method.rawValue)", "http.path": "\(request.path)", "retry.attempt": "\(attempt)",
                "retry.reason": "\(problem.label)", "retry.delay": "\(delay)",
            ])
            try await Task.sleep(for: .seconds(delay))
        }
    }

    /// One attempt: the answer, whatever its status, or why none came (as a `.transport` error, or
    /// another code for failures a retry cannot mend). Cancellation is thrown as such.
    private func attempt(_ request: KubeRequest, timeout: Duration) async throws -> Result<KubeResponse, KubernetesError> {
        state.withLock { $0.statistics.requests += 1 }
        var http = HTTPClientRequest(url: baseURL + request.pathAndQuery)
        http.method = request.method
        http.headers.add(name: "Accept", value: request.accept)
        http.headers.add(name: "User-Agent", value: options.userAgent)
        if let body = request.body {
            http.body = .bytes(body)
            http.headers.add(name: "Content-Type", value: request.contentType ?? "application/json")
        }
        do {
            try await authenticate(&http)
        } catch let error as KubernetesError {
            return .failure(error)
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            return .failure(failure(.credentials, "\(error)", request, attempts: 1))
        }
        do {
            let response = try await self.http.execute(http, timeout: TimeAmount.nanoseconds(Int64(timeout / .nanoseconds(1))))
            let body = try await response.body.collect(upTo: 512 << 20)
            return .success(KubeResponse(status: Int(response.status.code), headers: response.headers, body: Array(buffer: body)))
        } catch {
            if Task.isCancelled { throw CancellationError() }
            return .failure(transportFailure(error, request, timeout: timeout))
        }
    }

    /// Adds the Authorization header, or for an exec plugin's certificate, the request's TLS settings.
    private func authenticate(_ request: inout HTTPClientRequest) async throws {
        switch connection.credentials {
        case .none:
            break
        case let .token(provider):
            request.headers.add(name: "Authorization", value: "Bearer " + (try await provider.token().value))
        case let .basic(username, password):
            let pair = Data("\(username):\(password.value)".utf8).base64EncodedString()
            request.headers.add(name: "Authorization", value: "Basic " + pair)
        case let .exec(plugin):
            let credential = try await plugin.credential()
            if let token = credential.token { request.headers.add(name: "Authorization", value: "Bearer " + token.value) }
            if let certificate = credential.clientCertificatePEM, let key = credential.clientKeyPEM {
                request.tlsConfiguration = try execTLS(certificate: certificate, key: key.value)
            }
        }
    }

    /// The TLS configuration with an exec plugin's certificate, made once per certificate.
    private func execTLS(certificate: [UInt8], key: [UInt8]) throws(KubernetesError) -> TLSConfiguration {
        if let cached = state.withLock({ $0.execTLS }), cached.certificate == certificate { return cached.configuration }
        var tls = tlsConfiguration ?? TLSConfiguration.makeClientConfiguration()
        try Self.addClientCertificate(certificate, key: key, to: &tls, server: connection.server)
        state.withLock { $0.execTLS = (certificate, tls) }
        return tls
    }

    func failure(_ code: KubernetesError.Code, _ message: String, _ request: KubeRequest, attempts: Int) -> KubernetesError {
        KubernetesError(code, message, server: connection.server, key: request.key, method: request.method.rawValue,
                        path: request.pathAndQuery, attempts: attempts)
    }

    /// Why an attempt got no answer, in words, and whether trying again could help.
    private func transportFailure(_ error: any Error, _ request: KubeRequest, timeout: Duration) -> KubernetesError {
        var code = KubernetesError.Code.transport
        let message: String
        switch error {
        case let error as HTTPClientError where error == .connectTimeout:
            message = "cannot connect: no answer within \(options.connectTimeout) seconds"
        case let error as HTTPClientError where error == .remoteConnectionClosed:
            message = "the server closed the connection before answering"
        case let error as HTTPClientError where error == .readTimeout || error == .deadlineExceeded:
            message = "no answer within \(timeout)"
        case let error as HTTPClientError where error == .invalidURL || error == .emptyHost || error == .emptyScheme:
            code = .configuration
            message = "the server URL is not valid"
        case let error as HTTPClientError where error == .alreadyShutdown:
            code = .shutDown
            message = "the client was shut down"
        case let error as NIOSSLError where error == .uncleanShutdown:
            message = "the server closed the TLS connection before answering"
        case is NIOSSLError, is NIOSSLExtraError:
            // A certificate that does not verify will not verify on the next attempt either.
            code = .configuration
            message = "TLS failed: \(error) (check the certificate authority, tls-server-name or insecure-skip-tls-verify)"
        case let error as IOError where error.errnoCode == ECONNREFUSED:
            message = "cannot connect: connection refused"
        default:
            let text = "\(error)"
            if text.contains("connection refused") || text.contains("Connection refused") {
                message = "cannot connect: connection refused"
            } else if text.contains("HTTPParserError") || text.contains("invalidEOFState") {
                message = "the connection broke off mid-answer (\(text))"
            } else {
                message = text
            }
        }
        return failure(code, message, request, attempts: 1)
    }
}
