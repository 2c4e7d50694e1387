import AsyncHTTPClient
import FairwayCore
import Foundation
import Logging

/// A client for the EKS control-plane API (REST-JSON, SigV4 service `eks`) covering what Fairway
/// manages: node groups, their updates, and a cluster's endpoint and certificate authority. Every
/// call is signed afresh per attempt and retried by the transport's policy; failures are `AWSError`s
/// naming the operation, endpoint, AWS error code and request id.
public struct EKSClient: Sendable {
    public let region: String
    public let endpoint: AWSURL
    public let credentials: any AWSCredentialsProvider
    public let transport: AWSTransport

    /// - Parameter endpoint: overrides `https://eks.<region>.amazonaws.com` (an emulator such as moto).
    public init(region: String, endpoint: AWSURL? = nil, credentials: any AWSCredentialsProvider, transport: AWSTransport) {
        self.region = region
        self.endpoint = endpoint ?? AWSURL(host: "eks.\(region).\(region.hasPrefix("cn-") ? "amazonaws.com.cn" : "amazonaws.com")")
        self.credentials = credentials
        self.transport = transport
    }

    /// Runs `body` with a client whose transport owns its HTTP client (or borrows `httpClient`),
    /// shutting the transport down whatever happens.
    public static func with<T>(region: String, endpoint: AWSURL? = nil, credentials: any AWSCredentialsProvider,
                               httpClient: HTTPClient? = nil, retryPolicy: AWSRetryPolicy = .standard,
                               logger: Logger = AWSTransport.silentLogger,
                               _ body: (EKSClient) async throws -> T) async throws -> T {
        let transport = AWSTransport(httpClient: httpClient, retryPolicy: retryPolicy, logger: logger)
        let client = EKSClient(region: region, endpoint: endpoint, credentials: credentials, transport: transport)
        return try await transport.shuttingDown { try await body(client) }
    }

    /// Sends one call: `segments` are path segments (each percent-encoded here), `body` is sent as JSON.
    /// Returns the answer's JSON (an empty object for an empty body).
    public func call(_ method: String, _ segments: [String], query: [(name: String, value: String)] = [],
                     body: JSONValue? = nil, operation: String) async throws(AWSError) -> JSONValue {
        let path = "/" + segments.map { AWSPercentEncoding.encode($0) }.joined(separator: "/")
        var request = AWSRequest(method: method, url: endpoint.appending(path: path, query: query))
        if let body {
            request.headers.append(("Content-Type", "application/json"))
            request.body = JSONWriter.bytes(body)
        }
        let signing = AWSTransport.Signing(credentials: credentials, region: region, service: "eks")
        let response = try await transport.send(request, operation: operation, signing: signing)
        do {
            return try response.json()
        } catch {
            var error = error
            error.operation = operation
            error.endpoint = endpoint.origin
            throw error
        }
    }

    /// The member `key` of an answer, or an error saying it is missing.
    func member(_ key: String, of answer: JSONValue, operation: String) throws(AWSError) -> JSONValue {
        guard let value = answer[key], value != .null else {
            throw AWSError(.invalidResponse, "the answer has no '\(key)'", operation: operation, endpoint: endpoint.origin)
        }
        return value
    }
}
