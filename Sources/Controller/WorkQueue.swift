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

/// Why an application is queued. A key queued for several triggers keeps the strongest (the
/// latest case in this list), and the queue hands out higher ``priority`` first.
enum Trigger: Int, Sendable, Comparable, CaseIterable {
    /// The poll interval passed: check Git for a new commit.
    case poll
    /// An earlier reconcile failed and its backoff is over.
    case retry
    /// The live-object cache saw one of the application's objects change (drift).
    case drift
    /// The application is new, its spec changed, or this replica just took it over.
    case changed
    /// Someone asked for it: ``ApplicationController/refresh(_:)``, a refresh annotation, a Git webhook.
    case refresh

    /// How urgent: drift, refresh and changed specs go before retries, which go before polls.
    var priority: Int {
        switch self {
        case .poll: 0
        case .retry: 1
        case .drift, .changed, .refresh: 2
        }
    }

    /// Whether the reconcile must see the remote's refs as they are now, not as a recent listing saw them.
    var needsFreshListing: Bool { self == .changed || self == .refresh }

    static func < (lhs: Trigger, rhs: Trigger) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// The queue of applications waiting to be reconciled: a pure state machine, driven by the
/// controller with the current time passed in, so every rule is testable without waiting.
///
/// Rules:
/// - Adding a key already queued does not queue it twice (bursts of triggers collapse into one
///   reconcile); it keeps the strongest ``Trigger``, so a poll for a key queued for drift collapses
///   into the drift, and a drift for a key queued for a poll raises it.
/// - A key being processed is never handed out again until ``done(_:succeeded:now:backoff:)``; adding it
///   meanwhile queues it once more (with the strongest trigger added), to be handed out after it is done.
/// - A failure queues the key again as a ``Trigger/retry`` (or stronger), not before the ``Backoff``
///   delay for its number of consecutive failures; adding it while it backs off does not shorten the
///   wait. A success resets the count.
/// - Among the keys whose wait is over, higher ``Trigger/priority`` goes first, then the order in
///   which keys reached that priority.
///
/// Handing out a key and adding one cost O(log n) in the keys queued: keys whose wait is over sit in
/// a heap in the order they are handed out, keys backing off in a heap by the end of their wait.
/// Neither heap is updated when a key leaves the queue or moves up; their elements that no longer
/// match the key's entry are skipped when they come up.
struct WorkQueue: Sendable {
    typealias Instant = ContinuousClock.Instant

    /// A queued key's strongest trigger and its place in the order of its priority.
    private struct Entry {
        var trigger: Trigger
        var order: Int
    }

    /// A queued key whose wait is over, as it stood when it was put in ``ready``: current while the key
    /// waits with the same order. Less means handed out first.
    private struct Ready: Comparable {
        var priority: Int
        var order: Int
        var key: String

        static func < (lhs: Ready, rhs: Ready) -> Bool {
            guard lhs.priority == rhs.priority else { return lhs.priority > rhs.priority }
            return lhs.order < rhs.order
        }
    }

    /// When the wait of a key backing off ends: current while the key waits and its wait still ends then.
    private struct Delayed: Comparable {
        var end: Instant
        var key: String

        static func < (lhs: Delayed, rhs: Delayed) -> Bool { lhs.end < rhs.end }
    }

    let backoff: Backoff
    private var waiting: [String: Entry] = [:]
    private var nextOrder = 0
    private var processing: Set<String> = []
    private var dirty: [String: Trigger] = [:]
    private var forgotten: Set<String> = []
    private var failures: [String: Int] = [:]
    /// The end of each backoff not yet over when the queue last looked (``promote(now:)``).
    private var notBefore: [String: Instant] = [:]
    /// An element for each waiting key without a ``notBefore``, plus stale ones.
    private var ready = BinaryHeap<Ready>()
    /// An element for each waiting key with a ``notBefore``, plus stale ones.
    private var delayed = BinaryHeap<Delayed>()
    /// Keys operations wait to ``claim(_:)``, with how many wait for each.
    private var reserved: [String: Int] = [:]

    init(backoff: Backoff = Backoff()) {
        self.backoff = backoff
    }

    /// Queues `key` for `trigger`. Returns whether that changed anything: the key was newly queued,
    /// raised to a stronger trigger, or marked to run again after processing.
    @discardableResult
    mutating func add(_ key: String, _ trigger: Trigger) -> Bool {
        forgotten.remove(key)
        if processing.contains(key) {
            guard let previous = dirty[key] else {
                dirty[key] = trigger
                return true
            }
            dirty[key] = max(previous, trigger)
            return trigger > previous
        }
        guard let entry = waiting[key] else {
            waiting[key] = Entry(trigger: trigger, order: takeOrder())
            makeReady(key)
            return true
        }
        guard trigger > entry.trigger else { return false }
        guard trigger.priority > entry.trigger.priority else {
            waiting[key]?.trigger = trigger
            return true
        }
        waiting[key] = Entry(trigger: trigger, order: takeOrder())
        makeReady(key)
        return true
    }

