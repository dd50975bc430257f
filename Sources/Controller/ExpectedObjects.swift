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

    private let policy: DiffPolicy?
    private let fieldManager: String
    private let entries: [ObjectRef: Entry]
    /// The resource version of every live object the comparison read, by object identity.
    private let seen: [ObjectRef: String]
    /// How the entries' health was judged, and changes' health is.
    private let health: HealthAssessor

    /// Nothing expected: every change needs a reconcile.
    init() {
        policy = nil
        fieldManager = ""
        entries = [:]
        seen = [:]
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
        self.entries = Dictionary(entries.map { ($0.key.identity, $0.value) }) { first, _ in first }
        self.health = health
        self.seen = Dictionary(
            seen.compactMap { live in
                guard let ref = ObjectRef(object: live),
                    case .string(let version) = live[path: "metadata", "resourceVersion"]
                else { return nil }
                return (ref.identity, version)
            }
        ) { first, _ in first }
    }

    /// Whether `change` may leave the application out of sync or change its health: a deletion,
    /// an object not expected, or one that no longer matches its desired object or changed health.
    /// A hook is not an application object: a change to one (its run progressing, its delete
    /// policy removing it) never needs a reconcile.
    func needsReconcile(_ change: CacheChange) -> Bool {
        if (try? SyncAnnotations(object: change.object))?.isHook == true { return false }
        if change.kind != .deleted, let version = seen[change.ref.identity],
            change.object[path: "metadata", "resourceVersion"] == .string(version)
        {
            return false
        }
        guard change.kind != .deleted, let policy, let entry = entries[change.ref.identity] else { return true }
        let health = self.health.assess(change.object)?.status
        let matches =
            policy.isDesiredSubsetOfLive(desired: entry.desired, live: change.object)
            && !policy.dropsOwnedFields(desired: entry.desired, live: change.object, manager: fieldManager)
        return !matches || health != entry.health
    }
}
