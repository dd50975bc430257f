internal import KubeClient
public import MoorCore

extension SyncEngine {
    /// What deleting `application` would do: its tracked objects, listed from the cluster, under
    /// the rules of prune (``SyncPlanner/deletion(desired:tracked:)``; `desired` is its render).
    /// Reads only.
    public func deletionPlan(_ application: Application, desired: [ManifestObject]) async throws -> DeletionPlan {
        let tracked = try await TrackedObjects.list(client: client, application: application.name)
        let planner = SyncPlanner(application: application, isNamespaced: try await scopeLookup())
        return try planner.deletion(desired: desired, tracked: tracked)
    }

    /// Carries out `plan`: deletes its objects one by one in its order and reports the kept ones;
    /// with `dryRun` deletes nothing. A failed deletion is reported and the others still go; the
    /// result succeeds when every deletion did.
    public func delete(
        _ plan: DeletionPlan, dryRun: Bool = false, progress: @escaping @Sendable (SyncProgress) -> Void = { _ in }
    ) async -> SyncResult {
        let writesBefore = Self.writeCount(client.requestCounts())
        var objects: [ObjectResult] = []
        progress(.phaseStarted("delete", objects: plan.delete.count))
        for ref in plan.delete {
            let result = await remove(ref, as: .deleted, propagation: plan.propagation, dryRun: dryRun)
            progress(.objectFinished(result))
            objects.append(result)
        }
        for kept in plan.keep {
            let result = ObjectResult(ref: kept.ref, action: .kept, message: kept.message)
            progress(.objectFinished(result))
            objects.append(result)
        }
        let failed = objects.filter { $0.action == .failed }
        let counts = Dictionary(grouping: objects, by: \.action).mapValues(\.count)
        let summary = [SyncAction.deleted, .kept].compactMap { action in
            counts[action].map { "\($0) \(action.rawValue)" }
        }
        return SyncResult(
            application: plan.application, succeeded: failed.isEmpty,
            message: failed.first.map { "\($0.ref): \($0.message)" }
                ?? (summary.isEmpty ? "nothing to delete" : summary.joined(separator: ", ")),
            objects: objects, dryRun: dryRun, writes: Self.writeCount(client.requestCounts()) - writesBefore,
            health: nil)
    }

    /// Deletes one object for prune (`action` ``SyncAction/pruned``) or `moor delete`
    /// (``SyncAction/deleted``): the result has `action` (with "already gone" when it was), or
    /// `failed` with the API's message; with `dryRun` nothing is deleted.
    func remove(_ ref: ObjectRef, as action: SyncAction, propagation: KubePropagation, dryRun: Bool) async
        -> ObjectResult
    {
        var result = ObjectResult(ref: ref, action: action)
        if dryRun { return result }
        do {
            try await client.delete(ref, propagation: propagation)
        } catch  where error.code == .notFound {
            result.message = "already gone"
        } catch {
            result.action = .failed
            result.message = error.detail
        }
        return result
    }
}