    /// Hands out the most urgent queued key whose backoff is over (see the rules) and whose trigger has at
    /// least `minimumPriority`, with its trigger, and marks it processing; `nil` when none is ready.
    mutating func next(now: Instant, minimumPriority: Int = 0) -> (key: String, trigger: Trigger)? {
        promote(now: now)
        var passed: [Ready] = []
        defer { for element in passed { ready.insert(element) } }
        while let first = ready.min, first.priority >= minimumPriority {
            ready.popMin()
            guard let entry = waiting[first.key], entry.order == first.order else { continue }
            guard reserved[first.key] == nil else {
                passed.append(first)
                continue
            }
            waiting[first.key] = nil
            processing.insert(first.key)
            return (first.key, entry.trigger)
        }
        return nil
    }

    /// Keeps `key` from being handed out until as many ``unreserve(_:)`` calls: an operation that
    /// waits to ``claim(_:)`` it is not overtaken by the polls that keep arriving meanwhile.
    mutating func reserve(_ key: String) {
        reserved[key, default: 0] += 1
    }

    /// Ends one ``reserve(_:)`` of `key`.
    mutating func unreserve(_ key: String) {
        guard let count = reserved[key] else { return }
        reserved[key] = count > 1 ? count - 1 : nil
    }

    /// Marks `key` processing without handing it out (it leaves the queue); `false` when it is
    /// already being processed. Finish with ``done(_:succeeded:now:backoff:)`` as for ``next(now:)``.
    mutating func claim(_ key: String) -> Bool {
        guard processing.insert(key).inserted else { return false }
        if let entry = waiting.removeValue(forKey: key) { dirty[key] = entry.trigger }
        return true
    }

    /// Marks `key` processed. On failure it is queued again as a retry after its backoff (`backoff`,
    /// or the queue's own when `nil`); on success its failure count is reset. Either way, a key added
    /// while it was processing is queued again.
    mutating func done(_ key: String, succeeded: Bool, now: Instant, backoff: Backoff? = nil) {
        guard processing.remove(key) != nil else { return }
        if forgotten.remove(key) != nil { return }
        let added = dirty.removeValue(forKey: key)
        if succeeded {
            failures[key] = nil
            notBefore[key] = nil
            if let added { add(key, added) }
        } else {
            let count = failures[key, default: 0] + 1
            failures[key] = count
            let end = now + (backoff ?? self.backoff).delay(afterFailures: count)
            notBefore[key] = end
            delayed.insert(Delayed(end: end, key: key))
            add(key, max(added ?? .retry, .retry))
        }
    }

    /// Drops `key`: it leaves the queue and its failure count, and if it is being processed it is
    /// not queued again when done.
    mutating func forget(_ key: String) {
        waiting[key] = nil
        dirty[key] = nil
        failures[key] = nil
        notBefore[key] = nil
        if processing.contains(key) { forgotten.insert(key) }
    }

    /// When the earliest queued key still backing off at `now` becomes ready; `nil` when none backs off.
    /// (Keys ready already need no wake-up: they are handed out as soon as there is room.)
    func nextWakeUp(after now: Instant) -> Instant? {
        delayed.min { $0.end > now && waiting[$0.key] != nil && notBefore[$0.key] == $0.end }?.end
    }

    /// Consecutive failures of `key`.
    func failureCount(of key: String) -> Int {
        failures[key, default: 0]
    }

    /// Keys waiting (not processing), in the order they would be handed out were none backing off.
    var queued: [String] {
        waiting.map { key, entry in Ready(priority: entry.trigger.priority, order: entry.order, key: key) }
            .sorted().map(\.key)
    }

    /// Keys being processed.
    var inProgress: Set<String> { processing }

    /// Puts `key` among the keys whose wait is over, as it now waits, unless it backs off (its end of
    /// backoff puts it there).
    private mutating func makeReady(_ key: String) {
        guard notBefore[key] == nil, let entry = waiting[key] else { return }
        ready.insert(Ready(priority: entry.trigger.priority, order: entry.order, key: key))
    }

    /// Moves the keys whose backoff is over at `now` among the ready ones.
    private mutating func promote(now: Instant) {
        while let first = delayed.min, first.end <= now {
            delayed.popMin()
            guard notBefore[first.key] == first.end else { continue }
            notBefore[first.key] = nil
            makeReady(first.key)
        }
    }

    private mutating func takeOrder() -> Int {
        defer { nextOrder += 1 }
        return nextOrder
    }
}
