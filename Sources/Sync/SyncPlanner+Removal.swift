public import MoorCore

/// What `moor delete` does to an application, decided before anything is deleted.
public struct DeletionPlan: Sendable, Hashable {
    /// The application.
    public var application: String
    /// Tracked objects to delete, in delete order (reverse of apply order).
    public var delete: [ObjectRef]
    /// Tracked objects that stay (`Prune=false`, or outside the ``PruneScope``), each with the reason.
    public var keep: [KeptObject]
    /// How deleted objects' dependents are deleted.
    public var propagation: KubePropagation
}

extension SyncPlanner {
    /// The deletion of every object in `tracked` (the application's live objects) under the rules
    /// of prune: only objects whose tracking id names the application and describes the object
    /// itself, only inside the ``PruneScope`` of `desired` (the application's render, which tells
    /// the namespaces it uses), never `Prune=false` objects.
    ///
    /// Throws when `desired` cannot be planned (a kind the cluster does not serve, a malformed
    /// annotation, a duplicate): then nothing is deleted.
    public func deletion(desired: [ManifestObject], tracked: [JSONValue]) throws(SyncPlanError) -> DeletionPlan {
        let settled = try plan(desired: desired, tracked: [], prune: false)
        let own = tracked.filter { TrackingID.application(of: $0) == application.name }
        let (delete, keep) = removal(of: own, scope: settled.pruneScope, prune: true)
        return DeletionPlan(
            application: application.name, delete: delete, keep: keep.sorted { $0.ref < $1.ref },
            propagation: settled.prunePropagation)
    }

    /// Splits tracked objects that are to go into those deleted (in delete order) and those kept:
    /// outside `scope`, with `Prune=false` (the application's or the object's own), or all of them
    /// when `prune` is off.
    func removal(of objects: [JSONValue], scope: PruneScope, prune: Bool)
        -> (delete: [ObjectRef], keep: [KeptObject])
    {
        var delete: [ObjectRef] = []
        var keep: [KeptObject] = []
        for object in objects {
            guard let ref = ObjectRef(object: object) else { continue }
            var options = application.spec.syncPolicy.syncOptions
            options.apply((try? SyncAnnotations(object: object))?.options ?? [])
            if !scope.contains(ref) {
                keep.append(KeptObject(ref: ref, reason: .outsideScope, message: scope.outsideMessage(ref)))
            } else if !prune {
                keep.append(KeptObject(ref: ref, reason: .pruneOff, message: "no longer in Git; prune is off"))
            } else if !options.prune {
                keep.append(KeptObject(ref: ref, reason: .pruneFalse, message: "Prune=false: left in place"))
            } else {
                delete.append(ref)
            }
        }
        return (delete.sorted { Self.rankOrder($1, $0) }, keep)
    }
}
