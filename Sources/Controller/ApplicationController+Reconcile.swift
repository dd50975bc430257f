internal import Foundation
internal import Health
internal import KubeClient
internal import MoorCore
internal import Render
internal import Sync

extension ApplicationController {
    /// One reconcile of `name`: fetch and render at the target revision, compare, sync when
    /// ``SyncMemory/decide(target:inSync:clusterChanges:)`` says so, watch the application's resource
    /// types, record status. The outcome tells the work queue whether to retry after a backoff.
    ///
    /// A failed fetch or render and a refused plan write nothing to the cluster; they record a
    /// `ComparisonError` or `SyncError` condition with the message. A refused plan and a refused
    /// prune are ``ReconcileOutcome/refused``: not retried with backoff, and a refused prune is not
    /// synced again until the commit, the spec or the application's objects change. An application
    /// of another shard (``assign(_:)``) is left alone. Objects left at a previous destination are
    /// pruned or reported (``leftBehind(_:_:desired:prune:)``). Desired objects that belong to other
    /// applications are reported as a `SharedResourceWarning` condition.
    func reconcile(_ name: String) async -> ReconcileOutcome {
        guard let application = registry[name]?.application, owns(name) else { return .succeeded }
        counts.reconciles += 1
        let governed: Governed
        do {
            governed = try await governedDestination(of: application)
        } catch let refusal as ProjectRefusal {
            return await failed(name, type: ApplicationStatus.invalidSpecError, error: refusal)
        } catch {
            return await failed(name, type: ApplicationStatus.comparisonError, error: error)
        }
        let cluster = governed.cluster
        let engine = cluster.engine
        let fetched: SourceFetcher.Fetched
        do {
            let environment = try await RenderEnvironment.destination(of: application, client: engine.client)
            fetched = try await timedFetch(application.spec, environment: environment)
        } catch {
            return await failed(name, type: ApplicationStatus.comparisonError, error: error)
        }
        let target = SyncTarget(spec: application.spec, revision: Self.revision(of: fetched))
        let revision = fetched.revision ?? ""
        let prune = application.spec.syncPolicy.automated?.prune ?? false
        let left = await leftBehind(name, application, desired: fetched.objects, prune: prune)
        do {
            // Right after deleting what a destination change left, the cache may still hold it: list.
            let tracked =
                left.deleted > 0
                ? await listedAsController(name, in: cluster) : await cachedObjects(of: name, in: cluster)
            let previousNamespaces = Self.previousNamespaces(
                registry[name]?.previousDestination, at: application.spec.destination)
            var comparison = try await engine.compare(
                application, desired: fetched.objects, tracked: tracked, prune: prune,
                previousNamespaces: previousNamespaces,
                managed: governed.serviceAccount == nil ? Self.managedObjects(in: cluster) : nil)
            var outcome = ReconcileOutcome.succeeded
            var conditions: [(type: String, message: String)] = []
            let orphaned = [left.warning, await orphanWarning(of: application, governed: governed)].compactMap { $0 }
            if !orphaned.isEmpty { conditions.append((Self.orphanedResourceWarning, orphaned.joined(separator: "; "))) }
            if !fetched.warnings.isEmpty {
                conditions.append((Self.repeatedResourceWarning, fetched.warnings.joined(separator: "; ")))
            }
            if !comparison.plan.warnings.isEmpty {
                conditions.append((Self.planWarning, comparison.plan.warnings.joined(separator: "; ")))
            }
            var operation: ApplicationStatus.OperationState?
            let changes = liveChanges[name, default: 0]
            guard
                let decision = registry[name]?.memory.decide(
                    target: target, inSync: comparison.syncStatus == .synced, clusterChanges: changes,
                    heldBy: windowHold(of: application, governed: governed, manual: false))
            else { return .succeeded }
            if decision.reportDrift { await reportDrift(name, comparison) }
            switch decision.sync {
            case .inSync, .manual, .selfHealOff:
                break
            case .gaveUp(let message):
                conditions.append((ApplicationStatus.syncError, message))
            case .refused(let message):
                conditions.append((ApplicationStatus.syncError, message))
                outcome = .refused
            case .held(let message):
                conditions.append((ApplicationStatus.syncWindowBlocked, message))
            case .now(let prune):
                let (finished, result) = await sync(
                    name, application, fetched,
                    options: .init(prune: prune, previousNamespaces: previousNamespaces),
                    engine: engine, tracked: tracked, comparison: comparison)
                operation = finished
                let ending = Self.ending(finished, result)
                registry[name]?.memory.noteSync(target, ending, clusterChanges: changes)
                switch ending {
                case .succeeded: break
                case .failed: outcome = .failed
                case .refused: outcome = .refused
                }
                if ending != .succeeded { conditions.append((ApplicationStatus.syncError, finished.message)) }
                comparison = try await compare(
                    name, application, desired: fetched.objects, after: result, in: cluster, prune: prune,
                    previousNamespaces: previousNamespaces)
            }
            if let shared = Self.sharedResourceMessage(comparison) {
                conditions.append((Self.sharedResourceWarning, shared))
            }
            registry[name]?.expected = expectedObjects(comparison, application: application, health: engine.health)
            registry[name]?.watchedTypes = await watchResourceTypes(of: comparison, in: cluster)
            let finalOperation = operation
            let finalConditions = conditions
            let previousDestination = registry[name]?.previousDestination
            await record(name) { status in
                status.summarize(comparison, revision: revision, revisions: fetched.revisions, health: engine.health)
                status.sync.destination = application.spec.destination
                status.sync.previousDestination = previousDestination
                if let finalOperation {
                    status.operationState = finalOperation
                    status.addHistory(.init(finalOperation, fetched: fetched, spec: application.spec))
                }
                status.setConditions(finalConditions, now: clock.date)
            }
            logger.info(
                "reconciled",
                metadata: [
                    "application": "\(name)", "sync": "\(comparison.syncStatus)", "revision": "\(revision.prefix(12))",
                    "synced": "\(operation != nil)",
                ])
            return outcome
        } catch let error as SyncPlanError {
            return await failed(name, type: ApplicationStatus.syncError, error: error)
        } catch {
            return await failed(name, type: ApplicationStatus.comparisonError, error: error)
        }
    }

