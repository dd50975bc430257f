public import GitSource
internal import KubeCache
public import KubeClient
public import Logging
public import MoorCore
public import Sync

/// The continuous controller: keeps every registered application moored to Git.
///
/// Each application is reconciled (fetched, rendered, compared, synced when its policy says so,
/// status recorded) when it is registered or changed, every ``Configuration/pollInterval``, and when
/// the live-object cache sees one of its objects change (drift). Reconciles go through a
/// ``WorkQueue``: triggers for an application already waiting collapse into one, one application
/// is never reconciled twice at once, at most ``Configuration/concurrency`` run together, and one
/// that fails is retried after an exponential ``Backoff`` (the application's `syncPolicy.retry`, whose
/// `limit` also caps the failed syncs of one commit). An Application resource annotated
/// `moor.dev/refresh` (or `argocd.argoproj.io/refresh`) is reconciled at once and the annotation removed.
///
/// Every sync adds an entry to the application's ``ApplicationStatus/history`` (the last 10);
/// ``rollback(_:to:prune:)`` syncs an earlier one and turns automated sync off. Application
/// resources get Kubernetes Events (`SyncStarted`, `SyncSucceeded`, `SyncFailed`, `DriftDetected`).
///
/// A reconcile that finds everything in sync writes nothing, not even status. Call ``stop(gracePeriod:)``
/// before releasing the controller; the caller owns the engine's ``KubeClient`` and shuts it down afterwards.
public actor ApplicationController {
    /// How the controller works.
    public struct Configuration: Sendable {
        /// How often each application is reconciled without any other trigger.
        public var pollInterval: Duration
        /// How many applications are reconciled at once.
        public var concurrency: Int
        /// The wait before retrying an application whose reconcile failed, unless its
        /// `syncPolicy.retry` sets its own.
        public var backoff: Backoff
        /// Git credentials for every source.
        public var credentials: GitCredentials
        /// A GnuPG home of trusted keys: commits not signed by one of them are refused.
        public var verifyKeyring: String?

        /// Creates a configuration.
        public init(
            pollInterval: Duration = .seconds(60), concurrency: Int = 4, backoff: Backoff = Backoff(),
            credentials: GitCredentials = .none, verifyKeyring: String? = nil
        ) {
            self.pollInterval = pollInterval
            self.concurrency = max(1, concurrency)
            self.backoff = backoff
            self.credentials = credentials
            self.verifyKeyring = verifyKeyring
        }
    }

    /// Where an application was registered from.
    public enum Origin: Sendable, Hashable {
        /// Given to ``manage(_:)`` (e.g. from `--apps FILE`); status is kept in memory.
        case file
        /// An Application resource in the cluster; status is written to its `status` subresource.
        case resource(ObjectRef)
    }

    /// Counters since the controller was created.
    public struct Statistics: Sendable, Hashable {
        /// Reconciles started.
        public var reconciles = 0
        /// Syncs run.
        public var syncs = 0
        /// Status writes to Application resources.
        public var statusWrites = 0
    }

    /// One registered application and what the controller knows about it.
    struct Managed {
        var application: Application
        var origin: Origin
        var status = ApplicationStatus()
        /// The status last written to the Application resource.
        var written: ApplicationStatus?
        /// The spec and revision the cluster was last seen in sync with (or synced to).
        var lastSynced: SyncTarget?
        /// The objects the last comparison found in sync, to tell drift from echoes of Moor's writes.
        var expected = ExpectedObjects()
        var poll: Task<Void, Never>
        /// The `uid` of the Application resource, for the events about it.
        var resourceUID = ""
        /// Refresh annotations on the Application resource, removed after the next reconcile.
        var refreshAnnotations: [String] = []
        /// Whether the current drift was already reported by an event.
        var driftReported = false
        /// Consecutive failed syncs of one target, for `syncPolicy.retry.limit`.
        var failedSyncs: (target: SyncTarget, count: Int)?
    }

    /// What a sync made the cluster match: the spec and the commit (or, for a local directory, a
    /// fingerprint of the rendered objects).
    struct SyncTarget: Hashable {
        var spec: ApplicationSpec
        var revision: String
    }

    let engine: SyncEngine
    let fetcher: SourceFetcher
    let cache: LiveObjectCache
    let configuration: Configuration
    let logger: Logger
    var registry: [String: Managed] = [:]
    var counts = Statistics()
    var queue: WorkQueue
    var running: [String: Task<Void, Never>] = [:]
    var background: [Task<Void, Never>] = []
    private var wakeUp: Task<Void, Never>?
    var accepting = true

    /// Creates a controller syncing through `engine` (whose client also feeds the live-object
    /// cache and receives status writes) with sources from `fetcher`. Nothing runs until ``start()``.
    public init(
        engine: SyncEngine, fetcher: SourceFetcher, configuration: Configuration = Configuration(),
        logger: Logger = Logger(label: "moor.controller")
    ) {
        self.engine = engine
        self.fetcher = fetcher
        self.configuration = configuration
        self.logger = logger
        cache = LiveObjectCache(client: engine.client, logger: logger)
        queue = WorkQueue(backoff: configuration.backoff)
    }

    /// The cluster client.
    public var client: KubeClient { engine.client }

    /// Starts reacting to drift: a change the live-object cache sees to an application's objects
    /// queues that application, unless the object still matches what its last comparison found in
    /// sync, with the same health (such a change is usually the echo of Moor's own write).
    public func start() async {
        let changes = await cache.changes()
        background.append(
            Task { [weak self] in
                for await change in changes { await self?.received(change) }
            })
    }

    /// Stops taking work, lets reconciles in flight finish for up to `gracePeriod` and then cancels
    /// them, stops the triggers and the live-object cache. Final. The client stays open.
    public func stop(gracePeriod: Duration = .seconds(30)) async {
        accepting = false
        wakeUp?.cancel()
        for managed in registry.values { managed.poll.cancel() }
        for task in background { task.cancel() }
        let inFlight = Array(running.values)
        let deadline = Task {
            guard (try? await Task.sleep(for: gracePeriod)) != nil else { return }
            logger.warning("cancelling reconciles still running after the grace period", metadata: [
                "applications": "\(running.keys.sorted().joined(separator: ", "))",
            ])
            for task in inFlight { task.cancel() }
        }
        for task in inFlight { await task.value }
        deadline.cancel()
        await cache.stop()
        for task in background { await task.value }
        logger.info("controller stopped")
    }

    /// The status of application `name`, or `nil` when no such application is registered.
    public func status(of name: String) -> ApplicationStatus? {
        registry[name]?.status
    }

    /// The registered applications, by name.
    public func applications() -> [String: Application] {
        registry.mapValues(\.application)
    }

    /// The counters so far.
    public func statistics() -> Statistics {
        counts
    }

    /// Queues a reconcile of `name` now (ignored for an unknown application or after ``stop(gracePeriod:)``).
    public func refresh(_ name: String) {
        enqueue(name)
    }

    // MARK: Work queue

    private func received(_ change: CacheChange) {
        for name in change.applications where registry[name]?.expected.needsReconcile(change) == true {
            enqueue(name)
        }
    }

    func enqueue(_ name: String) {
        guard accepting, registry[name] != nil else { return }
        if queue.add(name) { dispatch() }
    }

    /// Drops `name` from the queue (it is no longer managed).
    func forget(_ name: String) {
        queue.forget(name)
    }

    /// Starts reconciles while there is ready work and room, and arranges to be called again when
    /// the next backed-off application becomes ready.
    func dispatch() {
        guard accepting else { return }
        while running.count < configuration.concurrency, let name = queue.next(now: .now) {
            running[name] = Task { await self.process(name) }
        }
        wakeUp?.cancel()
        wakeUp = queue.nextWakeUp.map { instant in
            Task { [weak self] in
                do { try await Task.sleep(until: instant, clock: .continuous) } catch { return }
                await self?.dispatch()
            }
        }
    }

    private func process(_ name: String) async {
        let succeeded = await reconcile(name)
        await clearRefreshRequest(name)
        finish(name, succeeded: succeeded)
    }

    /// Marks the work on `name` done (retried after the application's `syncPolicy.retry` backoff, or
    /// the configured one, when it failed) and starts what can run next.
    func finish(_ name: String, succeeded: Bool) {
        let retry = registry[name]?.application.spec.syncPolicy.retry
        queue.done(name, succeeded: succeeded, now: .now, backoff: retry.map(Backoff.init))
        running[name] = nil
        if !succeeded {
            logger.info(
                "will retry", metadata: ["application": "\(name)", "failures": "\(queue.failureCount(of: name))"])
        }
        dispatch()
    }

    /// A task that queues `name` every poll interval until cancelled.
    func startPolling(_ name: String) -> Task<Void, Never> {
        let interval = configuration.pollInterval
        return Task { [weak self] in
            while true {
                do { try await Task.sleep(for: interval) } catch { return }
                await self?.enqueue(name)
            }
        }
    }
}
