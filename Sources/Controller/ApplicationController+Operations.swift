public import Diff
internal import Foundation
internal import GitSource
internal import KubeClient
public import MoorCore
internal import Render
public import Sync

extension ApplicationController {
    /// Why an operation asked of the controller for one application (through the API) was not done.
    /// Messages name the application and say what to do; they never hold a secret.
    public struct OperationError: Error, Sendable, Hashable, CustomStringConvertible {
        /// What went wrong, for the caller to choose a status code.
        public enum Kind: Sendable, Hashable {
            /// No application of that name is registered.
            case notFound
            /// The request itself is wrong: a revision or history entry that does not exist, or a
            /// revision an automated application would not stay at.
            case invalidRequest
            /// Another replica syncs the application (sharding); ask that one.
            case elsewhere
            /// The source or the destination cluster could not be read.
            case failed
        }

        /// What went wrong.
        public let kind: Kind
        /// What went wrong and what to do.
        public let message: String

        init(_ kind: Kind, _ message: String) {
            self.kind = kind
            self.message = message
        }

        /// The message.
        public var description: String { message }
    }

    /// An application and its status at one moment.
    public struct Snapshot: Sendable, Hashable {
        /// The application as registered.
        public var application: Application
        /// What the controller last found out about it.
        public var status: ApplicationStatus
    }

    /// The options of a sync asked for by a person or a tool (``sync(_:_:)``).
    public struct SyncRequest: Sendable, Hashable {
        /// Delete tracked objects Git no longer holds.
        public var prune: Bool
        /// Compare and dry-run every write, persisting nothing and recording nothing.
        public var dryRun: Bool
        /// A branch, tag or commit to sync instead of the spec's `targetRevision` (`nil` for that).
        public var revision: String?

        /// Creates a request.
        public init(prune: Bool = false, dryRun: Bool = false, revision: String? = nil) {
            self.prune = prune
            self.dryRun = dryRun
            self.revision = revision
        }
    }

    /// What ``sync(_:_:)`` did.
    public struct SyncOutcome: Sendable {
        /// The operation: `Succeeded` or `Failed`, with a summary or the first failure.
        public var operation: ApplicationStatus.OperationState
        /// The per-object results; `nil` when the sync could not start (its error is in ``operation``).
        public var result: SyncResult?
        /// Whether it was a dry run (nothing persisted, nothing recorded).
        public var dryRun: Bool
    }

    /// How one object of an application differs from the cluster.
    public struct ObjectDifference: Sendable, Hashable {
        /// The object.
        public var ref: ObjectRef
        /// `OutOfSync`, `Missing` or `Extraneous`.
        public var state: ObjectSyncState
        /// A unified YAML diff from live to what a sync would leave, Secret values masked.
        public var diff: String
        /// Who set the drifted fields, and how and when (``Sync/ObjectComparison/attributions``).
        public var attributions: [FieldAttribution] = []

        /// The object as the API's diff and previews give it: `group`, `version`, `kind`, `namespace`,
        /// `name`, `status` (``state``), `diff` and `attributions`.
        public var json: JSONValue {
            [
                "group": .string(ref.group), "version": .string(ref.version), "kind": .string(ref.kind),
                "namespace": .string(ref.namespace), "name": .string(ref.name), "status": .string(state.rawValue),
                "diff": .string(diff), "attributions": .array(attributions.map(\.json)),
            ]
        }
    }

    /// Every registered application with its status, sorted by name.
    public func snapshots() -> [Snapshot] {
        registry.keys.sorted().compactMap(snapshot(of:))
    }

    /// The application `name` with its status; `nil` when none is registered.
    public func snapshot(of name: String) -> Snapshot? {
        registry[name].map { Snapshot(application: $0.application, status: $0.status) }
    }

    /// Compares application `name` with its destination cluster now (fetching and rendering its
    /// source, writing nothing) and returns its sync status and the objects that differ.
    public func differences(of name: String) async throws(OperationError) -> (
        sync: SyncStatus, objects: [ObjectDifference]
    ) {
        let application = try registered(name)
        let comparison: ApplicationComparison
        do {
            let cluster = try await governedDestination(of: application).cluster
            let fetched = try await fetch(application, on: cluster)
            comparison = try await cluster.engine.compare(
                application, desired: fetched.objects, tracked: await cachedObjects(of: name, in: cluster),
                prune: application.spec.syncPolicy.automated?.prune ?? false)
        } catch let error as OperationError {
            throw error
        } catch {
            throw OperationError(.failed, "comparing \(name) with its cluster failed: \(error)")
        }
        return (comparison.syncStatus, Self.differences(in: comparison))
    }

    /// The objects of `comparison` that differ, each with its diff.
    static func differences(in comparison: ApplicationComparison) -> [ObjectDifference] {
        comparison.objects.filter { $0.state != .synced }.map { object in
            ObjectDifference(
                ref: object.ref, state: object.state, diff: Self.diff(of: object), attributions: object.attributions)
        }
    }

