/// When and how long to wait before trying a Kubernetes request again.
///
/// Retried: 429 Too Many Requests (after the server's `Retry-After` when it sends one), 5xx except
/// 501 Not Implemented, and failures to get an answer (connection refused, dropped or reset,
/// timeouts), but the latter two only for requests that are safe to repeat: GET and LIST, DELETE,
/// and server-side apply (an apply patch states the whole intent, so applying it twice is the same
/// as once). Other 4xx answers are never retried. Waits grow exponentially with full jitter (a
/// random wait between zero and the bound), and stop after `maxAttempts` or at the request's deadline.
public struct RetryPolicy: Sendable, Equatable {
    /// Attempts in all, the first included.
    public var maxAttempts: Int
    /// The bound of the first wait, in seconds; it doubles each time up to `maxDelay`.
    public var baseDelay: Double
    public var maxDelay: Double
    /// The longest `Retry-After` honoured, in seconds.
    public var maxRetryAfter: Double

    public init(maxAttempts: Int = 5, baseDelay: Double = 0.1, maxDelay: Double = 5, maxRetryAfter: Double = 30) {
        self.maxAttempts = maxAttempts
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.maxRetryAfter = maxRetryAfter
    }

    /// One attempt and no retry.
    public static let never = RetryPolicy(maxAttempts: 1)

    /// Whether an answer with this status may be retried.
    public static func isRetryable(status: Int) -> Bool {
        status == 429 || (status >= 500 && status != 501 && status < 600)
    }

    /// The wait before attempt `attempt + 1` (after `attempt` attempts, counting from 1), in seconds.
    public func delay(afterAttempt attempt: Int, retryAfter: Double? = nil) -> Double {
        if let retryAfter { return min(max(retryAfter, 0), maxRetryAfter) }
        let bound = min(maxDelay, baseDelay * Double(1 << min(attempt - 1, 30)))
        return bound > 0 ? Double.random(in: 0...bound) : 0
    }
}
