/// When a failed AWS call is tried again, and after how long: throttling (HTTP 429 or a throttling
/// error code), server errors (5xx but 501) and connection failures or timeouts are retried with
/// exponential backoff and full jitter, at most `maxAttempts` times in all and never past the
/// call's deadline. Other client errors (4xx) are final. A pure value: the decisions are tested as a table.
public struct AWSRetryPolicy: Sendable {
    /// Attempts in all, the first included.
    public var maxAttempts: Int
    /// The backoff before retry n (1-based) is random in [0, min(maxDelay, baseDelay * 2^(n-1))].
    public var baseDelay: Double
    public var maxDelay: Double
    /// Seconds one attempt may take, connecting included.
    public var attemptTimeout: Double
    /// Seconds the whole call may take, retries and backoff included.
    public var deadline: Double

    /// AWS's "standard" retry mode: 3 attempts, backoff up to 20 s; attempts of 30 s, 60 s in all.
    public static let standard = AWSRetryPolicy(maxAttempts: 3, baseDelay: 0.5, maxDelay: 20, attemptTimeout: 30, deadline: 60)

    public init(maxAttempts: Int, baseDelay: Double, maxDelay: Double, attemptTimeout: Double, deadline: Double) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.attemptTimeout = attemptTimeout
        self.deadline = deadline
    }

    /// What an attempt ended with, as far as retrying is concerned.
    public enum Outcome: Sendable, Equatable {
        /// An HTTP answer with its status and AWS error code, if any.
        case response(status: Int, code: String?)
        /// No answer: refused, reset, DNS or TLS failure.
        case connectionFailed
        /// No answer in time.
        case timedOut
    }

    /// Error codes that mean "slow down", whatever the status.
    public static let throttlingCodes: Set<String> = [
        "Throttling", "ThrottlingException", "ThrottledException", "TooManyRequestsException", "RequestThrottled",
        "RequestThrottledException", "RequestLimitExceeded", "SlowDown", "ProvisionedThroughputExceededException",
        "BandwidthLimitExceeded", "EC2ThrottledException", "PriorRequestNotComplete",
    ]

    /// Error codes for transient failures on AWS's side, whatever the status.
    public static let transientCodes: Set<String> = [
        "RequestTimeout", "RequestTimeoutException", "InternalError", "InternalFailure", "ServiceUnavailable",
        "ServiceUnavailableException", "IDPCommunicationError",
    ]

    /// Whether an outcome is worth another attempt (ignoring attempt counts and deadlines).
    public func isRetryable(_ outcome: Outcome) -> Bool {
        switch outcome {
        case .connectionFailed, .timedOut:
            return true
        case let .response(status, code):
            if let code, Self.throttlingCodes.contains(code) || Self.transientCodes.contains(code) { return true }
            return status == 429 || (status >= 500 && status != 501)
        }
    }

    /// The pause before the next attempt, or nil to give up. `attempt` is the 1-based number of the
    /// attempt that just failed; `elapsed` the seconds since the call began; `random` gives a number
    /// in [0, 1) (injected so tests can pin the jitter).
    public func delay(after outcome: Outcome, attempt: Int, elapsed: Double,
                      random: () -> Double = { Double.random(in: 0..<1) }) -> Double? {
        guard isRetryable(outcome), attempt < maxAttempts else { return nil }
        let ceiling = min(maxDelay, baseDelay * Double(1 << min(attempt - 1, 30)))
        let pause = ceiling * random()
        // Give up rather than start an attempt that the deadline would cut short at once.
        guard elapsed + pause < deadline else { return nil }
        return pause
    }
}
