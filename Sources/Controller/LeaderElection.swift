internal import Foundation
public import KubeClient
public import Logging
public import MoorCore
public import ServiceLifecycle

/// What a `coordination.k8s.io/v1` Lease says: who holds it and for how long.
struct LeaseRecord: Sendable, Hashable {
    var holder: String
    var durationSeconds: Int
    var transitions: Int
    var resourceVersion: String

    init(holder: String, durationSeconds: Int, transitions: Int, resourceVersion: String) {
        self.holder = holder
        self.durationSeconds = durationSeconds
        self.transitions = transitions
        self.resourceVersion = resourceVersion
    }

    init(lease: JSONValue) {
        holder = lease[path: "spec", "holderIdentity"]?.stringValue ?? ""
        durationSeconds = lease[path: "spec", "leaseDurationSeconds"]?.intValue ?? 0
        transitions = lease[path: "spec", "leaseTransitions"]?.intValue ?? 0
        resourceVersion = lease[path: "metadata", "resourceVersion"]?.stringValue ?? ""
    }
}

/// The decisions of leader election, free of I/O (as client-go decides them): a lease held by
/// someone else counts as expired only when its record has not changed for its whole duration by
/// *our* clock, so clocks need not agree.
struct LeaseElection: Sendable {
    /// What to do with the lease now.
    enum Decision: Equatable, Sendable {
        /// Write the lease with ourselves as holder (create it when it does not exist).
        case take(transition: Bool)
        /// Someone else holds a live lease: wait.
        case wait
    }

    let identity: String
    private(set) var observed: LeaseRecord?
    private(set) var observedAt: ContinuousClock.Instant?

    init(identity: String) {
        self.identity = identity
    }

    /// Remembers the lease as read at `now`; the expiry clock restarts only when the record changed.
    mutating func observe(_ record: LeaseRecord?, at now: ContinuousClock.Instant) {
        if record != observed || observedAt == nil { observedAt = now }
        observed = record
    }

    /// Whether to take the lease at `now`.
    func decide(at now: ContinuousClock.Instant) -> Decision {
        guard let record = observed else { return .take(transition: true) }
        if record.holder == identity { return .take(transition: false) }
        if record.holder.isEmpty { return .take(transition: true) }
        guard let observedAt else { return .wait }
        let expired = now - observedAt >= .seconds(record.durationSeconds)
        return expired ? .take(transition: true) : .wait
    }

    /// Whether someone else holds a live lease at `now` (a shard member, seen from another member).
    func isHeldElsewhere(at now: ContinuousClock.Instant) -> Bool {
        decide(at: now) == .wait
    }

    /// Whether the observed lease has not changed for `period` (by this process's clock).
    func unchanged(for period: Duration, at now: ContinuousClock.Instant) -> Bool {
        observedAt.map { now - $0 >= period } ?? false
    }
}