    /// Syncs application `name` now, as `request` says, whatever its sync policy. A real sync is
    /// recorded like the controller's own (operation, history entry, events) and followed by a
    /// reconcile that refreshes the status; a dry run persists and records nothing. Waits for a
    /// reconcile of `name` in flight; none starts while the sync runs.
    ///
    /// Throws ``OperationError`` (nothing synced) for an unknown application, one another replica
    /// syncs, a revision that does not resolve or that an automated application would not stay at,
    /// or a source or cluster that cannot be read. A sync that ran and failed is returned, not thrown.
    public func sync(_ name: String, _ request: SyncRequest) async throws(OperationError) -> SyncOutcome {
        var application = try registered(name)
        guard owns(name) else {
            throw OperationError(
                .elsewhere, "\(name) is synced by another replica of the controller (sharding); ask that replica")
        }
        if let revision = request.revision, revision != application.spec.source.targetRevision {
            guard application.spec.syncPolicy.automated == nil else {
                throw OperationError(
                    .invalidRequest,
                    "cannot sync \(name) to \(revision): its automated sync would take it back to "
                        + "\(application.spec.source.targetRevision); sync without a revision, roll back to a "
                        + "history entry, or turn spec.syncPolicy.automated off first")
            }
            application.spec.source.targetRevision = revision
        }
        let pinned = application
        let outcome = try await exclusively(name) { () async throws(OperationError) -> SyncOutcome in
            try await self.syncing(name, pinned, request)
        }
        if !request.dryRun { enqueue(name) }
        return outcome
    }

    /// The sync itself, with `name` claimed.
    private func syncing(_ name: String, _ application: Application, _ request: SyncRequest)
        async
        throws(OperationError) -> SyncOutcome
    {
        let governed: Governed
        do {
            governed = try await governedDestination(of: application)
        } catch {
            throw OperationError(.failed, "\(name): \(error)")
        }
        if !request.dryRun, let hold = windowHold(of: application, governed: governed, manual: true) {
            throw OperationError(.failed, "\(name): \(hold); nothing was synced")
        }
        let cluster = governed.cluster
        let fetched = try await fetch(application, on: cluster)
        let tracked = await cachedObjects(of: name, in: cluster)
        let options = SyncRunOptions(prune: request.prune, dryRun: request.dryRun)
        guard !request.dryRun else {
            let (operation, result) = await Self.run(
                cluster.engine, application, desired: fetched.objects, tracked: tracked, options: options,
                started: .init(phase: .running, message: "dry run", startedAt: clock.date, finishedAt: nil))
            return SyncOutcome(operation: operation, result: result, dryRun: true)
        }
        let (operation, result) = await sync(
            name, application, fetched, options: options, engine: cluster.engine, tracked: tracked)
        if operation.phase == .succeeded {
            registry[name]?.memory.noteSynced(SyncTarget(spec: application.spec, revision: Self.revision(of: fetched)))
        }
        let comparison = try? await compare(
            name, application, desired: fetched.objects, after: result, in: cluster,
            prune: application.spec.syncPolicy.automated?.prune ?? false)
        await record(name) { status in
            status.operationState = operation
            status.addHistory(.init(operation, fetched: fetched, spec: application.spec))
            if let comparison {
                status.summarize(
                    comparison, revision: fetched.revision ?? "", revisions: fetched.revisions,
                    health: cluster.engine.health)
            }
        }
        return SyncOutcome(operation: operation, result: result, dryRun: false)
    }

    /// Runs one sync of `fetched`'s objects with `options`, recording the operation as running first, with
    /// events (and notifications) and log lines; returns the finished operation (phase `Succeeded` or `Failed`, with the summary
    /// or the first failure) and the per-object results (`nil` when the sync could not start),
    /// through `engine` (the destination cluster's). `tracked`, the application's live objects from the
    /// live-object cache, spares the sync listing them; `nil` lists them. A `comparison` the caller has
    /// just made with these options spares the sync comparing again.
    func sync(
        _ name: String, _ application: Application, _ fetched: SourceFetcher.Fetched, options: SyncRunOptions,
        engine: SyncEngine<KubeClient>, tracked: [JSONValue]? = nil, comparison: ApplicationComparison? = nil
    ) async -> (operation: ApplicationStatus.OperationState, result: SyncResult?) {
        counts.syncs += 1
        let running = ApplicationStatus.OperationState(
            phase: .running, message: "syncing", startedAt: clock.date, finishedAt: nil)
        await record(name) { $0.operationState = running }
        logger.info("syncing", metadata: ["application": "\(name)", "prune": "\(options.prune)"])
        await recordEvent(name, .syncStarted, "syncing \(application.spec.source.targetRevision)", fetched: fetched)
        let (operation, result) = await Self.run(
            engine, application, desired: fetched.objects, tracked: tracked, comparison: comparison, options: options,
            started: running)
        countSync(operation)
        await recordEvent(
            name, operation.phase == .succeeded ? .syncSucceeded : .syncFailed, operation.message, fetched: fetched)
        notifyRefusedPrune(name, result, fetched: fetched)
        logger.log(
            level: operation.phase == .succeeded ? .info : .error, "sync \(operation.phase.rawValue.lowercased())",
            metadata: ["application": "\(name)", "result": "\(operation.message)"])
        return (operation, result)
    }

