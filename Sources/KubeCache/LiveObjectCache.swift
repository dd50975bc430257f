public import KubeClient
public import Logging
public import MoorCore

/// The managed objects of one cluster, kept current by one list+watch (informer) per resource
/// type: every object carrying the label `app.kubernetes.io/managed-by=moor`, in all namespaces.
///
/// Each informer lists its type, then watches from the list's resourceVersion with bookmarks,
/// resumes a watch that ends from the last version seen, relists only when the server answers
/// 410 Gone, and backs off on transient errors. A steady state therefore sends no lists and no
/// writes. Every change to the cached objects, whether from a watch event or from comparing a
/// (re)list with the cache, is published once to every ``changes()`` stream; an unchanged object
/// in a relist publishes nothing.
///
/// An informer that fails for good (e.g. Forbidden, or its CRD removed) stops alone: the others
/// go on, the error is logged and reported by ``errors()``, its objects stay as last seen, and
/// calling ``watch(_:)`` again restarts it. Call ``stop()`` before releasing the cache and its
/// ``KubeClient``; a cache released without it cancels its informers.
public actor LiveObjectCache {
    private struct Waiter {
        var resources: [APIResource]
        var continuation: CheckedContinuation<Result<Void, CacheSyncError>, Never>
    }

    private let client: KubeClient
    private let logger: Logger
    private let watchTimeoutSeconds: Int
    private var store = CacheStore()
    private var informers = InformerTable()
    private var tasks: [GroupKind: Task<Void, Never>] = [:]
    private var subscribers: [Int: AsyncStream<CacheChange>.Continuation] = [:]
    private var waiters: [Int: Waiter] = [:]
    private var nextID = 0
    private var counts = CacheStatistics()
    private var stopped = false

    /// Creates an empty cache reading through `client`; nothing is requested until ``watch(_:)``.
    /// Each watch request stays open up to `watchTimeoutSeconds` and is then renewed from the last
    /// resourceVersion seen, without a list.
    public init(client: KubeClient, logger: Logger = Logger(label: "moor.cache"), watchTimeoutSeconds: Int = 300) {
        self.client = client
        self.logger = logger
        self.watchTimeoutSeconds = watchTimeoutSeconds
    }

    deinit {
        for task in tasks.values { task.cancel() }
        for subscriber in subscribers.values { subscriber.finish() }
    }

    // MARK: Informers

    /// Starts an informer for each resource type not yet watched (in any API version), and
    /// restarts those that failed; types already watched are left alone, so calling it again
    /// with the same types costs nothing. Does nothing after ``stop()``.
    public func watch(_ resources: [APIResource]) {
        guard !stopped else { return }
        for resource in resources where informers.start(resource) {
            let type = GroupKind(resource)
            let watcher = client.watchAll(
                resource, namespace: nil, options: ListOptions(labelSelector: TrackingID.managedBySelector),
                timeoutSeconds: watchTimeoutSeconds)
            logger.debug("watching managed objects", metadata: ["resource": "\(resource)"])
            // Detached: an informer outlives the request that started it and must not inherit its
            // priority or task-locals. It holds the cache weakly so a released cache ends it.
            tasks[type] = Task.detached { [weak self] in
                var iterator = watcher.makeAsyncIterator()
                do throws(KubeAPIError) {
                    while let change = try await iterator.next() {
                        guard let cache = self else { return }
                        await cache.receive(change, for: type)
                    }
                } catch {
                    guard !Task.isCancelled else { return }
                    await self?.failed(type, error: error)
                }
            }
        }
    }

    /// Stops every informer and waits until each has ended and closed its connection; finishes
    /// every ``changes()`` stream and ends pending ``waitUntilSynced(_:)`` calls with
    /// ``CacheSyncError/Code-swift.struct/stopped``. The objects stay readable. Final: a stopped
    /// cache watches nothing again.
    public func stop() async {
        let running = Array(tasks.values)
        if !stopped {
            stopped = true
            for task in running { task.cancel() }
            for subscriber in subscribers.values { subscriber.finish() }
            subscribers = [:]
            let pending = waiters
            waiters = [:]
            for waiter in pending.values { waiter.continuation.resume(returning: .failure(.init(code: .stopped))) }
        }
        for task in running { await task.value }
    }

    /// The resource types watched, in the API version each was first asked for.
    public func resourceTypes() -> [APIResource] {
        informers.resources
    }

    /// The errors that ended informers for good, by resource type; empty while all run.
    public func errors() -> [APIResource: KubeAPIError] {
        informers.errors
    }

    /// How many objects the cache holds, and what it has received so far.
    public func statistics() -> CacheStatistics {
        var statistics = counts
        statistics.objects = store.count
        return statistics
    }

    // MARK: Sync

    /// Whether `resource`'s type has been listed and its informer is still running (not failed,
    /// cache not stopped), so the cache holds all its managed objects.
    public func hasSynced(_ resource: APIResource) -> Bool {
        !stopped && informers.state(of: resource) == .synced
    }

    /// Returns once every type in `resources` has synced (see ``hasSynced(_:)``). Throws
    /// ``CacheSyncError`` when one is not watched or its informer failed, when the cache is
    /// stopped, or when the calling task is cancelled.
    public func waitUntilSynced(_ resources: [APIResource]) async throws(CacheSyncError) {
        if stopped { throw CacheSyncError(code: .stopped) }
        if let outcome = informers.outcome(waitingFor: resources) { return try outcome.get() }
        let id = nextID
        nextID += 1
        let outcome = await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                waiters[id] = Waiter(resources: resources, continuation: continuation)
            }
        } onCancel: {
            Task { await self.resolveWaiter(id, with: .failure(CacheSyncError(code: .cancelled))) }
        }
        try outcome.get()
    }

    // MARK: Reads

    /// The cached object `ref` names (in any API version), or `nil` when the cache holds none.
    public func object(_ ref: ObjectRef) -> JSONValue? {
        store.object(ref)
    }

    /// Whether the cache lacks the object `ref` names while holding every managed object of its type:
    /// the type was listed and its informer still runs, so no application manages it, as far as the
    /// watch has reported (the server may have one the watch has not delivered yet).
    public func lacks(_ ref: ObjectRef) -> Bool {
        !stopped && informers.state(ofTypeOf: ref) == .synced && store.object(ref) == nil
    }

    /// The cached objects whose tracking id names `application` and describes the object itself,
    /// ordered by ref. Costs a lookup plus the application's own objects, not a scan.
    public func objects(application: String) -> [JSONValue] {
        store.objects(application: application)
    }

    /// A stream of every change the cache applies from now on, in order. It buffers without
    /// bound, so keep reading it; it finishes when the cache stops, or stops being fed when the
    /// consumer ends its iteration. After ``stop()`` it is finished at once.
    public func changes() -> AsyncStream<CacheChange> {
        let (stream, continuation) = AsyncStream.makeStream(of: CacheChange.self)
        guard !stopped else {
            continuation.finish()
            return stream
        }
        let id = nextID
        nextID += 1
        subscribers[id] = continuation
        continuation.onTermination = { [weak self] _ in
            Task { await self?.unsubscribe(id) }
        }
        return stream
    }

    // MARK: Feeding

    /// Applies one change from the informer of `type`: the path every list and watch event takes.
    func receive(_ change: ResourceChange, for type: GroupKind) {
        guard !stopped else { return }
        switch change {
        case .listed(let objects):
            counts.lists += 1
            let changes = store.replace(type, with: objects)
            if informers.listed(type) {
                counts.relists += 1
                logger.info(
                    "relisted managed objects",
                    metadata: ["kind": "\(type.kind)", "group": "\(type.group)", "changes": "\(changes.count)"])
            }
            publish(changes)
            resolveWaiters()
        case .event(let event):
            counts.events += 1
            if let change = store.apply(event) { publish([change]) }
        }
    }

    private func failed(_ type: GroupKind, error: KubeAPIError) {
        guard !stopped else { return }
        informers.failed(type, error: error)
        tasks[type] = nil
        logger.error(
            "watching managed objects failed; the other resource types go on",
            metadata: ["kind": "\(type.kind)", "group": "\(type.group)", "error": "\(error)"])
        resolveWaiters()
    }

    private func publish(_ changes: [CacheChange]) {
        counts.changes += changes.count
        for change in changes {
            for subscriber in subscribers.values { subscriber.yield(change) }
        }
    }

    private func unsubscribe(_ id: Int) {
        subscribers[id] = nil
    }

    private func resolveWaiters() {
        for (id, waiter) in waiters {
            if let outcome = informers.outcome(waitingFor: waiter.resources) { resolveWaiter(id, with: outcome) }
        }
    }

    private func resolveWaiter(_ id: Int, with outcome: Result<Void, CacheSyncError>) {
        guard let waiter = waiters.removeValue(forKey: id) else { return }
        waiter.continuation.resume(returning: outcome)
    }
}
