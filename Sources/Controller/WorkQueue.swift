internal import MoorCore

/// How long a key that failed waits before it is handed out again: `base × factor^(failures − 1)`,
/// never more than `cap`.
public struct Backoff: Sendable, Hashable {
    /// The delay after the first failure.
    public var base: Duration
    /// The growth per further failure.
    public var factor: Double
    /// The longest delay.
    public var cap: Duration

    /// Creates a backoff (default: 5 s, ×2, at most 3 min — Argo CD's retry defaults).
    public init(base: Duration = .seconds(5), factor: Double = 2, cap: Duration = .seconds(180)) {
        self.base = base
        self.factor = factor
        self.cap = cap
    }

    /// The delay after `failures` consecutive failures (none for zero).
    public func delay(afterFailures failures: Int) -> Duration {
        guard failures > 0 else { return .zero }
        var delay = base
        for _ in 1..<failures {
            delay = delay * factor
            if delay >= cap { return cap }
        }
        return min(delay, cap)
    }
}

extension Backoff {
    /// The backoff of an application's `syncPolicy.retry`.
    init(_ retry: SyncRetry) {
        self.init(
            base: .milliseconds(Int(retry.durationSeconds * 1000)), factor: retry.factor,
            cap: .milliseconds(Int(retry.maxDurationSeconds * 1000)))
    }
}

/// The queue of applications waiting to be reconciled: a pure state machine, driven by the
/// controller with the current time passed in, so every rule is testable without waiting.
///
/// Rules:
/// - Adding a key already queued does nothing (bursts of triggers collapse into one reconcile).
/// - A key being processed is never handed out again until ``done(_:succeeded:now:)``; adding it
///   meanwhile queues it once more, to be handed out after it is done.
/// - A failure queues the key again, not before the ``Backoff`` delay for its number of consecutive
///   failures; adding it while it backs off does not shorten the wait. A success resets the count.
/// - Keys are handed out in the order they were queued, among those whose wait is over.
struct WorkQueue: Sendable {
    typealias Instant = ContinuousClock.Instant

    let backoff: Backoff
    private var queue: [String] = []
    private var processing: Set<String> = []
    private var dirty: Set<String> = []
    private var forgotten: Set<String> = []
    private var failures: [String: Int] = [:]
    private var notBefore: [String: Instant] = [:]

    init(backoff: Backoff = Backoff()) {
        self.backoff = backoff
    }

    /// Queues `key`. Returns whether it was newly queued or marked to run again after processing.
    @discardableResult
    mutating func add(_ key: String) -> Bool {
        forgotten.remove(key)
        if processing.contains(key) { return dirty.insert(key).inserted }
        guard !queue.contains(key) else { return false }
        queue.append(key)
        return true
    }

    /// Hands out the first queued key whose backoff is over, and marks it processing; `nil` when none is ready.
    mutating func next(now: Instant) -> String? {
        guard let index = queue.firstIndex(where: { notBefore[$0].map { $0 <= now } ?? true }) else { return nil }
        let key = queue.remove(at: index)
        processing.insert(key)
        return key
    }

    /// Marks `key` processing without handing it out (it leaves the queue); `false` when it is
    /// already being processed. Finish with ``done(_:succeeded:now:backoff:)`` as for ``next(now:)``.
    mutating func claim(_ key: String) -> Bool {
        guard processing.insert(key).inserted else { return false }
        if let index = queue.firstIndex(of: key) {
            queue.remove(at: index)
            dirty.insert(key)
        }
        return true
    }

    /// Marks `key` processed. On failure it is queued again after its backoff (`backoff`, or the
    /// queue's own when `nil`); on success its failure count is reset. Either way, a key added while
    /// it was processing is queued again.
    mutating func done(_ key: String, succeeded: Bool, now: Instant, backoff: Backoff? = nil) {
        guard processing.remove(key) != nil else { return }
        if forgotten.remove(key) != nil { return }
        if succeeded {
            failures[key] = nil
            notBefore[key] = nil
        } else {
            let count = failures[key, default: 0] + 1
            failures[key] = count
            notBefore[key] = now + (backoff ?? self.backoff).delay(afterFailures: count)
        }
        if dirty.remove(key) != nil || !succeeded { add(key) }
    }

    /// Drops `key`: it leaves the queue and its failure count, and if it is being processed it is
    /// not queued again when done.
    mutating func forget(_ key: String) {
        queue.removeAll { $0 == key }
        dirty.remove(key)
        failures[key] = nil
        notBefore[key] = nil
        if processing.contains(key) { forgotten.insert(key) }
    }

    /// When the earliest queued key that is still backing off becomes ready; `nil` when none backs off.
    var nextWakeUp: Instant? {
        queue.compactMap { notBefore[$0] }.min()
    }

    /// Consecutive failures of `key`.
    func failureCount(of key: String) -> Int {
        failures[key, default: 0]
    }

    /// Keys waiting (not processing).
    var queued: [String] { queue }

    /// Keys being processed.
    var inProgress: Set<String> { processing }
}
