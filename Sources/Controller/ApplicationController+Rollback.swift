internal import Foundation
internal import KubeClient
internal import Logging
public import MoorCore
internal import Render
internal import Sync

extension ApplicationController {
    /// The earlier sync a rollback goes back to.
    public enum RollbackTarget: Sendable, Hashable, CustomStringConvertible {
        /// The history entry with this id.
        case history(Int)
        /// The newest history entry of this commit (a full SHA or an abbreviation of at least 4 digits).
        case revision(String)

        /// The target as a user names it.
        public var description: String {
            switch self {
            case .history(let id): "history entry \(id)"
            case .revision(let revision): "revision \(revision)"
            }
        }

        func matches(_ entry: ApplicationStatus.HistoryEntry) -> Bool {
            switch self {
            case .history(let id): entry.id == id
            case .revision(let revision):
                revision.count >= 4 && !entry.revision.isEmpty && entry.revision.hasPrefix(revision.lowercased())
            }
        }

        /// The newest entry of `history` this target names; throws when there is none, or it has
        /// no commit (a local directory).
        func entry(in history: [ApplicationStatus.HistoryEntry], of application: String)
            throws(ApplicationError) -> ApplicationStatus.HistoryEntry
        {
            guard let entry = history.first(where: matches), !entry.revision.isEmpty else {
                throw ApplicationError("application \(application) has no \(self) in its history to roll back to")
            }
            return entry
        }
    }

    /// What a rollback did.
    public struct RollbackResult: Sendable {
        /// The history entry rolled back to.
        public var entry: ApplicationStatus.HistoryEntry
        /// The sync that ran (phase `Succeeded` or `Failed`).
        public var operation: ApplicationStatus.OperationState
        /// What happened, saying that automated sync is now off and how to turn it on again.
        public var message: String
    }

    /// Syncs the exact commit and source of an earlier history entry of `name`, then leaves automated
    /// sync off for it until it is turned on again (as Argo CD does): for an Application resource
    /// `spec.syncPolicy.automated` is removed from the resource, for a file-sourced application from
    /// the copy in memory (``manage(_:)`` with automated sync turns it on again). The status gets
    /// the sync as a new history entry and ``ApplicationStatus/rollback`` saying why automation is off.
    ///
    /// Waits for a reconcile of `name` in flight; none starts while the rollback runs. Throws
    /// ``ApplicationError`` for an unknown application or history entry, or when the controller
    /// stopped; a failure to fetch the commit or to turn automation off throws before anything is
    /// synced (automation stays on when the fetch fails). A sync that ran and failed is returned,
    /// not thrown.
    public func rollback(_ name: String, to target: RollbackTarget, prune: Bool = false) async throws
        -> RollbackResult
    {
        guard accepting, let managed = registry[name] else {
            throw ApplicationError("no application is named \(name) (or the controller stopped)")
        }
        let entry = try target.entry(in: managed.status.history, of: name)
        guard await claimForOperation(name) else {
            throw ApplicationError("application \(name) is no longer managed; nothing was rolled back")
        }
        let work = Task { try await self.rollingBack(name, to: entry, prune: prune) }
        running[name] = Task { _ = await work.result }
        return try await work.value
    }

    /// Rolls the Application resource `ref` back without a running controller (what `moor app
    /// rollback` does): reads its `status.history`, removes `spec.syncPolicy.automated`, syncs the
    /// entry's exact commit to the cluster its destination names, and writes the sync as a new history
    /// entry, the operation and the rollback note to its status (a running controller adopts them).
    /// Throws as ``rollback(_:to:prune:)`` does, and for a resource that does not exist or does not
    /// parse, or an unknown destination, before anything is changed.
    public static func rollback(
        resource ref: ObjectRef, to target: RollbackTarget, prune: Bool = false, access: ResourceAccess
    ) async throws -> RollbackResult {
        try await access.withResource(ref, syncing: true) { manifest, application, destination in
            var status = ApplicationStatus()
            status.history = ApplicationStatus.history(from: manifest[path: "status", "history"])
            let entry = try target.entry(in: status.history, of: application.name)
            var pinned = application
            entry.pin(&pinned.spec)
            let fetched = try await access.fetch(pinned.spec, of: application, on: destination)
            if application.spec.syncPolicy.automated != nil {
                _ = try await access.engine.client.mergePatch(
                    ref, patch: ["spec": ["syncPolicy": ["automated": .null]]])
            }
            pinned.spec.syncPolicy.automated = nil
            let operation = await run(
                destination, pinned, desired: fetched.objects, options: .init(prune: prune),
                started: .init(
                    phase: .running, message: "syncing", startedAt: access.engine.clock.date, finishedAt: nil)
            ).operation
            status.operationState = operation
            status.addHistory(.init(operation, fetched: fetched, spec: pinned.spec))
            status.rollback = ApplicationStatus.RollbackState(application.name, to: entry, phase: operation.phase)
            try await writeOperation(
                of: status, to: ref, keys: ["operationState", "history", "rollback"], engine: access.engine)
            return RollbackResult(entry: entry, operation: operation, message: status.rollback?.message ?? "")
        }
    }

