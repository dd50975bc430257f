/// How the ``Notifier`` retries, limits and de-duplicates deliveries.
public struct DeliveryPolicy: Sendable, Hashable {
    /// How many times one delivery is tried, the first included.
    public var attempts: Int
    /// The wait after the first failed try; each further one waits `factor` times longer, at most `maximumDelay`.
    public var firstDelay: Duration
    /// The growth of the wait per failed try.
    public var factor: Double
    /// The longest wait between two tries.
    public var maximumDelay: Duration
    /// How long one try may take.
    public var timeout: Duration
    /// How many requests one provider may receive at once after a quiet spell (the token bucket's size).
    public var burst: Int
    /// How many requests one provider receives per second in the long run.
    public var ratePerSecond: Double
    /// How long an event is remembered: the same kind, application and revision again within this time is
    /// not sent again.
    public var deduplicationWindow: Duration
    /// How many events may wait for delivery; an event arriving when that many wait is dropped (and counted).
    public var queueCapacity: Int

    /// Creates a policy (default: 5 tries waiting 1 s, 2 s, 4 s, 8 s; 10 s a try; bursts of 10 and 1 request
    /// a second per provider; events remembered for an hour; 1,000 waiting at most).
    public init(
        attempts: Int = 5, firstDelay: Duration = .seconds(1), factor: Double = 2,
        maximumDelay: Duration = .seconds(60),
        timeout: Duration = .seconds(10), burst: Int = 10, ratePerSecond: Double = 1,
        deduplicationWindow: Duration = .seconds(3600), queueCapacity: Int = 1000
    ) {
        self.attempts = max(1, attempts)
        self.firstDelay = firstDelay
        self.factor = factor
        self.maximumDelay = maximumDelay
        self.timeout = timeout
        self.burst = max(1, burst)
        self.ratePerSecond = ratePerSecond
        self.deduplicationWindow = deduplicationWindow
        self.queueCapacity = max(1, queueCapacity)
    }

    /// The wait after the `failedTries`-th failed try (`1` after the first): `firstDelay × factor^(n−1)`,
    /// at most `maximumDelay`; `nil` when no try is left.
    public func retryDelay(afterFailedTries failedTries: Int) -> Duration? {
        guard failedTries >= 1, failedTries < attempts else { return nil }
        let growth = (1..<failedTries).reduce(1.0) { product, _ in product * factor }
        return .milliseconds(Int((min(firstDelay.seconds * growth, maximumDelay.seconds) * 1000).rounded()))
    }
}

/// The events sent recently, to send each (kind, application, revision) once per window. Pure: the caller
/// passes the time.
public struct DeduplicationWindow: Sendable {
    private let window: Duration
    private var seen: [DeduplicationKey: ContinuousClock.Instant] = [:]

    /// Remembers events for `window`.
    public init(window: Duration) { self.window = window }

    /// Whether `key` is new at `now` (not admitted within the window before); a new key is remembered from
    /// `now`. Keys older than the window are forgotten first, so memory holds one window's events.
    public mutating func admit(_ key: DeduplicationKey, now: ContinuousClock.Instant) -> Bool {
        seen = seen.filter { now - $0.value < window }
        guard seen[key] == nil else { return false }
        seen[key] = now
        return true
    }
}

/// A token bucket per provider: `burst` requests at once, then `ratePerSecond`. Pure: the caller passes the time.
public struct DeliveryRateLimit: Sendable {
    private struct Bucket {
        var tokens: Double
        var updated: ContinuousClock.Instant
    }

    private let burst: Double
    private let rate: Double
    private var buckets: [String: Bucket] = [:]

    /// A limit of `burst` requests at once and `ratePerSecond` in the long run, per provider.
    public init(burst: Int, ratePerSecond: Double) {
        self.burst = Double(max(1, burst))
        rate = max(ratePerSecond, 0.001)
    }

    /// Takes one request's token for `provider` at `now`: the time at which that request may be sent
    /// (`now` when a token is left, later otherwise; the token is spoken for either way).
    public mutating func reserve(_ provider: String, now: ContinuousClock.Instant) -> ContinuousClock.Instant {
        var bucket = buckets[provider] ?? Bucket(tokens: burst, updated: now)
        bucket.tokens = min(burst, bucket.tokens + max(0, (now - bucket.updated).seconds) * rate)
        bucket.updated = now
        bucket.tokens -= 1
        buckets[provider] = bucket
        guard bucket.tokens < 0 else { return now }
        return now + .milliseconds(Int((-bucket.tokens / rate * 1000).rounded(.up)))
    }
}

extension Duration {
    /// The duration in seconds.
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
