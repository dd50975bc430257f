internal import Health
internal import KubeClient
internal import MoorCore

/// The execution of one sync plan: bootstrap, PreSync hooks, waves (with Sync hooks), health
/// waits between waves, PostSync hooks, prune; SyncFail hooks when a step fails.
struct SyncRun<API: KubernetesAPI>: Sendable {
    let engine: SyncEngine<API>
    let comparison: ApplicationComparison
    let options: SyncRunOptions
    let progress: @Sendable (SyncProgress) -> Void

    /// Per-object results, and the failure message of a step that is not about one object.
    struct Outcome {
        var objects: [ObjectResult] = []
        var message: String?
    }

    private var client: API { engine.client }
    private var plan: SyncPlan { comparison.plan }

    func execute() async -> Outcome {
        var outcome = Outcome()
        let failed = { (results: [ObjectResult]) in
            results.contains { $0.action == .failed || $0.action == .hookFailed }
        }
        if let namespace = plan.namespaceToCreate, !options.dryRun {
            do {
                let ref = ObjectRef(object: namespace)!
                do {
                    _ = try await client.get(ref)
                } catch  where error.code == .notFound {
                    _ = try await client.apply(namespace, fieldManager: engine.fieldManager)
                }
            } catch {
                outcome.message = "cannot create the destination namespace: \(error)"
                return await failing(outcome)
            }
        }
        progress(.phaseStarted("bootstrap", objects: plan.bootstrap.count))
        let bootstrap = await applyBatch(plan.bootstrap)
        outcome.objects += bootstrap
        if failed(bootstrap) { return await failing(outcome) }
        let newDefinitions = bootstrap.filter {
            $0.ref.kind == "CustomResourceDefinition" && ($0.action == .created || $0.action == .configured)
        }
        if !newDefinitions.isEmpty, !options.dryRun {
            if let problem = await waitEstablished(newDefinitions.map(\.ref)) {
                outcome.message = problem
                return await failing(outcome)
            }
        }

        if !plan.preSyncHooks.isEmpty {
            progress(.phaseStarted("PreSync", objects: plan.preSyncHooks.count))
            let hooks = await runPhase(plan.preSyncHooks)
            outcome.objects += hooks
            if failed(hooks) { return await failing(outcome) }
        }

        for (index, wave) in plan.waves.enumerated() {
            progress(.phaseStarted("wave \(wave.number)", objects: wave.objects.count))
            for batch in wave.batches {
                async let hookResults = runHooks(batch.filter(\.annotations.isHook), wave: wave.number)
                let applied = await applyBatch(batch.filter { !$0.annotations.isHook }, wave: wave.number)
                let results = applied + (await hookResults)
                outcome.objects += results
                if failed(results) { return await failing(outcome) }
            }
            let moreToCome = index < plan.waves.count - 1 || !plan.postSyncHooks.isEmpty
            if moreToCome, !options.dryRun,
                let problem = await waitHealthy(wave.objects.filter { !$0.annotations.isHook }, wave: wave.number)
            {
                outcome.message = problem
                return await failing(outcome)
            }
        }

        if !plan.postSyncHooks.isEmpty {
            progress(.phaseStarted("PostSync", objects: plan.postSyncHooks.count))
            let hooks = await runPhase(plan.postSyncHooks)
            outcome.objects += hooks
            if failed(hooks) { return await failing(outcome) }
        }

        progress(.phaseStarted("prune", objects: plan.prune.count))
        for ref in plan.prune {
            let result = await prune(ref)
            progress(.objectFinished(result))
            outcome.objects.append(result)
        }
        for kept in plan.keep {
            let result = ObjectResult(ref: kept.ref, action: .kept, message: kept.message)
            progress(.objectFinished(result))
            outcome.objects.append(result)
        }
        return outcome
    }

    /// Runs the SyncFail hooks and returns the outcome with their results added.
    private func failing(_ outcome: Outcome) async -> Outcome {
        var outcome = outcome
        guard !plan.syncFailHooks.isEmpty else { return outcome }
        progress(.phaseStarted("SyncFail", objects: plan.syncFailHooks.count))
        outcome.objects += await runPhase(plan.syncFailHooks)
        return outcome
    }

    // MARK: Apply