    /// How the sync that finished as `operation` with `result` ended, for retrying it.
    static func ending(_ operation: ApplicationStatus.OperationState, _ result: SyncResult?) -> SyncEnding {
        if operation.phase == .succeeded { return .succeeded }
        return result?.refusal.map { .refused($0.message) } ?? .failed
    }

    /// Records a failure as a condition, leaving the rest of the status as it was but the sync
    /// status `Unknown`; logged as an error when the condition is new (the same failure again is
    /// logged at debug level); notified as `SyncError`, against the commit whose render failed when it is
    /// known. Returns the outcome for the error (``ReconcileOutcome/init(_:)``).
    private func failed(_ name: String, type: String, error: any Error) async -> ReconcileOutcome {
        let message = "\(error)"
        let known = registry[name]?.status.conditions.contains { $0.type == type && $0.message == message } ?? false
        logger.log(
            level: known ? .debug : .error, "reconcile failed",
            metadata: ["application": "\(name)", "condition": "\(type)", "error": "\(message)"])
        let failedCommit = (error as? SourceFetcher.RenderFailure)?.commit
        notify(name, .syncError, message) { event in
            if let failedCommit { event.name(failedCommit) }
        }
        await record(name) { status in
            status.sync.status = .unknown
            status.setConditions([(type, message)], now: clock.date)
        }
        return ReconcileOutcome(error)
    }