/// Leader election over a Lease: at most one holder at a time among the processes that share the
/// lease's name; a holder that stops renewing loses it after `leaseDuration`, and one that stops
/// cleanly releases it at once.
public actor LeaderElector {
    /// The lease's namespace and name.
    public let lease: ObjectRef
    /// This process's identity (e.g. the pod name).
    public let identity: String
    /// How long a lease lasts without renewal.
    public let leaseDuration: Duration
    /// How often the lease is tried or renewed.
    public let retryPeriod: Duration
    /// Labels written on the lease.
    public let labels: [String: String]
    private let client: KubeClient
    private let logger: Logger
    private var election: LeaseElection
    private var leading = false

    /// Creates an elector (nothing is sent until ``run(whileLeading:)``) whose lease carries `labels`.
    public init(
        client: KubeClient, namespace: String, name: String, identity: String,
        leaseDuration: Duration = .seconds(15), retryPeriod: Duration = .seconds(2), labels: [String: String] = [:],
        logger: Logger = Logger(label: "moor.leader")
    ) {
        self.labels = labels
        self.client = client
        self.lease = ObjectRef(
            group: "coordination.k8s.io", version: "v1", kind: "Lease", namespace: namespace, name: name)
        self.identity = identity
        self.leaseDuration = leaseDuration
        self.retryPeriod = retryPeriod
        self.logger = logger
        election = LeaseElection(identity: identity)
    }

    /// Tries once to take or renew the lease; returns whether this process leads afterwards.
    public func tryAcquireOrRenew() async -> Bool {
        let now = ContinuousClock.now
        do {
            let current: JSONValue?
            do {
                current = try await client.get(lease)
            } catch  where error.code == .notFound {
                current = nil
            }
            election.observe(current.map(LeaseRecord.init(lease:)), at: now)
            guard case .take(let transition) = election.decide(at: now) else {
                leading = false
                return false
            }
            let record = election.observed
            var object = leaseObject(transitions: (record?.transitions ?? 0) + (transition && record != nil ? 1 : 0))
            if let current {
                object[path: "metadata", "resourceVersion"] = current[path: "metadata", "resourceVersion"]
                if !transition { object[path: "spec", "acquireTime"] = current[path: "spec", "acquireTime"] }
                let written = try await client.replace(object)
                election.observe(LeaseRecord(lease: written), at: now)
            } else {
                let written = try await client.create(object)
                election.observe(LeaseRecord(lease: written), at: now)
            }
            if !leading { logger.info("became leader", metadata: ["lease": "\(lease)", "identity": "\(identity)"]) }
            leading = true
        } catch {
            // A conflict means another process wrote first; anything else, we cannot tell: not leading.
            if leading { logger.warning("lost the lease", metadata: ["error": "\(error)"]) }
            leading = false
        }
        return leading
    }

    /// Gives the lease up at once (holder cleared) if this process holds it, whatever the last
    /// renewal's outcome (a renewal cut short by cancellation may still have been written).
    public func release() async {
        guard let current = try? await client.get(lease),
            current[path: "spec", "holderIdentity"]?.stringValue == identity
        else {
            leading = false
            return
        }
        var object = current
        object[path: "spec", "holderIdentity"] = ""
        object[path: "spec", "leaseDurationSeconds"] = 1
        _ = try? await client.replace(object)
        leading = false
        logger.info("released the lease", metadata: ["lease": "\(lease)"])
    }

    /// Campaigns until cancelled or shut down gracefully: runs `work` while leading and cancels it
    /// when the lease is lost (a renewal failing for a whole lease duration); then releases the lease.
    ///
    /// On graceful shutdown (in a `ServiceGroup`) `work` is not cancelled but waited for: it inherits the
    /// shutdown, so a `ServiceGroup` it runs shuts its services down gracefully before the lease goes.
    /// Cancellation cancels it.
    public func run(whileLeading work: @escaping @Sendable () async -> Void) async {
        var task: Task<Void, Never>?
        var lastRenewal = ContinuousClock.now
        while !Task.isCancelled, !Task.isShuttingDownGracefully {
            if await tryAcquireOrRenew() {
                lastRenewal = .now
                if task == nil { task = Task { await work() } }
            } else if let running = task, ContinuousClock.now - lastRenewal >= leaseDuration {
                running.cancel()
                await running.value
                task = nil
            }
            let retryPeriod = retryPeriod
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: retryPeriod) }
        }
        if let task {
            if Task.isCancelled { task.cancel() }
            await withTaskCancellationHandler {
                await task.value
            } onCancel: {
                task.cancel()
            }
        }
        // Release from a task of its own: this one may be cancelled, and its requests would be too.
        await Task { await self.release() }.value
    }

    /// This elector as a `Service` that campaigns (``run(whileLeading:)``) until graceful shutdown or
    /// cancellation.
    public nonisolated func service(whileLeading work: @escaping @Sendable () async -> Void) -> some Service {
        Campaign(elector: self, work: work)
    }

    /// ``run(whileLeading:)`` as a `Service`.
    private struct Campaign: Service {
        let elector: LeaderElector
        let work: @Sendable () async -> Void

        func run() async {
            await elector.run(whileLeading: work)
        }
    }

    private func leaseObject(transitions: Int) -> JSONValue {
        let now = Self.microTime(Date())
        return [
            "apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
            "metadata": [
                "name": .string(lease.name), "namespace": .string(lease.namespace),
                "labels": .object(
                    JSONObject(labels.sorted { $0.key < $1.key }.map { ($0.key, JSONValue.string($0.value)) })),
            ],
            "spec": [
                "holderIdentity": .string(identity),
                "leaseDurationSeconds": .int(Int(leaseDuration.components.seconds)),
                "acquireTime": .string(now), "renewTime": .string(now), "leaseTransitions": .int(transitions),
            ],
        ]
    }

    /// Kubernetes' MicroTime: RFC 3339 in UTC with six fractional digits.
    static func microTime(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        let micros = Int((date.timeIntervalSince1970 * 1_000_000).rounded(.down)) % 1_000_000
        return String(
            format: "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ", parts.year!, parts.month!, parts.day!, parts.hour!,
            parts.minute!, parts.second!, micros)
    }
}