    /// Applies objects in parallel (bounded), returning results in the objects' order.
    private func applyBatch(_ objects: [PlannedObject], wave: Int? = nil) async -> [ObjectResult] {
        await boundedMap(objects, limit: engine.concurrency) { object in
            let result = await apply(object, wave: wave)
            progress(.objectFinished(result))
            return result
        }
    }

    /// Applies one object as the comparison found it. One reported `Missing` without a read
    /// (``ObjectComparison/unread``) is created by a create-only apply; when that fails, because the
    /// object exists after all or for any other reason, it is read and compared as without a cache and
    /// applied from that comparison, which reports any error as it would have.
    private func apply(_ planned: PlannedObject, wave: Int?) async -> ObjectResult {
        let state = comparison.state(of: planned.ref)
        guard let state, state.unread, !options.dryRun else { return await apply(planned, as: state, wave: wave) }
        do {
            let stored = try await engine.applyCreatingOnly(planned)
            var result = ObjectResult(ref: planned.ref, action: .created, source: planned.source, wave: wave)
            result.health = engine.health.assess(stored)?.status
            result.stored = stored
            return result
        } catch {
            let read = await engine.compareOne(
                planned, of: comparison.application.name, live: nil, rules: comparison.rules)
            return await apply(planned, as: read, wave: wave)
        }
    }

    private func apply(_ planned: PlannedObject, as state: ObjectComparison?, wave: Int?) async -> ObjectResult {
        var result = ObjectResult(
            ref: planned.ref, action: .unchanged, message: state?.message ?? "", source: planned.source, wave: wave)
        switch state?.state {
        case .synced?:
            result.health = state?.live.flatMap(engine.health.assess)?.status
            return result
        case .missing?, nil:
            result.action = .created
        case .outOfSync?, .extraneous?:
            result.action = .configured
        }
        if case .shared? = state?.ownership {
            result.action = .failed
            return result
        }
        if case .transfer? = state?.ownership { result.message = state?.ownership.message ?? "" }
        if options.dryRun {
            result.health = (state?.predicted).flatMap(engine.health.assess)?.status
            return result
        }
        do {
            let stored: JSONValue
            if planned.options.replace {
                stored =
                    result.action == .created
                    ? try await client.create(planned.object, fieldManager: engine.fieldManager)
                    : try await client.replace(planned.object, fieldManager: engine.fieldManager)
            } else {
                stored = try await engine.apply(planned)
            }
            result.health = engine.health.assess(stored)?.status
            result.stored = stored
        } catch {
            // What the API server refused is named where it was written in Git.
            result.action = .failed
            result.message = "\(planned.source): \(error.detail)"
        }
        return result
    }

    // MARK: Hooks

    /// Runs the hooks of a phase one wave after the other (``SyncPlan/groupedByWave(_:)``), stopping
    /// after a wave in which a hook failed.
    private func runPhase(_ hooks: [PlannedObject]) async -> [ObjectResult] {
        var results: [ObjectResult] = []
        for group in SyncPlan.groupedByWave(hooks) {
            let finished = await runHooks(group, wave: group.first?.annotations.wave)
            results += finished
            if finished.contains(where: { $0.action == .hookFailed }) { break }
        }
        return results
    }

    private func runHooks(_ hooks: [PlannedObject], wave: Int?) async -> [ObjectResult] {
        await boundedMap(hooks, limit: engine.concurrency) { hook in
            let result = await runHook(hook, wave: wave)
            progress(.objectFinished(result))
            return result
        }
    }

    /// Runs one hook: deletes the previous run (BeforeHookCreation), creates the hook (applied when
    /// it has a name, created for the server to name it otherwise), follows the object until it
    /// completes and applies its delete policy. The result names the object this run created.
    private func runHook(_ hook: PlannedObject, wave: Int?) async -> ObjectResult {
        var result = ObjectResult(ref: hook.ref, action: .hookSucceeded, source: hook.source, wave: wave)
        if options.dryRun {
            result.action = .notAttempted
            result.message = "hook not run in a dry run"
            return result
        }
        let policies = hook.annotations.deletePolicies
        var created: ObjectRef?
        do {
            if policies.contains(.beforeHookCreation) {
                if hook.generatesName { try await deletePreviousRuns(hook) } else { try await deleteAndWait(hook.ref) }
            }
            let ref = try await create(hook)
            created = ref
            result.ref = ref
            let (status, message) = try await waitForHook(ref)
            result.health = status
            result.message = message
            if status != .healthy { result.action = .hookFailed }
        } catch let error as KubeAPIError {
            result.action = .hookFailed
            result.message = "\(hook.source): \(error.detail)"
        } catch {
            result.action = .hookFailed
            result.message = "\(error)"
        }
        let succeeded = result.action == .hookSucceeded
        let deleted = succeeded ? policies.contains(.hookSucceeded) : policies.contains(.hookFailed)
        if let created, deleted {
            try? await client.delete(created, propagation: .background)
        }
        return result
    }

