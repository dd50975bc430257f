internal import Diff
internal import Health
internal import KubeCache
internal import MoorCore
internal import Sync

/// The objects of one application as its last comparison found them in sync: the desired object
/// and the health it had. A change the live-object cache reports to one of them that still
/// matches the desired object, with the same health, cannot need a reconcile — typically it is the
/// echo of Moor's own write — so the controller does not queue the application for it. Nor can a
/// change that brings an object (in sync or not, extraneous ones included) to the resource version
/// the comparison already read: the cache's change stream may report it a moment after its store
/// served the comparison.
struct ExpectedObjects: Sendable {
    /// One object found in sync.
    struct Entry: Sendable {
        /// The desired object as planned (namespace set, tracking id stamped).
        var desired: JSONValue
        /// Its health then (`nil` for kinds without one).
        var health: HealthStatus?
    }

    /// What the comparison knew of one object: the resource version it read, and the entry of an
    /// object found in sync. One table for both, since each object the comparison read is usually in
    /// sync too.
    private struct Known: Sendable {
        var version: String?
        var entry: Entry?
    }

    private let policy: DiffPolicy?
    private let fieldManager: String
    /// By object identity (``ObjectRef/identity``).
    private let known: [ObjectRef: Known]
    /// How the entries' health was judged, and changes' health is.
    private let health: HealthAssessor

    /// Nothing expected: every change needs a reconcile.
    init() {
        policy = nil
        fieldManager = ""
        known = [:]
        health = .builtIn
    }

    /// Expects `entries` (by object) compared under the application's `ignoreDifferences`, as
    /// applied by `fieldManager`, their health as `health` judged it, and `seen`, the live objects the
    /// comparison read (any state). Malformed rules expect nothing of `entries`.
    init(
        _ entries: [ObjectRef: Entry], seen: [JSONValue] = [], ignoreDifferences: [JSONValue], fieldManager: String,
        health: HealthAssessor
    ) {
        policy = try? DiffPolicy(ignoreDifferences: ignoreDifferences)
        self.fieldManager = fieldManager
        self.health = health
        var known: [ObjectRef: Known] = [:]
        known.reserveCapacity(max(entries.count, seen.count))
        for (ref, entry) in entries where known[ref.identity]?.entry == nil {
            known[ref.identity, default: Known()].entry = entry
        }
        for live in seen {
            guard let ref = ObjectRef(object: live),
                case .string(let version) = live[path: "metadata", "resourceVersion"]
            else { continue }
            if known[ref.identity]?.version == nil { known[ref.identity, default: Known()].version = version }
        }
        self.known = known
    }

    /// Whether `change` may leave the application out of sync or change its health: a deletion,
    /// an object not expected, or one that no longer matches its desired object or changed health.
    /// A hook is not an application object: a change to one (its run progressing, its delete
    /// policy removing it) never needs a reconcile.
    func needsReconcile(_ change: CacheChange) -> Bool {
        if (try? SyncAnnotations(object: change.object))?.isHook == true { return false }
        guard change.kind != .deleted, let known = known[change.ref.identity] else { return true }
        if let version = known.version, change.object[path: "metadata", "resourceVersion"] == .string(version) {
            return false
        }
        guard let policy, let entry = known.entry else { return true }
        let health = self.health.assess(change.object)?.status
        let matches =
            policy.isDesiredSubsetOfLive(desired: entry.desired, live: change.object)
            && !policy.dropsOwnedFields(desired: entry.desired, live: change.object, manager: fieldManager)
        return !matches || health != entry.health
    }
}
