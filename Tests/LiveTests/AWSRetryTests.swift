import FairwayAWS
import FairwayCore
import FairwayLive
import Foundation
import Testing

/// Retries: the policy's decisions as a table, then the transport against a scripted HTTP responder
/// (server errors and throttling retried until success, client errors not retried, attempts
/// exhausted, an attempt cut off by its timeout) and against a port nobody listens on.
@Suite struct AWSRetryTests {
    static let fast = AWSRetryPolicy(maxAttempts: 3, baseDelay: 0.01, maxDelay: 0.05, attemptTimeout: 60, deadline: 120)
    static let credentials = StaticAWSCredentialsProvider(AWSCredentials(accessKeyId: "AKIDRETRY", secretAccessKey: "retry-secret"))

    @Test(arguments: [
        (AWSRetryPolicy.Outcome.response(status: 429, code: nil), true),
        (.response(status: 400, code: "ThrottlingException"), true),
        (.response(status: 400, code: "TooManyRequestsException"), true),
        (.response(status: 400, code: "Throttling"), true),
        (.response(status: 500, code: "InternalFailure"), true),
        (.response(status: 502, code: nil), true),
        (.response(status: 503, code: nil), true),
        (.response(status: 504, code: nil), true),
        (.response(status: 501, code: nil), false),
        (.response(status: 400, code: "InvalidParameterException"), false),
        (.response(status: 403, code: "AccessDeniedException"), false),
        (.response(status: 404, code: "ResourceNotFoundException"), false),
        (.response(status: 409, code: "ResourceInUseException"), false),
        (.connectionFailed, true),
        (.timedOut, true),
    ])
    func whatIsRetried(_ outcome: AWSRetryPolicy.Outcome, _ retried: Bool) {
        #expect(AWSRetryPolicy.standard.isRetryable(outcome) == retried)
        #expect((AWSRetryPolicy.standard.delay(after: outcome, attempt: 1, elapsed: 0, random: { 0.5 }) != nil) == retried)
    }

    /// Full jitter: random in [0, min(maxDelay, base * 2^(n-1))]; none after the last attempt or past the deadline.
    @Test func backoff() {
        let policy = AWSRetryPolicy(maxAttempts: 5, baseDelay: 1, maxDelay: 5, attemptTimeout: 10, deadline: 30)
        let throttled = AWSRetryPolicy.Outcome.response(status: 429, code: nil)
        #expect(policy.delay(after: throttled, attempt: 1, elapsed: 0, random: { 0.5 }) == 0.5)
        #expect(policy.delay(after: throttled, attempt: 2, elapsed: 0, random: { 0.5 }) == 1)
        #expect(policy.delay(after: throttled, attempt: 3, elapsed: 0, random: { 0.99 }) == 3.96)
        #expect(abs((policy.delay(after: throttled, attempt: 4, elapsed: 0, random: { 0.99 }) ?? 0) - 4.95) < 1e-9)
        #expect(policy.delay(after: throttled, attempt: 4, elapsed: 0, random: { 0 }) == 0)
        #expect(policy.delay(after: throttled, attempt: 5, elapsed: 0, random: { 0.5 }) == nil)
        #expect(policy.delay(after: throttled, attempt: 2, elapsed: 29.5, random: { 0.9 }) == nil)
        #expect(AWSRetryPolicy(maxAttempts: 0, baseDelay: 1, maxDelay: 1, attemptTimeout: 1, deadline: 1).maxAttempts == 1)
    }

    static func requests(_ log: String) -> [String] {
        ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    /// Runs `body` with an EKS client pointed at a responder playing `script`.
    static func withResponder(_ script: [JSONValue], policy: AWSRetryPolicy = fast,
                              _ body: (EKSClient, String) async throws -> Void) async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let log = "\(directory.path)/requests"
        _ = try await PythonServer.withResponder(script, log: log) { server in
            try await EKSClient.with(region: "us-east-1", endpoint: server.url, credentials: credentials, retryPolicy: policy) { eks in
                try await body(eks, log)
            }
        }
    }

    static let throttled: JSONValue = [
        "status": 400, "body": "{\"message\": \"Rate exceeded\"}",
        "headers": ["X-Amzn-ErrorType": "ThrottlingException:http://internal.amazon.com/coral/com.amazon.coral.availability/"],
    ]

