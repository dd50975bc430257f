public import AsyncHTTPClient
public import Logging
public import MoorCore
internal import NIOCore
internal import NIOHTTP1
internal import Synchronization

/// Delivers notifications: takes events without waiting (``notify(_:)``), matches them against the
/// settings in force, and sends each provider its requests in order, one at a time, in the background.
///
/// Guarantees: ``notify(_:)`` never blocks or fails, so a sync is never slowed by a slow or failing
/// receiver. An event of the same kind, application and revision as one received within
/// ``DeliveryPolicy/deduplicationWindow`` is not sent again. Each provider gets at most
/// ``DeliveryPolicy/burst`` requests at once and ``DeliveryPolicy/ratePerSecond`` in the long run (later
/// requests wait, they are not dropped). A request answered 408, 429 or 5xx, or not answered, is tried
/// again after a backoff, up to ``DeliveryPolicy/attempts`` tries; another 4xx is not retried. When
/// ``DeliveryPolicy/queueCapacity`` requests wait, further ones are dropped. A delivery that fails for good,
/// and a dropped one, is counted (``Statistics``) and logged with the provider and the event, never with
/// the address, the headers or the token.
public actor Notifier {
    /// What the notifier counted since it was created.
    public struct Statistics: Sendable, Hashable {
        /// Events received.
        public var events = 0
        /// Events not sent because the same was sent within the de-duplication window.
        public var deduplicated = 0
        /// Requests delivered (answered 2xx), by provider type.
        public var delivered: [NotificationProvider.ProviderType: Int] = [:]
        /// Tries that failed and were tried again, by provider type.
        public var retried: [NotificationProvider.ProviderType: Int] = [:]
        /// Requests that failed for good (every try failed, or a 4xx answer), by provider type.
        public var failed: [NotificationProvider.ProviderType: Int] = [:]
        /// Requests dropped because the queue was full, by provider type.
        public var dropped: [NotificationProvider.ProviderType: Int] = [:]
        /// Events dropped before matching: handed over after ``stop(gracePeriod:)``, or while
        /// ``DeliveryPolicy/queueCapacity`` events waited to be taken.
        public var overflowed = 0
    }

    /// One request waiting for delivery.
    private struct Pending: Sendable {
        let request: NotificationRequest
        let endpoint: ProviderEndpoint
        let event: NotificationEvent
    }

    /// How one try ended.
    private enum TryResult {
        case delivered
        case failed(reason: String, retryable: Bool)
    }

    private let settings: @Sendable () async -> NotificationSettings
    private let client: HTTPClient
    private let policy: DeliveryPolicy
    private let clock: MoorClock
    private let logger: Logger
    private let stream: AsyncStream<NotificationEvent>
    private let continuation: AsyncStream<NotificationEvent>.Continuation
    /// Events the stream's buffer could not take.
    private let overflow = Mutex(0)
    private var deduplication: DeduplicationWindow
    private var rateLimit: DeliveryRateLimit
    private var counts = Statistics()
    /// The requests waiting for each provider (by namespace/name), oldest first.
    private var queues: [String: [Pending]] = [:]
    /// The task draining each provider's queue.
    private var workers: [String: Task<Void, Never>] = [:]
    private var consumer: Task<Void, Never>?

    /// A notifier sending through `client` (the caller owns it) with `policy`, matching events against
    /// what `settings` returns when each event is taken (it may read the cluster; events wait meanwhile, the
    /// caller of ``notify(_:)`` does not). Nothing is sent until ``start()``.
    public init(
        settings: @escaping @Sendable () async -> NotificationSettings, client: HTTPClient = .shared,
        policy: DeliveryPolicy = DeliveryPolicy(), clock: MoorClock = .system,
        logger: Logger = Logger(label: "moor.notifications")
    ) {
        self.settings = settings
        self.client = client
        self.policy = policy
        self.clock = clock
        self.logger = logger
        deduplication = DeduplicationWindow(window: policy.deduplicationWindow)
        rateLimit = DeliveryRateLimit(burst: policy.burst, ratePerSecond: policy.ratePerSecond)
        (stream, continuation) = AsyncStream.makeStream(bufferingPolicy: .bufferingOldest(policy.queueCapacity))
    }

    /// Hands `event` over for delivery and returns at once. After ``stop(gracePeriod:)``, or when
    /// ``DeliveryPolicy/queueCapacity`` events wait to be taken, the event is dropped (and counted).
    public nonisolated func notify(_ event: NotificationEvent) {
        if case .dropped = continuation.yield(event) { overflow.withLock { $0 += 1 } }
    }

    /// Starts taking events (once).
    public func start() {
        guard consumer == nil else { return }
        let stream = stream
        consumer = Task {
            for await event in stream { await self.accept(event) }
        }
    }

    /// Stops taking events, gives the deliveries under way and waiting up to `gracePeriod` to finish, then
    /// cancels them. Final.
    public func stop(gracePeriod: Duration = .seconds(5)) async {
        continuation.finish()
        await consumer?.value
        let pending = Array(workers.values)
        let clock = clock
        let deadline = Task {
            guard (try? await clock.sleep(for: gracePeriod)) != nil else { return }
            for worker in pending { worker.cancel() }
        }
        for worker in pending { await worker.value }
        deadline.cancel()
    }

    /// The counts so far.
    public func statistics() -> Statistics {
        var counts = counts
        counts.overflowed = overflow.withLock { $0 }
        return counts
    }

    /// Matches one event and queues its requests.
    private func accept(_ event: NotificationEvent) async {
        counts.events += 1
        guard deduplication.admit(event.deduplicationKey, now: clock.now) else {
            counts.deduplicated += 1
            return
        }
        let current = await settings()
        for endpoint in current.deliveries(for: event) {
            for request in NotificationRequest.requests(for: event, endpoint: endpoint) {
                enqueue(request, endpoint, event)
            }
        }
    }

    /// Queues `request` for `endpoint`'s provider, unless too many wait.
    private func enqueue(_ request: NotificationRequest, _ endpoint: ProviderEndpoint, _ event: NotificationEvent) {
        let type = endpoint.provider.type
        guard queues.values.reduce(0, { $0 + $1.count }) < policy.queueCapacity else {
            counts.dropped[type, default: 0] += 1
            log("dropping a notification: too many wait for delivery", endpoint, event, reason: nil)
            return
        }
        let key = NotificationSettings.key(endpoint.provider.namespace, endpoint.provider.name)
        queues[key, default: []].append(Pending(request: request, endpoint: endpoint, event: event))
        if workers[key] == nil { workers[key] = Task { await self.drain(key) } }
    }

    /// Delivers the requests waiting for provider `key`, in order, until none is left.
    private func drain(_ key: String) async {
        while let next = queues[key]?.first, !Task.isCancelled {
            queues[key]?.removeFirst()
            await deliver(next, provider: key)
        }
        queues[key] = nil
        workers[key] = nil
    }

    /// Sends one request, after the provider's rate limit allows it, retrying as the policy says.
    private func deliver(_ pending: Pending, provider key: String) async {
        let type = pending.endpoint.provider.type
        var failedTries = 0
        while true {
            let allowed = rateLimit.reserve(key, now: clock.now)
            if allowed > clock.now, (try? await clock.sleep(until: allowed)) == nil { return }
            switch await send(pending.request, secrets: [pending.endpoint.token, pending.endpoint.address]) {
            case .delivered:
                counts.delivered[type, default: 0] += 1
                logger.debug(
                    "notification delivered",
                    metadata: [
                        "provider": "\(pending.endpoint)", "event": "\(pending.event.kind.rawValue)",
                        "application": "\(pending.event.application)",
                    ])
                return
            case .failed(let reason, let retryable):
                failedTries += 1
                if retryable, let delay = policy.retryDelay(afterFailedTries: failedTries) {
                    counts.retried[type, default: 0] += 1
                    if (try? await clock.sleep(for: delay)) == nil { return }
                    continue
                }
                counts.failed[type, default: 0] += 1
                log("delivering a notification failed", pending.endpoint, pending.event, reason: reason)
                return
            }
        }
    }

    /// One try of `request`: delivered on a 2xx answer; otherwise why, with `secrets` (the token and the
    /// address) removed from the reason, and whether another try may succeed (no answer, 408, 429, 5xx).
    private func send(_ request: NotificationRequest, secrets: [String]) async -> TryResult {
        var outgoing = HTTPClientRequest(url: request.url)
        outgoing.method = .POST
        for (name, value) in request.headers { outgoing.headers.add(name: name, value: value) }
        outgoing.body = .bytes(ByteBuffer(bytes: request.body))
        let timeout = TimeAmount.milliseconds(Int64(policy.timeout.seconds * 1000))
        do {
            let response = try await client.execute(outgoing, timeout: timeout)
            _ = try? await response.body.collect(upTo: 1 << 20)
            let code = Int(response.status.code)
            if (200..<300).contains(code) { return .delivered }
            return .failed(reason: "answered HTTP \(code)", retryable: code == 408 || code == 429 || code >= 500)
        } catch {
            let reason = secrets.filter { !$0.isEmpty }.reduce("\(error)") {
                $0.replacingOccurrences(of: $1, with: "<redacted>")
            }
            return .failed(reason: reason, retryable: true)
        }
    }

    private func log(
        _ message: Logger.Message, _ endpoint: ProviderEndpoint, _ event: NotificationEvent, reason: String?
    ) {
        var metadata: Logger.Metadata = [
            "provider": "\(endpoint)", "event": "\(event.kind.rawValue)", "application": "\(event.application)",
            "revision": "\(event.revision.prefix(12))",
        ]
        if let reason { metadata["error"] = "\(reason)" }
        logger.warning(message, metadata: metadata)
    }
}
