public import KubeClient
public import Logging
internal import MoorCore
public import ServiceLifecycle

/// Automatic sharding by Lease membership: each replica renews a Lease of its own,
/// `<group>-<identity>`, labelled ``groupLabel`` with the group's name, and reads the others'. The
/// live members share the applications by rendezvous hashing (``ShardAssignment/member(_:of:)``).
///
/// A member whose lease has not changed for its whole duration (by this process's clock, as in
/// ``LeaderElector``) is dead, and its applications go to the others: within `leaseDuration` plus
/// one `retryPeriod` of its last renewal. A member that stops cleanly releases its lease and its
/// applications move at the others' next round. A member whose own renewals fail for a whole
/// `leaseDuration` owns nothing until it renews again.
///
/// The lease of a member that has not changed for ten lease durations (a replica that is gone for
/// good, e.g. a pod replaced by a rollout) is deleted by the first member to notice, only if it is
/// still that version; a member that comes back creates its lease again.
///
/// Two members sync the same application only transiently: a joining member owns nothing for its
/// first `retryPeriod` (by then every other member has read its lease and let go of what it gains),
/// so the overlap is at most a reconcile that was already running when ownership moved.
public actor ShardMembership {
    /// The label marking a member's lease; its value is the group's name.
    public static let groupLabel = "moor.dev/controller-shard-group"

    /// This replica's identity (e.g. the pod name).
    public let identity: String
    /// The group's name: the prefix of its members' lease names and the value of ``groupLabel``.
    public let group: String
    /// The namespace of the members' leases.
    public let namespace: String
    /// How long a member's lease lasts without renewal.
    public let leaseDuration: Duration
    /// How often this member renews its lease and reads the others'.
    public let retryPeriod: Duration
    private let client: KubeClient
    private let lease: LeaderElector
    private let logger: Logger
    /// The other members' leases, by lease name, as last read.
    private var others: [String: LeaseElection] = [:]
    /// When the current run of successful renewals began.
    private var joinedAt: ContinuousClock.Instant?
    private var lastRenewal: ContinuousClock.Instant?

    /// Creates a member (nothing is sent until ``round()`` or ``run(assigning:)``). `identity` must
    /// make `<group>-<identity>` a valid object name (lowercase letters, digits, `-` and `.`).
    public init(
        client: KubeClient, namespace: String, group: String = "moor-controller", identity: String,
        leaseDuration: Duration = .seconds(15), retryPeriod: Duration = .seconds(2),
        logger: Logger = Logger(label: "moor.shard")
    ) {
        self.client = client
        self.namespace = namespace
        self.group = group
        self.identity = identity
        self.leaseDuration = leaseDuration
        self.retryPeriod = retryPeriod
        self.logger = logger
        lease = LeaderElector(
            client: client, namespace: namespace, name: Self.leaseName(group: group, identity: identity),
            identity: identity, leaseDuration: leaseDuration, retryPeriod: retryPeriod,
            labels: [Self.groupLabel: group], logger: logger)
    }

    /// The name of a member's lease.
    public static func leaseName(group: String, identity: String) -> String {
        "\(group)-\(identity)"
    }

    /// One round: renews this member's lease, reads the group's, and returns what this member owns
    /// now; `nil` (keep the current assignment) when the leases could not be read.
    public func round() async -> ShardAssignment? {
        let now = ContinuousClock.now
        if await lease.tryAcquireOrRenew() {
            if lastRenewal.map({ now - $0 >= leaseDuration }) ?? true { joinedAt = now }
            lastRenewal = now
        }
        do {
            let resource = try await client.resource(apiVersion: "coordination.k8s.io/v1", kind: "Lease")
            let leases = try await client.listAll(
                resource, namespace: namespace, options: ListOptions(labelSelector: "\(Self.groupLabel)=\(group)"))
            var read: [String: LeaseElection] = [:]
            for object in leases.items {
                guard let name = object[path: "metadata", "name"]?.stringValue, name != lease.lease.name else {
                    continue
                }
                var election = others[name] ?? LeaseElection(identity: identity)
                election.observe(LeaseRecord(lease: object), at: now)
                read[name] = election
            }
            others = read
            await deleteStaleLeases(at: now)
        } catch {
            logger.warning("reading the shard members' leases failed", metadata: ["error": "\(error)"])
            return nil
        }
        guard let lastRenewal, let joinedAt, now - lastRenewal < leaseDuration, now - joinedAt >= retryPeriod else {
            return .nothing
        }
        let live = others.values.filter { $0.isHeldElsewhere(at: now) }.compactMap { $0.observed?.holder }
        return .member(identity, of: Set(live + [identity]).sorted())
    }

    /// How long another member's lease must stay unchanged before it is deleted.
    var staleAfter: Duration { leaseDuration * 10 }

    /// Deletes the other members' leases unchanged for ``staleAfter``, each only at the version
    /// read; one renewed, or deleted by another member, meanwhile is left alone.
    private func deleteStaleLeases(at now: ContinuousClock.Instant) async {
        for (name, election) in others where election.unchanged(for: staleAfter, at: now) {
            guard let version = election.observed?.resourceVersion else { continue }
            let ref = ObjectRef(
                group: "coordination.k8s.io", version: "v1", kind: "Lease", namespace: namespace, name: name)
            do {
                try await client.delete(ref, resourceVersion: version)
                others[name] = nil
                logger.info("deleted the lease of a departed shard member", metadata: ["lease": "\(name)"])
            } catch  where error.code == .notFound || error.code == .conflict {
                others[name] = nil
            } catch {
                logger.warning(
                    "deleting a stale shard lease failed", metadata: ["lease": "\(name)", "error": "\(error)"])
            }
        }
    }

    /// Until cancelled: a ``round()`` every `retryPeriod`, its result given to `controller`
    /// (``ApplicationController/assign(_:)``); then releases this member's lease, so the others take
    /// its applications at once. Stop the controller before cancelling, so no sync of its runs on.
    public func run(assigning controller: ApplicationController) async {
        var current: ShardAssignment?
        while !Task.isCancelled {
            if let assignment = await round(), assignment != current {
                current = assignment
                if case .member(_, let members) = assignment, !members.isEmpty {
                    logger.info("shard members", metadata: ["members": "\(members.joined(separator: ", "))"])
                } else {
                    logger.warning(
                        "not a live shard member (yet): syncing nothing", metadata: ["identity": "\(identity)"])
                }
                await controller.assign(assignment)
            }
            try? await Task.sleep(for: retryPeriod)
        }
        // Release from a task of its own: this one is cancelled, and its requests would be too.
        await Task { await self.lease.release() }.value
    }

    /// This membership as a `Service` that runs ``run(assigning:)`` until graceful shutdown or
    /// cancellation. Listed before `controller` in a `ServiceGroup`, it releases the lease after the
    /// controller stopped.
    public nonisolated func service(assigning controller: ApplicationController) -> some Service {
        Membership(membership: self, controller: controller)
    }

    /// ``run(assigning:)`` as a `Service`.
    private struct Membership: Service {
        let membership: ShardMembership
        let controller: ApplicationController

        func run() async {
            await cancelWhenGracefulShutdown { await membership.run(assigning: controller) }
        }
    }
}

extension ShardAssignment {
    /// No application at all (a shard member not yet, or no longer, live).
    public static let nothing = ShardAssignment.member("", of: [])
}