    /// Syncs through `engine` and returns `started` finished (phase `Succeeded` or `Failed`, with
    /// the summary or the first failure) and the per-object results (`nil` when the sync threw); `tracked`
    /// as for ``SyncEngine/sync(_:desired:tracked:options:progress:)``; with `comparison` the sync starts
    /// from it (``SyncEngine/sync(_:of:options:progress:)``).
    static func run(
        _ engine: SyncEngine<KubeClient>, _ application: Application, desired: [ManifestObject],
        tracked: [JSONValue]? = nil,
        comparison: ApplicationComparison? = nil, options: SyncRunOptions, started: ApplicationStatus.OperationState
    ) async -> (operation: ApplicationStatus.OperationState, result: SyncResult?) {
        var operation = started
        var result: SyncResult?
        do {
            let finished: SyncResult
            if let comparison {
                finished = await engine.sync(comparison, of: application.name, options: options)
            } else {
                finished = try await engine.sync(application, desired: desired, tracked: tracked, options: options)
            }
            operation.phase = OperationPhase(succeeded: finished.succeeded)
            operation.message = finished.message
            result = finished
        } catch {
            operation.phase = .failed
            operation.message = "\(error)"
        }
        operation.finishedAt = engine.clock.date
        return (operation, result)
    }

    /// Runs `body` as the only work on `name`: waits for a reconcile (or other operation) in flight,
    /// keeps new ones from starting until it returns, then lets queued work run.
    func exclusively<T: Sendable>(
        _ name: String, _ body: @escaping @Sendable () async throws(OperationError) -> T
    ) async throws(OperationError) -> T {
        guard await claimForOperation(name) else {
            throw OperationError(.notFound, "application \(name) is no longer managed; nothing was done")
        }
        let work = Task { () -> Result<T, OperationError> in
            let outcome: Result<T, OperationError>
            do throws(OperationError) { outcome = .success(try await body()) } catch { outcome = .failure(error) }
            self.finish(name, .succeeded)
            return outcome
        }
        running[name] = Task { _ = await work.value }
        return try await work.value.get()
    }

    /// Claims `name` for an operation: waits until the reconcile (or operation) in flight finishes,
    /// keeping new reconciles from starting meanwhile. `false` when the application is no longer
    /// managed, or the controller stopped, before it could be claimed. Release it with ``finish(_:_:)``.
    func claimForOperation(_ name: String) async -> Bool {
        queue.reserve(name)
        defer { queue.unreserve(name) }
        while !queue.claim(name) {
            await running[name]?.value
            guard accepting, registry[name] != nil else { return false }
        }
        return true
    }

    /// The registered application `name`; throws `notFound` (also once the controller stopped).
    func registered(_ name: String) throws(OperationError) -> Application {
        guard accepting, let application = registry[name]?.application else {
            throw OperationError(.notFound, "no application \"\(name)\": list them with GET /api/v1/applications")
        }
        return application
    }

    /// Fetches and renders `application`'s sources on `cluster` through a listing of the remote's refs
    /// made after the request (a commit pushed just before is seen); a revision that does not resolve is
    /// an `invalidRequest`, any other failure `failed`.
    func fetch(
        _ application: Application, on cluster: ClusterRegistry.Cluster
    ) async throws(OperationError) -> SourceFetcher.Fetched {
        let name = application.name
        let source = application.spec.source
        do {
            return try await fetcher.scoped(to: application.spec.project).fetch(
                sources: application.spec.allSources, credentials: configuration.credentials,
                verifyKeyring: configuration.verifyKeyring,
                listedSince: .now,
                environment: try await RenderEnvironment.destination(of: application, client: cluster.engine.client))
        } catch let error as GitError where error.code == .revisionNotFound || error.code == .invalidRevision {
            throw OperationError(
                .invalidRequest,
                "revision \"\(source.targetRevision)\" of \(source.repoURL) does not resolve (\(error.message)); "
                    + "name an existing branch, tag or commit")
        } catch {
            throw OperationError(.failed, "fetching and rendering the source of \(name) failed: \(error)")
        }
    }

    /// The diff of one object that differs: the comparison's own for an object out of sync, the
    /// whole object added (missing) or removed (extraneous) otherwise; Secret values masked.
    private static func diff(of object: ObjectComparison) -> String {
        guard object.diff.isEmpty else { return object.diff }
        var shown = object.state == .missing ? object.predicted : object.live
        shown?["metadata"]?["managedFields"] = nil
        let masked = SecretMasking.mask([shown])[0]
        let missing = object.state == .missing
        return DiffRendering.unified(
            ObjectDiff(
                ref: object.ref, state: missing ? .missing : .extraneous, changes: [],
                live: missing ? nil : masked, desired: missing ? masked : nil))
    }
}