    /// Updates the status of `name`; when it says something new, stamps `reconciledAt` and, for an
    /// Application resource, writes it through the status subresource: the whole status the first
    /// time, afterwards only the fields that changed since the last write (so entries `moor app sync`
    /// or `rollback` wrote to `history` are not overwritten before they are adopted). A write that
    /// fails is retried by the next reconcile.
    func record(_ name: String, _ update: (inout ApplicationStatus) -> Void) async {
        guard var managed = registry[name] else { return }
        var status = managed.status
        update(&status)
        if status.differs(from: managed.status) {
            status.reconciledAt = clock.date
            publish(Snapshot(application: managed.application, status: status))
        }
        let previous = managed.status
        managed.status = status
        registry[name]?.status = status
        notifyTransitions(name, from: previous, to: status)
        guard case .resource(let ref) = managed.origin, status.differs(from: managed.written) else { return }
        // The first write after a (re)start sends the history only when this controller extended it,
        // and the operation only when it has one: the resource's own may hold what `moor app sync` or
        // `rollback` wrote meanwhile. So is the rollback note, unless automated sync is on again (then
        // any note is stale and cleared).
        var kept: Set<String> = []
        if managed.written == nil {
            if !(await extendsHistory(of: ref, status)) { kept.insert("history") }
            if status.operationState == nil { kept.insert("operationState") }
            if status.rollback == nil, managed.application.spec.syncPolicy.automated == nil { kept.insert("rollback") }
        }
        do {
            _ = try await client.mergePatch(
                ref, patch: ["status": Self.changes(status.json, since: managed.written?.json, except: kept)],
                subresource: "status")
            counts.statusWrites += 1
            registry[name]?.written = status
        } catch {
            logger.error("writing status failed", metadata: ["application": "\(name)", "error": "\(error)"])
        }
    }

    /// The top-level fields of `status` that differ from `written` (all of them without `written`),
    /// but for those in `except`.
    static func changes(_ status: JSONValue, since written: JSONValue?, except: Set<String> = []) -> JSONValue {
        guard let fields = status.objectValue else { return status }
        return .object(
            JSONObject(
                fields.filter { field in
                    !except.contains(field.key) && (written == nil || written?[field.key] != field.value)
                }))
    }

    /// Whether `status` holds a history entry newer than every one of the Application resource `ref`
    /// (when it cannot be read: whether `status` holds any).
    private func extendsHistory(of ref: ObjectRef, _ status: ApplicationStatus) async -> Bool {
        guard let newest = status.history.first?.id else { return false }
        guard let live = try? await client.get(ref) else { return true }
        return newest > ApplicationStatus.history(from: live[path: "status", "history"]).first?.id ?? 0
    }

    /// Makes the live-object cache watch every resource type the application has objects of, so
    /// a change to one of them queues the application.
    private func watchResourceTypes(of comparison: ApplicationComparison, in cluster: ClusterRegistry.Cluster) async
        -> [APIResource]
    {
        let client = cluster.engine.client
        var resources: [APIResource] = []
        var seen: Set<String> = []
        for object in comparison.objects where seen.insert(object.ref.groupKind).inserted {
            do {
                resources.append(try await client.resource(for: object.ref))
            } catch {
                logger.warning(
                    "cannot watch a resource type", metadata: ["kind": "\(object.ref.groupKind)", "error": "\(error)"])
            }
        }
        await cluster.cache.watch(resources)
        return resources
    }

    /// What `cluster`'s live-object cache knows of the objects Moor manages, so that a comparison reads
    /// only the untracked desired objects it must (``Sync/ManagedObjects``). Not for an application
    /// impersonating a ServiceAccount, whose reads and writes go through that account's permissions.
    static func managedObjects(in cluster: ClusterRegistry.Cluster) -> ManagedObjects {
        let cache = cluster.cache
        return ManagedObjects { ref in await cache.lacks(ref) }
    }

