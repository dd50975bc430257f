public import Health
public import KubeClient
public import Logging
public import MoorCore

/// Runs syncs of one application against one cluster: compares, plans, applies in waves with
/// hooks, waits for health, prunes, and reports each step.
///
/// Guarantees: nothing is written for an object already in sync; nothing is pruned after a
/// failed or empty render (the plan is refused first); a failing object fails the sync, while
/// the other objects of its wave still report their own results; later waves are not attempted
/// after a failure, and SyncFail hooks run.
///
/// `API` is the cluster's API: ``KubeClient`` for a real cluster, an in-memory one in unit tests of
/// the orchestration.
public struct SyncEngine<API: KubernetesAPI>: Sendable {
    /// The cluster.
    public let client: API
    /// Field manager for server-side apply.
    public var fieldManager = "moor"
    /// Objects applied at once within a batch.
    public var concurrency = 8
    /// How long a wave may take to become healthy before the next one starts.
    public var waveTimeout: Duration = .seconds(300)
    /// How long a hook may take to complete (`--hook-timeout`); one that has not completed by then failed.
    public var hookTimeout: Duration = .seconds(300)
    /// How often health and hooks are polled.
    public var pollInterval: Duration = .milliseconds(500)
    /// How often a sync that waits for a hook or a wave reports it (``SyncProgress/waiting(what:elapsed:timeout:)``).
    public var progressInterval: Duration = .seconds(10)
    /// The time hooks, waves and their timeouts are measured by.
    public var clock = MoorClock.system
    /// How objects' health is judged: for waves, hooks and the result (the user's health checks, then the
    /// built-in rules).
    public var health = HealthAssessor.builtIn
    /// Which objects the application's project allows; checked by every comparison (so by every sync,
    /// dry run and diff) before anything is written. `nil` admits every object.
    public var admission: ObjectAdmission?
    let logger: Logger

    /// Creates an engine.
    public init(client: API, logger: Logger = Logger(label: "moor.sync")) {
        self.client = client
        self.logger = logger
    }

    /// The same engine (settings, health, admission) sending its requests through `other`: for one
    /// application's sync as a ServiceAccount the controller impersonates.
    public func using<Other: KubernetesAPI>(_ other: Other) -> SyncEngine<Other> {
        var engine = SyncEngine<Other>(client: other, logger: logger)
        engine.fieldManager = fieldManager
        engine.concurrency = concurrency
        engine.waveTimeout = waveTimeout
        engine.hookTimeout = hookTimeout
        engine.pollInterval = pollInterval
        engine.progressInterval = progressInterval
        engine.clock = clock
        engine.health = health
        engine.admission = admission
        return engine
    }

    /// Makes the cluster match `desired`. `tracked` is as for
    /// ``compare(_:desired:tracked:prune:allowMassPrune:previousNamespaces:)``.
    ///
    /// Throws ``SyncPlanError`` when the plan is refused (nothing written) and ``KubeAPIError``
    /// when the cluster cannot be read; failures of individual objects are reported in the result.
    /// An object of another application fails (``ObjectOwnership``). A prune over the cap is not
    /// thrown: everything else is applied, the objects are kept, and the result fails with the
    /// refusal's message.
    public func sync(
        _ application: Application, desired: [ManifestObject], tracked: [JSONValue]? = nil,
        options: SyncRunOptions = .init(),
        progress: @escaping @Sendable (SyncProgress) -> Void = { _ in }
    ) async throws -> SyncResult {
        let writesBefore = Self.writeCount(client.requestCounts())
        let comparison = try await compare(
            application, desired: desired, tracked: tracked, prune: options.prune,
            allowMassPrune: options.allowMassPrune, previousNamespaces: options.previousNamespaces)
        return await run(
            comparison, of: application.name, options: options, progress: progress, writesBefore: writesBefore)
    }

    /// Makes the cluster match `comparison`, which
    /// ``compare(_:desired:tracked:prune:allowMassPrune:previousNamespaces:)`` made moments ago with the
    /// prune, mass-prune and namespace options of `options`: the sync starts from it instead of reading
    /// the cluster again (a controller's reconcile has just compared). Results as for
    /// ``sync(_:desired:tracked:options:progress:)``; the plan was already checked by the comparison.
    public func sync(
        _ comparison: ApplicationComparison, of application: String, options: SyncRunOptions = .init(),
        progress: @escaping @Sendable (SyncProgress) -> Void = { _ in }
    ) async -> SyncResult {
        await run(
            comparison, of: application, options: options, progress: progress,
            writesBefore: Self.writeCount(client.requestCounts()))
    }