    /// The rollback itself, with `name` claimed in the work queue; releases it when done.
    private func rollingBack(_ name: String, to entry: ApplicationStatus.HistoryEntry, prune: Bool) async throws
        -> RollbackResult
    {
        defer { finish(name, .succeeded) }
        guard var application = registry[name]?.application, let origin = registry[name]?.origin else {
            throw ApplicationError("application \(name) is no longer managed; nothing was rolled back")
        }
        var pinned = application
        entry.pin(&pinned.spec)
        let governed = try await governedDestination(of: pinned)
        if let hold = windowHold(of: application, governed: governed, manual: true) {
            throw ApplicationError("\(name): \(hold); nothing was rolled back")
        }
        let cluster = governed.cluster
        let fetched = try await fetcher.scoped(to: pinned.spec.project).fetch(
            sources: pinned.spec.allSources, credentials: configuration.credentials,
            verifyKeyring: configuration.verifyKeyring,
            environment: try await RenderEnvironment.destination(of: application, client: cluster.engine.client))
        if application.spec.syncPolicy.automated != nil {
            if case .resource(let ref) = origin {
                _ = try await client.mergePatch(ref, patch: ["spec": ["syncPolicy": ["automated": .null]]])
            }
            application.spec.syncPolicy.automated = nil
            registry[name]?.application = application
        }
        pinned.spec.syncPolicy = application.spec.syncPolicy
        let (operation, result) = await sync(
            name, pinned, fetched, options: .init(prune: prune), engine: cluster.engine,
            tracked: await cachedObjects(of: name, in: cluster))
        notify(name, .rollback, "rolled back to history entry \(entry.id): \(operation.message)", fetched: fetched)
        registry[name]?.memory.lastSynced = SyncTarget(spec: pinned.spec, revision: entry.revision)
        let comparison = try? await compare(
            name, pinned, desired: fetched.objects, after: result, in: cluster, prune: false)
        let state = ApplicationStatus.RollbackState(name, to: entry, phase: operation.phase)
        await record(name) { status in
            status.operationState = operation
            status.addHistory(.init(operation, fetched: fetched, spec: pinned.spec))
            status.rollback = state
            if let comparison {
                status.summarize(
                    comparison, revision: entry.revision, revisions: entry.revisions, health: cluster.engine.health)
            }
        }
        logger.warning("\(state.message)", metadata: ["application": "\(name)", "result": "\(operation.message)"])
        return RollbackResult(entry: entry, operation: operation, message: state.message)
    }
}

extension ApplicationStatus.HistoryEntry {
    /// Sets `spec`'s sources to the entry's, each pinned to the commit or chart version it synced.
    func pin(_ spec: inout ApplicationSpec) {
        let pinned = { (source: ApplicationSource, revision: String) in
            var source = source
            if !revision.isEmpty { source.targetRevision = revision }
            return source
        }
        if !sources.isEmpty, sources.count == revisions.count {
            spec.sources = zip(sources, revisions).map(pinned)
        } else {
            spec.sources = []
            spec.source = pinned(source, revision)
        }
    }
}

extension ApplicationStatus.RollbackState {
    /// The note for a rollback of `application` to `entry` whose sync ended in `phase`.
    init(_ application: String, to entry: ApplicationStatus.HistoryEntry, phase: OperationPhase) {
        self.init(
            historyID: entry.id, revision: entry.revision,
            message: "rolled back \(application) to \(entry.revision.prefix(12)) (history entry \(entry.id), "
                + "\"\(entry.subject)\"): sync \(phase.rawValue.lowercased()); automated sync is off for \(application) "
                + "until spec.syncPolicy.automated is set again")
    }
}
