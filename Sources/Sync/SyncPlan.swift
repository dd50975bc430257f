public import KubeClient
public import MoorCore

/// The propagation policy used when pruning.
public typealias KubePropagation = KubeClient.PropagationPolicy

/// One object the sync will apply (or run, for a hook), with tracking metadata stamped on and
/// its namespace settled.
public struct PlannedObject: Sendable, Hashable {
    /// The object's ref (namespace filled in for namespaced kinds).
    public var ref: ObjectRef
    /// The object to send, stamped with the tracking label and annotation.
    public var object: JSONValue
    /// Where it was written in Git.
    public var source: SourceLocation
    /// Its sync annotations.
    public var annotations: SyncAnnotations
    /// The application's sync options with the object's own on top.
    public var options: SyncOptions

    /// Whether the object is created under a name the server generates (a hook written with
    /// `metadata.generateName`): each run creates a new object, and ``ref`` names them all by the
    /// `generateName`.
    public var generatesName: Bool { object[path: "metadata", "name"] == nil }
}

/// The objects of one wave, in batches by kind rank: a batch applies in parallel, batches in order.
public struct SyncWave: Sendable, Hashable {
    /// The wave number.
    public var number: Int
    /// Batches of objects; all of a batch share a kind rank.
    public var batches: [[PlannedObject]]

    /// Every object of the wave in apply order.
    public var objects: [PlannedObject] { batches.flatMap { $0 } }
}

/// Everything one sync will do, decided before anything is written.
public struct SyncPlan: Sendable, Hashable {
    /// The application.
    public var application: String
    /// The destination namespace to create first (`CreateNamespace=true`), if any.
    public var namespaceToCreate: JSONValue?
    /// Namespaces and CustomResourceDefinitions: applied first, CRDs waited for until established.
    public var bootstrap: [PlannedObject]
    /// Hooks that run before anything else, by wave (see ``groupedByWave(_:)``).
    public var preSyncHooks: [PlannedObject]
    /// The waves, lowest first (Sync hooks included in theirs).
    public var waves: [SyncWave]
    /// Hooks that run after every wave is healthy, by wave.
    public var postSyncHooks: [PlannedObject]
    /// Hooks that run when the sync fails, by wave.
    public var syncFailHooks: [PlannedObject]
    /// Tracked objects Git no longer holds, in delete order (reverse of apply order).
    public var prune: [ObjectRef]
    /// How pruned objects' dependents are deleted.
    public var prunePropagation: KubePropagation
    /// Tracked objects Git no longer holds that stay, each with the reason.
    public var keep: [KeptObject]
    /// Where prune may delete.
    public var pruneScope: PruneScope
    /// The prune the cap refused (``SyncPlanError/Code/pruneCapExceeded``): its objects are in
    /// ``keep``, everything else is applied, and the sync fails with this message.
    public var refusedPrune: SyncPlanError?
    /// What the plan changed or let through that its author may not expect, each naming the file and
    /// line: an object written to another namespace than the destination, a namespace dropped from a
    /// cluster-scoped object.
    public var warnings: [String] = []

    /// Every object that is kept in sync (bootstrap and waves, hooks excluded).
    public var syncedObjects: [PlannedObject] {
        bootstrap + waves.flatMap(\.objects).filter { !$0.annotations.isHook }
    }

    /// The hooks of one phase, ordered by wave as the plan holds them, in groups of one wave each:
    /// a group runs at once and completes before the next one starts, as Argo CD runs them.
    static func groupedByWave(_ hooks: [PlannedObject]) -> [[PlannedObject]] {
        var groups: [[PlannedObject]] = []
        for hook in hooks {
            if groups.last?.last?.annotations.wave == hook.annotations.wave {
                groups[groups.count - 1].append(hook)
            } else {
                groups.append([hook])
            }
        }
        return groups
    }
}

/// A tracked object Git no longer holds that a sync (or `moor delete`) leaves in place.
public struct KeptObject: Sendable, Hashable {
    /// Why an object is kept.
    public enum Reason: Sendable, Hashable {
        /// Prune is not enabled for this sync.
        case pruneOff
        /// The object's or the application's `Prune=false`.
        case pruneFalse
        /// Its namespace is outside the ``PruneScope``.
        case outsideScope
        /// The prune cap refused the prune (``SyncPlan/refusedPrune``).
        case pruneRefused
    }

    /// The object.
    public var ref: ObjectRef
    /// Why it is kept.
    public var reason: Reason
    /// The reason as a report says it.
    public var message: String
}

/// Why a sync was refused before anything was written; the message says what to do.
public struct SyncPlanError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of refusal.
    public enum Code: String, Sendable, Hashable {
        /// The render produced no objects while the application still tracks some.
        case emptyRender
        /// Pruning would delete more than the allowed share of the application's objects (the sync
        /// applies everything else, keeps those objects and fails with this message).
        case pruneCapExceeded
        /// Two rendered objects are the same object once namespaces are settled.
        case duplicateObject
        /// A kind the cluster does not serve and no CRD in the application defines.
        case unknownKind
        /// A malformed sync annotation.
        case badAnnotation
        /// A malformed `ignoreDifferences` rule.
        case badIgnoreRule
        /// An object the application's project does not allow (``ObjectAdmission``).
        case notPermitted
    }

    /// The kind of refusal.
    public var code: Code
    /// What happened and what to do.
    public var message: String

    public var description: String { message }

    /// A refusal of kind `code` saying `message`.
    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }
}