    /// Creates a run of `hook`: applied when it has a name, created for the server to name otherwise.
    /// Returns the ref of the object the server stored.
    private func create(_ hook: PlannedObject) async throws(KubeAPIError) -> ObjectRef {
        let stored: JSONValue
        if hook.generatesName {
            stored = try await client.create(hook.object, fieldManager: engine.fieldManager)
        } else {
            stored = try await client.apply(hook.object, fieldManager: engine.fieldManager, force: true)
        }
        guard let ref = ObjectRef(object: stored) else {
            throw KubeAPIError(code: .transport, status: 0, message: "the server answered without the object's name")
        }
        return ref
    }

    /// Polls a hook until it completes: Healthy is success, Degraded failure; kinds without a
    /// health notion complete once created. Reports the wait (``SyncProgress/waiting(what:elapsed:timeout:)``).
    private func waitForHook(_ ref: ObjectRef) async throws -> (HealthStatus, String) {
        var wait = Wait(timeout: engine.hookTimeout, interval: engine.progressInterval, clock: engine.clock)
        // At least one look, and one report of the wait, however slow the hook's creation was.
        repeat {
            let live = try await client.get(ref)
            guard let health = engine.health.assess(live) else { return (.healthy, "created") }
            if health.status == .healthy || health.status == .degraded { return (health.status, health.message) }
            wait.report("hook \(ref)", to: progress)
            if wait.expired { break }
            try await engine.clock.sleep(for: engine.pollInterval)
        } while !wait.expired
        return (
            .degraded,
            "did not complete within \(Wait.seconds(engine.hookTimeout)); if it needs longer, sync again with a "
                + "longer --hook-timeout"
        )
    }

    private func deleteAndWait(_ ref: ObjectRef) async throws {
        do {
            try await client.delete(ref, propagation: .background)
        } catch  where error.code == .notFound {
            return
        }
        let deadline = engine.clock.now + engine.hookTimeout
        while engine.clock.now < deadline {
            do {
                _ = try await client.get(ref)
            } catch  where error.code == .notFound {
                return
            }
            try await engine.clock.sleep(for: engine.pollInterval)
        }
        throw KubeAPIError(code: .timeout, status: 0, message: "the previous run was not deleted in time", object: ref)
    }

    /// Deletes the objects earlier runs of a `generateName` hook created: those of its kind and
    /// namespace whose tracking id and `generateName` are the hook's. Each run has a name of its own,
    /// so nothing needs to be gone before the next run is created.
    private func deletePreviousRuns(_ hook: PlannedObject) async throws {
        let resource = try await client.resource(for: hook.ref)
        let id = hook.object[path: "metadata", "annotations", TrackingID.annotation]
        let generateName = hook.object[path: "metadata", "generateName"]
        let listed = try await client.listAll(
            resource, namespace: resource.namespaced ? hook.ref.namespace : nil,
            options: ListOptions(labelSelector: TrackingID.managedBySelector))
        for run in listed.items
        where run[path: "metadata", "annotations", TrackingID.annotation] == id
            && run[path: "metadata", "generateName"] == generateName
        {
            guard let ref = ObjectRef(object: run) else { continue }
            do {
                try await client.delete(ref, propagation: .background)
            } catch {
                if error.code != .notFound { throw error }
            }
        }
    }

    // MARK: Waiting