    /// The application's tracked objects from the live-object cache, when the cache has listed
    /// every kind they may be of and still watches it; while a watch is starting or failing, `nil` (the
    /// engine lists the cluster), or for an impersonating engine the controller's own listing
    /// (``listedAsController(_:in:)``). After a reconcile those kinds are the ones the application had objects
    /// of; before its first, every kind the cluster serves (``everyKind(in:)``), so that a cold
    /// start lists each kind once for all applications instead of once per application.
    func cachedObjects(of name: String, in cluster: ClusterRegistry.Cluster) async -> [JSONValue]? {
        let known = registry[name]?.watchedTypes ?? []
        guard let types = known.isEmpty ? await everyKind(in: cluster) : known,
            await watchesAll(types, in: cluster)
        else { return await listedAsController(name, in: cluster) }
        return await cluster.cache.objects(application: name)
    }

    /// The objects of `name` listed cluster-wide as the controller, when `cluster`'s engine impersonates a
    /// ServiceAccount (which need not be allowed to list the cluster); `nil` — the engine lists them itself —
    /// otherwise, or when the listing fails.
    func listedAsController(_ name: String, in cluster: ClusterRegistry.Cluster) async -> [JSONValue]? {
        guard cluster.engine.client.impersonation != nil else { return nil }
        return try? await TrackedObjects.list(client: cluster.controllerClient, application: name)
    }

    /// Every kind `cluster` serves, now watched by its live-object cache (kinds not watched yet
    /// start being watched), less the kinds whose watch failed because this controller may not
    /// list them or they went away: the kinds a cluster-wide listing of tracked objects covers
    /// (``TrackedObjects/list(client:application:)``). Waits until the cache has listed them, for
    /// at most ``cacheListingWait``: listing them is what the caller would otherwise do itself.
    /// `nil` when discovery fails.
    private func everyKind(in cluster: ClusterRegistry.Cluster) async -> [APIResource]? {
        guard let served = try? await cluster.engine.client.listableResources() else { return nil }
        let cache = cluster.cache
        let watched = Set(await cache.resourceTypes().map(\.groupKind))
        await cache.watch(served.filter { !watched.contains($0.groupKind) })
        let leftOut = Set(await cache.errors().filter { TrackedObjects.leavesOut($0.value) }.keys.map(\.groupKind))
        let kinds = served.filter { !leftOut.contains($0.groupKind) }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { try? await cache.waitUntilSynced(kinds) }
            group.addTask { try? await Task.sleep(for: Self.cacheListingWait) }
            await group.next()
            group.cancelAll()
        }
        return kinds
    }

    /// How long a comparison waits for the live-object cache's first listing of every kind before
    /// it lists the cluster itself (a cache whose lists keep failing, e.g. while the API server is down).
    static let cacheListingWait = Duration.seconds(10)

    /// Whether `cluster`'s live-object cache has listed each of `types` and its informer still runs.
    func watchesAll(_ types: [APIResource], in cluster: ClusterRegistry.Cluster) async -> Bool {
        let failing = await cluster.cache.errors()
        for type in types {
            let synced = await cluster.cache.hasSynced(type)
            if failing[type] != nil || !synced { return false }
        }
        return true
    }

    /// Compares `application` with `desired` right after the sync that gave `result`: against the
    /// live-object cache's objects with what the sync wrote applied, since the cache may not have
    /// seen those writes yet (against a fresh list while the cache is not ready).
    func compare(
        _ name: String, _ application: Application, desired: [ManifestObject], after result: SyncResult?,
        in cluster: ClusterRegistry.Cluster, prune: Bool, previousNamespaces: Set<String> = []
    ) async throws -> ApplicationComparison {
        let cached = await cachedObjects(of: name, in: cluster)
        return try await cluster.engine.compare(
            application, desired: desired, tracked: cached.map { result?.tracked(updating: $0) ?? $0 }, prune: prune,
            previousNamespaces: previousNamespaces)
    }

    /// The objects `comparison` found in sync, with their desired form and health as `health` judges it.
    private func expectedObjects(
        _ comparison: ApplicationComparison, application: Application, health: HealthAssessor
    ) -> ExpectedObjects {
        var entries: [ObjectRef: ExpectedObjects.Entry] = [:]
        for planned in comparison.plan.syncedObjects {
            guard let state = comparison.state(of: planned.ref), state.state == .synced, let live = state.live else {
                continue
            }
            entries[planned.ref] = ExpectedObjects.Entry(
                desired: planned.object, health: health.assess(live)?.status)
        }
        return ExpectedObjects(
            entries, seen: comparison.objects.compactMap(\.live), ignoreDifferences: application.spec.ignoreDifferences,
            fieldManager: engine.fieldManager, health: health)
    }

    /// Reports drift (the cluster changed while the target stayed the same) by an event.
    private func reportDrift(_ name: String, _ comparison: ApplicationComparison) async {
        // Each object with who changed what, as its managedFields say (`data.key: kubectl-edit, Update, …`).
        let drifted = comparison.objects.filter { $0.state != .synced }.map { object in
            object.attributions.isEmpty
                ? "\(object.ref)" : "\(object.ref) (\(object.attributions.map(\.description).joined(separator: "; ")))"
        }
        logger.info("drift detected", metadata: ["application": "\(name)", "objects": "\(drifted)"])
        await recordEvent(name, .driftDetected, "changed in the cluster: " + drifted.joined(separator: ", "))
    }

    /// The commit, a remote chart's version and digest, or for a local directory a fingerprint of the
    /// rendered objects.
    static func revision(of fetched: SourceFetcher.Fetched) -> String {
        if let commit = fetched.commit { return commit.sha }
        if !fetched.sources.isEmpty { return fetched.revisions.joined(separator: ",") }
        if let chart = fetched.chart { return "\(chart.version)@\(chart.digest)" }
        var hasher = Hasher()
        for object in fetched.objects { hasher.combine(object.object) }
        return "directory:\(hasher.finalize())"
    }
}