    @Test func serverErrorsAndThrottlingAreRetriedUntilSuccess() async throws {
        try await Self.withResponder([["status": 503, "body": "unavailable"], Self.throttled,
                                      ["status": 200, "body": "{\"nodegroups\": [\"gpu\"]}"]]) { eks, log in
            let names = try await eks.listNodegroups(cluster: "ml")
            #expect(names == ["gpu"])
            #expect(Self.requests(log) == Array(repeating: "GET /clusters/ml/node-groups", count: 3))
        }
    }

    @Test func clientErrorsAreNotRetried() async throws {
        try await Self.withResponder([[
            "status": 400, "headers": ["X-Amzn-ErrorType": "InvalidParameterException", "x-amzn-RequestId": "req-42"],
            "body": "{\"message\": \"maxSize must be at least 1\"}",
        ]]) { eks, log in
            let error = try await #require(throws: AWSError.self) { try await eks.updateNodegroupConfig(cluster: "ml", nodegroup: "gpu", request: ["scalingConfig": ["maxSize": 0]]) }
            #expect(error.code == "InvalidParameterException" && error.status == 400 && error.attempts == 1)
            #expect(error.description.hasSuffix("UpdateNodegroupConfig at \(error.endpoint!): InvalidParameterException: "
                + "maxSize must be at least 1 (HTTP 400, request id req-42)"))
            #expect(Self.requests(log) == ["POST /clusters/ml/node-groups/gpu/update-config"])
        }
    }

    @Test func attemptsRunOut() async throws {
        try await Self.withResponder([Self.throttled]) { eks, log in
            let error = try await #require(throws: AWSError.self) { try await eks.describeNodegroup(cluster: "ml", nodegroup: "gpu") }
            #expect(error.code == "ThrottlingException" && error.attempts == 3)
            #expect(error.description.contains("Rate exceeded (HTTP 400, 3 attempts)"))
            #expect(Self.requests(log).count == 3)
        }
    }

    @Test func aSlowAnswerTimesOut() async throws {
        let policy = AWSRetryPolicy(maxAttempts: 2, baseDelay: 0.01, maxDelay: 0.01, attemptTimeout: 0.3, deadline: 10)
        try await Self.withResponder([["status": 200, "body": "{}", "delay": 900]], policy: policy) { eks, log in
            let error = try await #require(throws: AWSError.self) { try await eks.describeCluster("ml") }
            // Two attempts of 0.3 s; on a loaded machine the 10 s deadline may cut the second short.
            #expect(error.kind == .timeout && (1...2).contains(error.attempts ?? 0), "\(error)")
            #expect(error.description.contains("no answer from \(error.endpoint!) within 0."), "\(error)")
            #expect(!error.description.contains("within -"), "\(error)")
            // The server answers 200 after 15 minutes: a timeout error proves the attempts were cut short, with
            // no wall-clock bound (CI saw a starved test process take 28.3 s to report the timeout).
        }
    }

    /// Nothing listens on the port: the error names the endpoint and comes in seconds, retries included,
    /// not after a connect timeout (the bound is loose because other suites share the two cores).
    @Test func anUnreachableEndpointFailsQuicklyAndSaysWhere() async throws {
        let endpoint = AWSURL(scheme: "http", host: "127.0.0.1", port: Ports.free())
        let started = ContinuousClock.now
        try await EKSClient.with(region: "us-east-1", endpoint: endpoint, credentials: Self.credentials) { eks in
            let error = try await #require(throws: AWSError.self) { try await eks.listNodegroups(cluster: "ml") }
            #expect(error.kind == .unreachable)
            // Every attempt the policy allows, unless a loaded machine spent the 60 s deadline first.
            #expect((1...AWSRetryPolicy.standard.maxAttempts).contains(error.attempts ?? 0), "\(error)")
            #expect(error.description.hasPrefix("ListNodegroups at \(endpoint.origin): cannot reach \(endpoint.origin): connection refused"),
                    "\(error)")
        }
        // It gives up rather than hangs (loose: a loaded machine must pass too).
        #expect(ContinuousClock.now - started < .seconds(180))
    }
}
