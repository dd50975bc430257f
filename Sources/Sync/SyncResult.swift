public import Diff
public import Health
public import MoorCore

/// How one object compares with Git: the Diff module's ``ObjectDiff/State``, under the name the
/// Sync module has always used.
public typealias ObjectSyncState = ObjectDiff.State

/// What a sync did to one object.
public enum SyncAction: String, Sendable, Hashable {
    /// Created (it was missing).
    case created
    /// Changed to match Git.
    case configured
    /// Already in sync: nothing written.
    case unchanged
    /// Deleted because Git no longer holds it.
    case pruned
    /// Deleted by `moor delete`.
    case deleted
    /// Left in place although Git no longer holds it (prune off, or `Prune=false`).
    case kept
    /// A hook ran and succeeded.
    case hookSucceeded = "hook succeeded"
    /// A hook ran and failed.
    case hookFailed = "hook failed"
    /// Writing it failed; see the message.
    case failed
    /// Not attempted because an earlier step failed.
    case notAttempted = "not attempted"
}

/// The outcome for one object.
public struct ObjectResult: Sendable, Hashable {
    /// The object.
    public var ref: ObjectRef
    /// What happened.
    public var action: SyncAction
    /// Health after the step, when known.
    public var health: HealthStatus?
    /// Details: the error, the hook outcome, or the fields that changed.
    public var message: String
    /// Where the object was written in Git (none for pruned objects).
    public var source: SourceLocation?
    /// The wave it belonged to.
    public var wave: Int?
    /// The object as the API server stored it when this sync created or configured it; `nil` when
    /// the sync wrote nothing to it (or only ran it as a hook).
    public var stored: JSONValue?

    /// Creates a result.
    public init(
        ref: ObjectRef, action: SyncAction, health: HealthStatus? = nil, message: String = "",
        source: SourceLocation? = nil,
        wave: Int? = nil
    ) {
        self.ref = ref
        self.action = action
        self.health = health
        self.message = message
        self.source = source
        self.wave = wave
    }
}

/// The outcome of one sync.
public struct SyncResult: Sendable, Hashable {
    /// The application.
    public var application: String
    /// Whether every step succeeded.
    public var succeeded: Bool
    /// A one-line summary (or the first failure).
    public var message: String
    /// Per-object outcomes in the order they happened.
    public var objects: [ObjectResult]
    /// Whether nothing was persisted (`--dry-run`).
    public var dryRun: Bool
    /// Write requests sent to the API server (apply, create, update, patch, delete).
    public var writes: Int
    /// The application's health after the sync (worst of its objects); `nil` after `moor delete`,
    /// which leaves nothing to assess.
    public var health: HealthStatus?
    /// The prune cap's refusal, when it is the only reason the sync failed (everything else applied): no
    /// retry gets past it, only a new commit, a change to the spec or an allowed mass prune.
    public var refusal: SyncPlanError? = nil
    /// The plan's warnings (``SyncPlan/warnings``), each naming a file and line.
    public var warnings: [String] = []

    /// `tracked`, an application's live objects as read before this sync, with the sync's writes
    /// applied: what it stored replaces or joins them, what it pruned leaves them. A comparison
    /// right after the sync then needs neither a list nor a watch that has caught up.
    public func tracked(updating tracked: [JSONValue]) -> [JSONValue] {
        var live: [ObjectRef: JSONValue] = [:]
        var order: [ObjectRef] = []
        for object in tracked {
            guard let ref = ObjectRef(object: object)?.identity else { continue }
            if live.updateValue(object, forKey: ref) == nil { order.append(ref) }
        }
        for result in objects {
            let ref = result.ref.identity
            if result.action == .pruned {
                live[ref] = nil
            } else if let stored = result.stored, live.updateValue(stored, forKey: ref) == nil {
                order.append(ref)
            }
        }
        return order.compactMap { live[$0] }
    }
}

/// Progress reported while a sync runs.
public enum SyncProgress: Sendable, Hashable {
    /// A phase began: `PreSync`, `wave 0`, `PostSync`, `Prune`, `SyncFail`.
    case phaseStarted(String, objects: Int)
    /// One object finished.
    case objectFinished(ObjectResult)
    /// The sync waits for `what` (a hook to complete, a wave to be healthy), `elapsed` of at most
    /// `timeout` so far; reported at the first poll still waiting, then every
    /// ``SyncEngine/progressInterval`` while the wait lasts.
    case waiting(what: String, elapsed: Duration, timeout: Duration)
}