extension ApplicationStatus.HistoryEntry {
    /// The entry for a finished sync of `spec`'s sources as `fetched` (its id is set when it is added).
    init(_ operation: ApplicationStatus.OperationState, fetched: SourceFetcher.Fetched, spec: ApplicationSpec) {
        let commit = fetched.commit
        let chart = fetched.chart.map { "chart \($0.reference.chart) \($0.version) from \($0.reference.repositoryURL)" }
        self.init(
            id: 0, revision: fetched.revision ?? "",
            author: commit?.author ?? "",
            subject: commit?.subject ?? chart ?? "", deployedAt: operation.finishedAt ?? operation.startedAt,
            result: operation.phase, source: spec.source, sources: spec.sources, revisions: fetched.revisions)
    }
}

extension ApplicationStatus {
    /// Sets the sync status and revision, health and resources from a comparison at `revision` (the
    /// destinations in ``sync`` stay), objects' health as `health` judges it. The application's health is
    /// the worst of its desired objects', a missing object counting as `Missing`.
    mutating func summarize(
        _ comparison: ApplicationComparison, revision: String, revisions: [String] = [], health assessor: HealthAssessor
    ) {
        sync.status = comparison.syncStatus
        sync.revision = revision
        sync.revisions = revisions
        var worst: (health: ObjectHealth, ref: ObjectRef)?
        resources = comparison.objects.map { object in
            let health =
                object.live.flatMap(assessor.assess)
                ?? (object.state == .missing ? ObjectHealth(status: .missing, message: "not in the cluster") : nil)
            if object.state != .extraneous, let health, health.status > (worst?.health.status ?? .healthy) {
                worst = (health, object.ref)
            }
            return ResourceStatus(
                ref: object.ref, status: object.state, health: health?.status, healthDecidedBy: health?.decidedBy)
        }
        health = HealthSummary(
            status: worst?.health.status ?? .healthy,
            message: worst.map { "\($0.ref): \($0.health.message)" } ?? "")
    }
}
