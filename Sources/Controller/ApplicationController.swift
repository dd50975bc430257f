public import GitSource
public import KubeCache
public import KubeClient
public import Logging
public import MoorCore
internal import Notifications
public import Sync

/// The continuous controller: keeps every registered application moored to Git.
///
/// Each application is reconciled (fetched, rendered, compared, synced when its policy says so,
/// status recorded) when it is registered or changed, every ``Configuration/pollInterval``, and when
/// the live-object cache sees one of its objects change (drift). Reconciles go through a
/// ``WorkQueue``: triggers for an application already waiting collapse into one, drift, refreshes and
/// changed specs go ahead of retries and polls, one application is never reconciled twice at once, at
/// most ``Configuration/concurrency`` run together, and one that fails is retried after an exponential
/// ``Backoff`` (the application's `syncPolicy.retry`, whose `limit` also caps the failed syncs of one
/// commit). A poll that finds the commit and spec of the last full reconcile, with no change to the
/// application's objects since, skips the comparison; a full one runs every
/// ``Configuration/resyncInterval`` all the same. An Application resource annotated
/// `moor.dev/refresh` (or `argocd.argoproj.io/refresh`) is reconciled at once and the annotation removed.
///
/// Every sync adds an entry to the application's ``ApplicationStatus/history`` (the last 10);
/// ``rollback(_:to:prune:)`` syncs an earlier one and turns automated sync off. Application
/// resources get Kubernetes Events (`SyncStarted`, `SyncSucceeded`, `SyncFailed`, `DriftDetected`), and with
/// ``Configuration/notifications`` those and more events go to the Alerts' providers in the background
/// (``Notifications/Notifier``).
///
/// An application deploys to the cluster its destination names (``ClusterRegistry``): the controller's
/// own, or one registered by a Secret labelled `moor.dev/secret-type: cluster` in
/// ``Configuration/clusterSecretNamespace``; each cluster has its own engine and live-object cache. An
/// unknown destination is a `ComparisonError` condition and nothing is written. Status, events and
/// Application resources always live in the controller's own cluster.
///
/// A reconcile that finds everything in sync writes nothing, not even status. Call ``stop(gracePeriod:)``
/// before releasing the controller; the caller owns the engine's ``KubeClient`` and shuts it down afterwards.
public actor ApplicationController {
    /// How the controller works.
    public struct Configuration: Sendable {
        /// How often each application is reconciled without any other trigger.
        public var pollInterval: Duration
        /// How many applications are reconciled at once; above one, polls and retries use one fewer.
        public var concurrency: Int
        /// The wait before retrying an application whose reconcile failed, unless its
        /// `syncPolicy.retry` sets its own.
        public var backoff: Backoff
        /// Git credentials for every source.
        public var credentials: GitCredentials
        /// A GnuPG home of trusted keys: commits not signed by one of them are refused.
        public var verifyKeyring: String?
        /// The namespace of the cluster Secrets (label `moor.dev/secret-type: cluster`) that register
        /// the clusters destinations name, and of the `moor-cm` and `argocd-cm` ConfigMaps of health
        /// customizations; `nil` for the default namespace of the controller's client.
        public var clusterSecretNamespace: String?
        /// The longest a poll relies on the last comparison: a poll that finds the same commit and spec as
        /// the last full reconcile, with no change to the application's objects since, skips the comparison
        /// unless that reconcile is this old. `.zero` compares on every poll.
        public var resyncInterval: Duration
        /// How long reconciles in flight may take to finish when the controller stops as a `Service`
        /// (``run()``).
        public var gracePeriod: Duration
        /// Which sources applications the cluster defines may read (no local directory by default).
        public var sourceAdmission: SourceAdmission
        /// How long the health customizations read from the `moor-cm` and `argocd-cm` ConfigMaps of the
        /// controller's namespace are used before they are read again (``HealthConfigMaps``).
        public var healthRefreshInterval: Duration
        /// The controller's own namespace: where its AppProjects live, and the one namespace whose Applications
        /// may use any project — the built-in `default` included — without the project naming it in
        /// `sourceNamespaces`. `nil` for ``clusterSecretNamespace``, or else the default namespace of the
        /// controller's client.
        public var namespace: String?
        /// The ServiceAccount (in the application's own namespace) an application's syncs impersonate when
        /// neither its `spec.serviceAccountName` nor its project's `destinationServiceAccounts` names one
        /// (`--default-service-account`); `nil` syncs those applications as the controller itself.
        public var defaultServiceAccount: String?
        /// How long the AppProjects read are used before they are read again (``ProjectCatalog``).
        public var projectRefreshInterval: Duration
        /// Which notifications are sent, and where their Providers and Alerts come from (none by default).
        public var notifications = NotificationOptions()

        /// Creates a configuration.
        public init(
            pollInterval: Duration = .seconds(60), concurrency: Int = 4, backoff: Backoff = Backoff(),
            credentials: GitCredentials = .none, verifyKeyring: String? = nil, clusterSecretNamespace: String? = nil,
            resyncInterval: Duration = .seconds(300), gracePeriod: Duration = .seconds(30),
            sourceAdmission: SourceAdmission = SourceAdmission(), healthRefreshInterval: Duration = .seconds(10),
            namespace: String? = nil, defaultServiceAccount: String? = nil,
            projectRefreshInterval: Duration = .seconds(10)
        ) {
            self.namespace = namespace
            self.defaultServiceAccount = defaultServiceAccount
            self.projectRefreshInterval = projectRefreshInterval
            self.pollInterval = pollInterval
            self.concurrency = max(1, concurrency)
            self.backoff = backoff
            self.credentials = credentials
            self.verifyKeyring = verifyKeyring
            self.clusterSecretNamespace = clusterSecretNamespace
            self.resyncInterval = resyncInterval
            self.gracePeriod = gracePeriod
            self.sourceAdmission = sourceAdmission
            self.healthRefreshInterval = healthRefreshInterval
        }
    }

    /// Where an application was registered from.
    public enum Origin: Sendable, Hashable {
        /// Given to ``manage(_:)`` (e.g. from `--apps FILE`); status is kept in memory.
        case file
        /// An Application resource in the cluster; status is written to its `status` subresource.
        case resource(ObjectRef)
        /// Generated by the ApplicationSet of this name (``manageSet(_:)``); status is kept in memory.
        case applicationSet(String)
        /// Read from Application manifests in Git (``manageApplications(from:)``, app of apps), the
        /// source named by its description; status is kept in memory.
        case git(String)
    }

    /// Counters since the controller was created.
    public struct Statistics: Sendable, Hashable {
        /// Reconciles started, counting polls that skipped the comparison.
        public var reconciles = 0
        /// Polls that found nothing changed since the last full reconcile and skipped the comparison.
        public var skippedComparisons = 0
        /// Syncs run.
        public var syncs = 0
        /// Status writes to Application resources.
        public var statusWrites = 0
        /// Changes to the objects of registered applications the live-object caches reported, counted
        /// once per application (echoes of Moor's own writes included).
        public var cacheChanges = 0
    }

    /// One registered application and what the controller knows about it.
    struct Managed {
        var application: Application
        var origin: Origin
        var status = ApplicationStatus()
        /// The status last written to the Application resource.
        var written: ApplicationStatus?
        /// The objects the last comparison found in sync, to tell drift from echoes of Moor's writes.
        var expected = ExpectedObjects()
        /// What its reconciles remember of its syncs (``SyncMemory``: where automated sync and
        /// self-heal are decided).
        var memory = SyncMemory()
        /// The `uid` of the Application resource, for the events about it.
        var resourceUID = ""
        /// The labels of the Application resource, for the Alerts' `matchLabels`.
        var labels: [String: String] = [:]
        /// Refresh annotations on the Application resource, removed after the next reconcile.
        var refreshAnnotations: [String] = []
        /// The cluster its destination named at the last reconcile; only changes seen there queue it.
        var cluster: String?
        /// The resource types the live-object cache watches for it (every kind it had objects of).
        var watchedTypes: [APIResource] = []
        /// A destination it left objects at (without prune), checked again at every reconcile until empty.
        var previousDestination: ApplicationDestination?
    }

    let engine: SyncEngine<KubeClient>
    let fetcher: SourceFetcher
    let cache: LiveObjectCache
    /// Whether the controller made ``cache`` (and so stops it) rather than being given it.
    let ownsCache: Bool
    /// The clusters destinations name, each with its engine and live-object cache.
    let clusters: ClusterRegistry
    /// The health customizations of the controller's namespace.
    let healthConfigMaps: HealthConfigMaps
    /// The AppProjects of the controller's namespace.
    let projectCatalog: ProjectCatalog
    /// The controller's own namespace (``Configuration/namespace``).
    let namespace: String
    /// The notifier and what notifications remember (``NotificationHook``).
    var notifications: NotificationHook
    /// The ``HealthConfigMaps/Current/generation`` the poll baselines were made with.
    var healthGeneration = 0
    /// The generation of the AppProjects (``ProjectCatalog``) the poll baselines were recorded under.
    var projectGeneration = 0
    /// The generation of each cluster's cache whose changes the controller receives.
    var subscribedCaches: [String: Int] = [:]
    let configuration: Configuration
    let logger: Logger
    /// The registered applications, each boxed (``Boxed``): a slot of this table is one pointer.
    var registry: [String: Boxed<Managed>] = [:]
    /// The name of the application each Application resource in ``registry`` defines, by the resource's
    /// identity (``ObjectRef/identity``), so a deleted resource is found in O(1), not by a scan of the registry.
    var resourceNames: [ObjectRef: String] = [:]
    /// The ApplicationSets managed, by name: from a file (``manageSet(_:)``) or resources
    /// (``watchApplicationSets(namespace:)``).
    var applicationSets: [String: ManagedSet] = [:]
    /// The Git sources of Application manifests given to ``manageApplications(from:)``.
    var gitSources: Set<Origin> = []
    var counts = Statistics()
    var metrics = ControllerMetrics()
    var queue: WorkQueue
    var running: [String: Task<Void, Never>] = [:]
    var background: [Task<Void, Never>] = []
    private var wakeUp: Task<Void, Never>?
    /// When each application is polled next (``PollSchedule``), and the one task that sleeps until then.
    var polls: PollSchedule
    private var pollTimer: (task: Task<Void, Never>, deadline: ContinuousClock.Instant)?
    var accepting = true
    /// What the last full reconcile of each application found in sync (``PollBaseline``), boxed
    /// (``Boxed``: each holds a whole spec).
    var baselines: [String: Boxed<PollBaseline>] = [:]
    /// How many changes to each application's objects the live-object caches have reported that may
    /// need a reconcile (``ExpectedObjects/needsReconcile(_:)``; the echo of Moor's own writes does not).
    var liveChanges: [String: Int] = [:]
    /// Changes to the objects of applications being reconciled (or operated on), judged when the work ends.
    var changedWhileRunning: [String: [CacheChange]] = [:]
    /// When each application was last queued for a trigger that needs the remote's refs as they are now:
    /// its next reconcile uses a listing started after then (and so do the others asked for together).
    var freshListingRequests: [String: ContinuousClock.Instant] = [:]
    /// The readers of ``statusChanges()``.
    var statusObservers = StatusObservers()
    /// Which applications this replica syncs (``assign(_:)``).
    var shard = ShardAssignment.all

    /// Creates a controller syncing through `engine` (whose client also receives status writes) with
    /// sources from `fetcher`. Nothing runs until ``start()``. The live-object cache of the controller's
    /// own cluster is `cache` (on the engine's client), whose owner stops it — in a `ServiceGroup`, listed
    /// before the controller — or, without one, a cache of the controller's own that ``stop(gracePeriod:)`` stops.
    public init(
        engine: SyncEngine<KubeClient>, fetcher: SourceFetcher, cache: LiveObjectCache? = nil,
        configuration: Configuration = Configuration(), logger: Logger = Logger(label: "moor.controller")
    ) {
        self.engine = engine
        self.fetcher = fetcher
        self.configuration = configuration
        self.logger = logger
        ownsCache = cache == nil
        let live = cache ?? LiveObjectCache(client: engine.client, logger: logger)
        self.cache = live
        let namespace = configuration.clusterSecretNamespace ?? engine.client.connection.namespace
        clusters = ClusterRegistry(local: engine, cache: live, namespace: namespace, logger: logger)
        healthConfigMaps = HealthConfigMaps(
            client: engine.client, namespace: namespace, interval: configuration.healthRefreshInterval,
            clock: engine.clock, logger: logger)
        self.namespace = configuration.namespace ?? namespace
        projectCatalog = ProjectCatalog(
            client: engine.client, namespace: configuration.namespace ?? namespace,
            interval: configuration.projectRefreshInterval, clock: engine.clock, logger: logger)
        queue = WorkQueue(backoff: configuration.backoff)
        polls = PollSchedule(interval: configuration.pollInterval)
        notifications = NotificationHook(
            configuration.notifications, client: engine.client, namespace: self.namespace, clock: engine.clock,
            logger: logger)
    }

    /// The client of the controller's own cluster (Application resources, their status and events).
    public var client: KubeClient { engine.client }

    /// The time the controller reads: its engine's (polls, the work queue, backoff, the grace period and
    /// the timestamps of status and events).
    var clock: MoorClock { engine.clock }

    /// Starts reacting to drift: a change the live-object cache sees to an application's objects
    /// queues that application, unless the object still matches what its last comparison found in
    /// sync, with the same health (such a change is usually the echo of Moor's own write) and no
    /// reconcile of the application is running.
    public func start() async {
        await notifications.notifier?.start()
        await subscribe(to: clusters.local)
    }

    /// Receives the changes `cluster`'s live-object cache sees, unless already subscribed to that cache.
    func subscribe(to cluster: ClusterRegistry.Cluster) async {
        guard accepting, subscribedCaches[cluster.name] != cluster.generation else { return }
        subscribedCaches[cluster.name] = cluster.generation
        let changes = await cluster.cache.changes()
        let name = cluster.name
        background.append(
            Task { [weak self] in
                for await change in changes { await self?.received(change, cluster: name) }
            })
    }

    /// Stops taking work, lets reconciles in flight finish for up to `gracePeriod` and then cancels
    /// them, stops the triggers and the live-object caches (the own cluster's only when the controller
    /// made it), shuts down the clients of the clusters registered by Secrets, and gives notifications waiting
    /// for delivery a few seconds (``Notifications/Notifier/stop(gracePeriod:)``). Final. The controller's
    /// own client stays open.
    public func stop(gracePeriod: Duration = .seconds(30)) async {
        accepting = false
        statusObservers.finishAll()
        wakeUp?.cancel()
        pollTimer?.task.cancel()
        for task in background { task.cancel() }
        let inFlight = Array(running.values)
        let clock = clock
        let deadline = Task {
            guard (try? await clock.sleep(for: gracePeriod)) != nil else { return }
            logger.warning(
                "cancelling reconciles still running after the grace period",
                metadata: [
                    "applications": "\(running.keys.sorted().joined(separator: ", "))"
                ])
            for task in inFlight { task.cancel() }
        }
        for task in inFlight { await task.value }
        deadline.cancel()
        if ownsCache { await cache.stop() }
        await clusters.stop()
        for task in background { await task.value }
        await fetcher.removeCheckouts()
        await notifications.notifier?.stop()
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

    /// Queues a reconcile of `name` now, ahead of polls, against the remote's refs as they are now
    /// (ignored for an unknown application or after ``stop(gracePeriod:)``).
    public func refresh(_ name: String) {
        enqueue(name, .refresh)
    }

    // MARK: Work queue

    /// Counts a change to an application's objects that may need a reconcile (a poll then compares
    /// again) and queues the application for drift. A change to an application being reconciled
    /// waits for the reconcile to end (``finish(_:_:)``): its comparison may already have
    /// read the cache, and what it expects of the objects is known only at its end.
    private func received(_ change: CacheChange, cluster: String) {
        for name in change.applications where registry[name]?.cluster == cluster {
            counts.cacheChanges += 1
            if running[name] != nil {
                changedWhileRunning[name, default: []].append(change)
            } else if registry[name]?.expected.needsReconcile(change) == true {
                countChanges([change], of: name)
                enqueue(name, .drift)
            }
        }
    }

    /// Counts `changes` to `name`'s objects as ones that may need a reconcile (``liveChanges``). While a
    /// refusal holds its automated syncs back, such a change lifts it (the cluster may now allow the sync):
    /// each is logged, naming the object, the change and its resource version.
    private func countChanges(_ changes: [CacheChange], of name: String) {
        guard !changes.isEmpty else { return }
        liveChanges[name, default: 0] += changes.count
        guard registry[name]?.memory.refusal != nil else { return }
        for change in changes {
            logger.info(
                "a change to the cluster lifts the refused sync",
                metadata: [
                    "application": "\(name)", "object": "\(change.ref)", "change": "\(change.kind)",
                    "origin": "\(change.origin)",
                    "resourceVersion": "\(change.object[path: "metadata", "resourceVersion"]?.stringValue ?? "")",
                ])
        }
    }

    /// Queues a reconcile of `name` for `trigger` (a change to the application unless said otherwise).
    func enqueue(_ name: String, _ trigger: Trigger = .changed) {
        guard accepting, registry[name] != nil else { return }
        if trigger.needsFreshListing { freshListingRequests[name] = .now }
        if queue.add(name, trigger) { dispatch() }
    }

    /// Drops `name` from the queue and what polls know of it (it is no longer managed).
    func forget(_ name: String) {
        queue.forget(name)
        baselines[name] = nil
        liveChanges[name] = nil
        changedWhileRunning[name] = nil
        freshListingRequests[name] = nil
    }

    /// Starts reconciles while there is ready work and room, and arranges to be called again when
    /// the next backed-off application becomes ready. With a concurrency above one, the last free slot
    /// is kept for drift, refreshes and changed specs, so they never wait for a poll or a retry to finish.
    func dispatch() {
        guard accepting else { return }
        let concurrency = configuration.concurrency
        while running.count < concurrency {
            let urgentOnly = concurrency > 1 && running.count == concurrency - 1
            guard
                let (name, trigger) = queue.next(
                    now: clock.now, minimumPriority: urgentOnly ? Trigger.drift.priority : 0)
            else { break }
            running[name] = Task { await self.process(name, trigger) }
        }
        wakeUp?.cancel()
        let clock = clock
        wakeUp = queue.nextWakeUp(after: clock.now).map { instant in
            Task { [weak self] in
                do { try await clock.sleep(until: instant) } catch { return }
                await self?.dispatch()
            }
        }
    }

    /// Reconciles `name` for `trigger` — or, for a poll that finds nothing changed, only notes the poll
    /// (see ``pollFindsNothingChanged(_:)``) — then marks the work done.
    private func process(_ name: String, _ trigger: Trigger) async {
        let outcome: ReconcileOutcome
        if trigger == .poll, await pollFindsNothingChanged(name) {
            counts.reconciles += 1
            counts.skippedComparisons += 1
            outcome = .succeeded
        } else {
            outcome = await reconcileRecordingBaseline(name)
        }
        await clearRefreshRequest(name)
        finish(name, outcome)
    }

    /// Marks the work on `name` done and starts what can run next. A ``ReconcileOutcome/failed``
    /// reconcile is retried after the application's `syncPolicy.retry` backoff, or the configured one;
    /// a ``ReconcileOutcome/refused`` one is not.
    ///
    /// Changes to its objects received meanwhile count, and queue it again for drift, when they do
    /// not match what the reconcile's comparison expects (the echo of its own sync matches, so a sync
    /// is followed by no reconcile of its own); after a failure or refusal any change queues it again.
    func finish(_ name: String, _ outcome: ReconcileOutcome) {
        let retry = registry[name]?.application.spec.syncPolicy.retry
        let succeeded = outcome == .succeeded
        queue.done(name, succeeded: !outcome.retries, now: clock.now, backoff: retry.map(Backoff.init))
        running[name] = nil
        if let changes = changedWhileRunning.removeValue(forKey: name), let expected = registry[name]?.expected {
            let needing = changes.filter(expected.needsReconcile)
            countChanges(needing, of: name)
            if !needing.isEmpty || !succeeded { enqueue(name, .drift) }
        }
        if outcome.retries {
            logger.info(
                "will retry", metadata: ["application": "\(name)", "failures": "\(queue.failureCount(of: name))"])
        }
        dispatch()
    }

    /// Starts polling `name` every poll interval (``PollSchedule``) until it is no longer managed.
    func startPolling(_ name: String) {
        polls.add(name, now: clock.now)
        schedulePolls()
    }

    /// Makes the poll task sleep until the next application is due, unless it already does.
    private func schedulePolls() {
        guard accepting, let next = polls.nextDue() else { return }
        if let pollTimer, pollTimer.deadline <= next { return }
        pollTimer?.task.cancel()
        let clock = clock
        pollTimer = (
            Task { [weak self] in
                do { try await clock.sleep(until: next) } catch { return }
                await self?.pollDue()
            }, next
        )
    }

    /// Queues every application due for a poll, then sleeps until the next.
    private func pollDue() {
        pollTimer = nil
        for name in polls.takeDue(now: clock.now) { enqueue(name, .poll) }
        schedulePolls()
    }
}
