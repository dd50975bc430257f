public import Diff
internal import KubeClient
public import MoorCore

/// How one object of an application compares with the cluster.
public struct ObjectComparison: Sendable, Hashable {
    /// The object.
    public var ref: ObjectRef
    /// Its state.
    public var state: ObjectSyncState
    /// Where it was written in Git (none for extraneous objects).
    public var source: SourceLocation?
    /// The live object, if it exists.
    public var live: JSONValue?
    /// What the object would look like after a sync: the server's dry-run result, or the desired
    /// object itself when no dry run was needed or possible.
    public var predicted: JSONValue?
    /// Changed field paths (`spec.replicas`, `data.password`), secret values never included.
    public var changedPaths: [String]
    /// A unified YAML diff from live to predicted, secrets masked; empty when in sync.
    public var diff: String
    /// Why a dry run could not be done (e.g. a conflict), if it failed.
    public var message: String
    /// Whether this application may write the object (another application's is ``ObjectOwnership/shared(with:)``).
    public var ownership: ObjectOwnership = .own
    /// Who set the drifted fields, and how and when (``FieldAttribution``): `spec.replicas: kubectl-scale,
    /// Update scale, 2026-12-02T10:31:00Z`. Empty when in sync, missing, or when no other manager holds them.
    public var attributions: [FieldAttribution] = []
    /// Reported `Missing` on what the live-object cache knows, without reading the cluster
    /// (``ManagedObjects``): a sync creates it with a create-only apply, and reads and compares it first
    /// if it exists after all.
    public var unread = false
}

/// An application compared with the cluster: the plan, and the state of every object.
public struct ApplicationComparison: Sendable {
    /// The plan a sync would follow.
    public var plan: SyncPlan
    /// Every desired object (in apply order), then every extraneous one.
    public var objects: [ObjectComparison]
    /// The application compared.
    let application: Application
    /// Its ignore rules, for an object a sync reads after all (``ObjectComparison/unread``).
    let rules: IgnoreRules
    private var index: [ObjectRef: Int]

    init(plan: SyncPlan, objects: [ObjectComparison], application: Application, rules: IgnoreRules) {
        self.plan = plan
        self.objects = objects
        self.application = application
        self.rules = rules
        index = Dictionary(objects.enumerated().map { ($1.ref.identity, $0) }) { first, _ in first }
    }

    /// The comparison of one object.
    public func state(of ref: ObjectRef) -> ObjectComparison? {
        index[ref.identity].map { objects[$0] }
    }

    /// `Synced` when every object is synced and nothing extraneous is left to prune (nor refused).
    public var syncStatus: SyncStatus {
        objects.allSatisfy({ $0.state == .synced || ($0.state == .extraneous && !plan.prune.contains($0.ref)) })
            && plan.prune.isEmpty && plan.refusedPrune == nil ? .synced : .outOfSync
    }

    /// The desired objects that belong to other applications (``ObjectOwnership/shared(with:)``).
    public var sharedObjects: [ObjectComparison] {
        objects.filter { if case .shared = $0.ownership { true } else { false } }
    }
}