    /// Waits until every object of a wave is healthy (or has no health notion); returns a
    /// message when one degrades or the timeout passes.
    private func waitHealthy(_ objects: [PlannedObject], wave: Int) async -> String? {
        var wait = Wait(timeout: engine.waveTimeout, interval: engine.progressInterval, clock: engine.clock)
        var pending = objects.map(\.ref)
        while !pending.isEmpty {
            let states = await boundedMap(pending, limit: engine.concurrency) {
                ref -> (ObjectRef, HealthStatus?, String) in
                guard let live = try? await client.get(ref) else { return (ref, .missing, "not found") }
                let health = engine.health.assess(live)
                return (ref, health?.status, health?.message ?? "")
            }
            if let degraded = states.first(where: { $0.1 == .degraded }) {
                return "wave \(wave): \(degraded.0) is Degraded: \(degraded.2)"
            }
            pending = states.filter { state in
                guard let status = state.1 else { return false }
                return status != .healthy && status != .suspended
            }.map(\.0)
            if pending.isEmpty { return nil }
            let shown = pending.prefix(3).map(\.description).joined(separator: ", ")
            wait.report(
                "wave \(wave) to be healthy: \(shown)\(pending.count > 3 ? " and \(pending.count - 3) more" : "")",
                to: progress)
            guard !wait.expired else {
                let names = pending.map(\.description).joined(separator: ", ")
                return "wave \(wave) not healthy after \(Wait.seconds(engine.waveTimeout)): \(names)"
            }
            try? await engine.clock.sleep(for: engine.pollInterval)
        }
        return nil
    }

    /// Waits until new CRDs are established, then refreshes discovery so their kinds apply.
    private func waitEstablished(_ refs: [ObjectRef]) async -> String? {
        let deadline = engine.clock.now + engine.waveTimeout
        for ref in refs {
            while true {
                let live = try? await client.get(ref)
                if engine.health.assess(live ?? .null)?.status == .healthy { break }
                guard engine.clock.now < deadline else { return "\(ref) was not established in time" }
                try? await engine.clock.sleep(for: .milliseconds(100))
            }
        }
        do {
            try await client.refreshDiscovery()
        } catch {
            return "cannot refresh discovery after creating CRDs: \(error)"
        }
        return nil
    }

    // MARK: Prune

    private func prune(_ ref: ObjectRef) async -> ObjectResult {
        await engine.remove(ref, as: .pruned, propagation: plan.prunePropagation, dryRun: options.dryRun)
    }
}

/// One wait of a sync, for a hook or a wave: when it times out, and when to report it next.
/// The first report comes at the first poll still waiting, then one every `interval`.
struct Wait {
    /// How long the wait may last.
    let timeout: Duration
    /// The time between two reports.
    let interval: Duration
    private let clock: MoorClock
    private let started: ContinuousClock.Instant
    private var reported: ContinuousClock.Instant?

    /// A wait starting now by `clock`.
    init(timeout: Duration, interval: Duration, clock: MoorClock) {
        self.timeout = timeout
        self.interval = interval
        self.clock = clock
        started = clock.now
    }

    /// Whether the timeout has passed.
    var expired: Bool { started.duration(to: clock.now) >= timeout }

    /// Reports that the sync waits for `what`, unless the last report is younger than the interval.
    mutating func report(_ what: String, to progress: (SyncProgress) -> Void) {
        let now = clock.now
        if let reported, reported.duration(to: now) < interval { return }
        reported = now
        progress(.waiting(what: what, elapsed: started.duration(to: now), timeout: timeout))
    }

    /// `300 s`: a duration in whole seconds, for messages.
    static func seconds(_ duration: Duration) -> String { "\(duration.components.seconds) s" }
}

/// Maps `items` with at most `limit` transforms running at once, keeping the input order.
func boundedMap<T: Sendable, R: Sendable>(
    _ items: [T], limit: Int, _ transform: @escaping @Sendable (T) async -> R
) async -> [R] {
    guard !items.isEmpty else { return [] }
    return await withTaskGroup(of: (Int, R).self) { group in
        var results = [R?](repeating: nil, count: items.count)
        var next = 0
        for _ in 0..<min(limit, items.count) {
            let index = next
            group.addTask { (index, await transform(items[index])) }
            next += 1
        }
        for await (index, value) in group {
            results[index] = value
            if next < items.count {
                let index = next
                group.addTask { (index, await transform(items[index])) }
                next += 1
            }
        }
        return results.map { $0! }
    }
}