    /// Runs the plan of `comparison`; `writesBefore` is the write count the result's ``SyncResult/writes``
    /// starts from.
    private func run(
        _ comparison: ApplicationComparison, of application: String, options: SyncRunOptions,
        progress: @escaping @Sendable (SyncProgress) -> Void, writesBefore: Int
    ) async -> SyncResult {
        let run = SyncRun(engine: self, comparison: comparison, options: options, progress: progress)
        let outcome = await run.execute()
        let writes = Self.writeCount(client.requestCounts()) - writesBefore
        let failed = outcome.objects.filter { $0.action == .failed || $0.action == .hookFailed }
        let health = HealthStatus.aggregate(
            outcome.objects.map { $0.health.map { ObjectHealth(status: $0) } })
        let summary: String
        if let first = failed.first {
            summary = "\(first.ref): \(first.message)"
        } else {
            let counts = Dictionary(grouping: outcome.objects, by: \.action).mapValues(\.count)
            summary = [SyncAction.created, .configured, .unchanged, .pruned, .kept, .hookSucceeded]
                .compactMap { action in counts[action].map { "\($0) \(action.rawValue)" } }
                .joined(separator: ", ")
        }
        let refused = comparison.plan.refusedPrune?.message
        return SyncResult(
            application: application, succeeded: failed.isEmpty && outcome.message == nil && refused == nil,
            message: outcome.message ?? (failed.isEmpty ? refused : nil) ?? summary, objects: outcome.objects,
            dryRun: options.dryRun, writes: writes, health: health,
            refusal: failed.isEmpty && outcome.message == nil ? comparison.plan.refusedPrune : nil,
            warnings: comparison.plan.warnings)
    }

    /// The write requests (apply, create, update, patch, delete) among `counts` (``KubernetesAPI/requestCounts()``).
    static func writeCount(_ counts: [String: Int]) -> Int {
        ["apply", "create", "update", "patch", "delete"].reduce(0) { $0 + counts[$1, default: 0] }
    }

    /// Server-side apply of one planned object. Fields that others changed with imperative
    /// updates (`kubectl edit`, `patch`, `scale`) are drift, so they are taken back; fields another
    /// manager *applied* are a conflict, which fails unless the object's options force it.
    func apply(_ planned: PlannedObject, dryRun: Bool = false) async throws(KubeAPIError) -> JSONValue {
        do {
            return try await client.apply(
                planned.object, fieldManager: fieldManager, force: planned.options.forceConflicts, dryRun: dryRun)
        } catch  where error.conflictsOnlyWithUpdates {
            logger.info("taking back fields changed by hand", metadata: ["object": "\(planned.ref)"])
            return try await client.apply(planned.object, fieldManager: fieldManager, force: true, dryRun: dryRun)
        }
    }

    /// A create-only server-side apply of one planned object (``ObjectComparison/unread``): the object
    /// carries `metadata.resourceVersion: "1"`, a precondition no stored object meets (the API server's
    /// first write is at a later revision), so an absent object is created as an apply, with Moor owning
    /// its fields as any apply would, and an existing one is refused (409) and left as it is.
    func applyCreatingOnly(_ planned: PlannedObject) async throws(KubeAPIError) -> JSONValue {
        var object = planned.object
        object[path: "metadata", "resourceVersion"] = .string(Self.absentVersion)
        return try await client.apply(
            object, fieldManager: fieldManager, force: planned.options.forceConflicts, dryRun: false)
    }

    /// The resourceVersion precondition of ``applyCreatingOnly(_:)``.
    static var absentVersion: String { "1" }

    /// The scope table from discovery, as the planner wants it.
    func scopeLookup() async throws(KubeAPIError) -> SyncPlanner.ScopeLookup {
        var table: [String: Bool] = [:]
        for resource in try await client.resources() {
            table["\(resource.group)/\(resource.kind)"] = resource.namespaced
        }
        let scopes = table
        return { group, kind in scopes["\(group)/\(kind)"] }
    }
}

/// Options of one sync run.
public struct SyncRunOptions: Sendable, Hashable {
    /// Delete tracked objects Git no longer holds.
    public var prune: Bool
    /// Do everything except persisting.
    public var dryRun: Bool
    /// Allow pruning more than the application's `maxPruneShare`.
    public var allowMassPrune: Bool
    /// Namespaces Moor recorded the application at before, which prune may reach (``PruneScope``).
    public var previousNamespaces: Set<String>

    /// Creates options.
    public init(
        prune: Bool = false, dryRun: Bool = false, allowMassPrune: Bool = false,
        previousNamespaces: Set<String> = []
    ) {
        self.prune = prune
        self.dryRun = dryRun
        self.allowMassPrune = allowMassPrune
        self.previousNamespaces = previousNamespaces
    }
}
