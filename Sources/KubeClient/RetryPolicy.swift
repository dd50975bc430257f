/// When and how long to wait before retrying a failed request: exponential backoff with jitter,
/// honouring the server's `Retry-After`.
public struct RetryPolicy: Sendable, Hashable {
    /// Attempts in all, the first included.
    public var maxAttempts: Int
    /// Delay before the first retry.
    public var initialDelay: Duration
    /// Upper bound of any one delay.
    public var maxDelay: Duration

    /// Creates a policy.
    public init(maxAttempts: Int = 5, initialDelay: Duration = .milliseconds(200), maxDelay: Duration = .seconds(10)) {
        self.maxAttempts = max(1, maxAttempts)
        self.initialDelay = initialDelay
        self.maxDelay = maxDelay
    }

    /// No retries at all.
    public static let none = RetryPolicy(maxAttempts: 1)

    /// The delay before attempt `attempt + 1` (attempt counts from 1), given the server's hint in seconds.
    /// The delay is drawn from [d/2, d] where d doubles each attempt up to ``maxDelay``.
    public func delay(afterAttempt attempt: Int, retryAfterSeconds: Int?) -> Duration {
        if let retryAfterSeconds, retryAfterSeconds > 0 {
            return min(.seconds(retryAfterSeconds), maxDelay)
        }
        var delay = initialDelay
        for _ in 1..<max(1, attempt) where delay < maxDelay { delay *= 2 }
        delay = min(delay, maxDelay)
        return delay / 2 + delay / 2 * Double.random(in: 0...1)
    }
}