extension SyncEngine {
    /// Compares `desired` with the cluster without writing anything.
    ///
    /// An object whose desired fields are all present and equal in the live object is in sync
    /// without any request; only the others are dry-run applied, so defaults the server adds
    /// never count as drift and an in-sync application costs no dry runs.
    ///
    /// `tracked` is the application's live objects when the caller keeps them (a controller's
    /// live-object cache); without it they are listed from the cluster (every listable resource).
    /// `previousNamespaces` widens the ``PruneScope`` (``SyncPlanner/previousNamespaces``). A desired
    /// object that is not tracked is read from the cluster (it may exist, made by hand), unless `managed`
    /// (the cache's knowledge of every object Moor manages) makes that needless (``ManagedObjects``).
    ///
    /// A desired object that belongs to another application is `OutOfSync` with its
    /// ``ObjectComparison/ownership`` saying so, and is not dry-run applied.
    public func compare(
        _ application: Application, desired: [ManifestObject], tracked trackedObjects: [JSONValue]? = nil,
        prune: Bool = false, allowMassPrune: Bool = false, previousNamespaces: Set<String> = [],
        managed: ManagedObjects? = nil
    ) async throws -> ApplicationComparison {
        let tracked: [JSONValue]
        if let given = trackedObjects {
            tracked = given
        } else {
            tracked = try await TrackedObjects.list(client: client, application: application.name)
        }
        var planner = SyncPlanner(application: application, isNamespaced: try await scopeLookup())
        planner.previousNamespaces = previousNamespaces
        planner.admission = admission
        let plan = try planner.plan(desired: desired, tracked: tracked, prune: prune, allowMassPrune: allowMassPrune)
        let rules = try IgnoreRules(application.spec.ignoreDifferences)
        var live: [ObjectRef: JSONValue] = [:]
        for object in tracked { if let ref = ObjectRef(object: object) { live[ref.identity] = object } }
        let known = live
        let compared = await boundedMap(plan.syncedObjects, limit: max(concurrency, 16)) { planned in
            if known[planned.ref.identity] == nil, let managed, ManagedObjects.mayGoUnread(planned, of: application),
                await managed.lacks(planned.ref)
            {
                return ObjectComparison(missing: planned, unread: true)
            }
            return await compareOne(
                planned, of: application.name, live: known[planned.ref.identity], rules: rules)
        }
        let extraneous = plan.prune.map { ($0, "will be pruned") } + plan.keep.map { ($0.ref, $0.message) }
        let extraneousStates = extraneous.map { ref, message in
            ObjectComparison(
                ref: ref, state: .extraneous, source: nil, live: known[ref.identity], predicted: nil, changedPaths: [],
                diff: "", message: message)
        }
        return ApplicationComparison(
            plan: plan, objects: compared + extraneousStates, application: application, rules: rules)
    }

    /// Compares one desired object with `tracked`, its live object in the application's tracked
    /// objects, or (when `nil`) with the object read from the cluster.
    func compareOne(
        _ planned: PlannedObject, of application: String, live tracked: JSONValue?,
        rules: IgnoreRules
    ) async -> ObjectComparison {
        var result = ObjectComparison(missing: planned, live: tracked)
        if result.live == nil {
            // Not tracked yet: it may still exist (made by hand or by another tool), then Moor adopts it.
            do {
                result.live = try await client.get(planned.ref)
            } catch {
                if error.code != .notFound && error.code != .unknownKind { result.message = "\(error)" }
                return result
            }
        }
        guard let live = result.live else { return result }
        result.ownership = ObjectOwnership(
            application: application, live: live, transferFrom: planned.options.transferFrom)
        if case .shared = result.ownership {
            result.state = .outOfSync
            result.message = result.ownership.message
            return result
        }
        if rules.inSync(desired: planned.object, live: live, manager: fieldManager) {
            result.state = .synced
            result.predicted = live
            return result
        }
        do {
            let dryRun = try await apply(planned, dryRun: true)
            result.predicted = dryRun
        } catch {
            result.message = "\(error)"
        }
        let difference = rules.difference(
            from: live, to: result.predicted ?? planned.object, desired: planned.object, ref: planned.ref,
            manager: fieldManager)
        result.state = difference.isEmpty && result.message.isEmpty ? .synced : .outOfSync
        result.changedPaths = difference.changedPaths
        result.diff = difference.unified
        result.attributions = difference.attributions
        return result
    }
}

extension ObjectComparison {
    /// `planned` as `Missing`, before it is compared with `live` (its live object, if known); `unread`
    /// when it is reported so without reading the cluster (``unread``).
    init(missing planned: PlannedObject, live: JSONValue? = nil, unread: Bool = false) {
        self.init(
            ref: planned.ref, state: .missing, source: planned.source, live: live, predicted: planned.object,
            changedPaths: [], diff: "", message: "", unread: unread)
    }
}
