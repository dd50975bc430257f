public import MoorCore

/// How one object in Git compares with the cluster, ready to show: made by
/// ``DiffPolicy/diff(ref:desired:live:predicted:)`` and printed by ``DiffRendering``.
public struct ObjectDiff: Sendable, Hashable {
    /// How the object compares.
    public enum State: String, Sendable, Hashable, CaseIterable {
        /// The cluster holds what Git says (after normalisation and ignore rules).
        case synced = "Synced"
        /// The object exists on both sides and differs.
        case outOfSync = "OutOfSync"
        /// In Git, not in the cluster.
        case missing = "Missing"
        /// Tracked in the cluster, no longer in Git (a prune candidate).
        case extraneous = "Extraneous"
    }

    /// The object.
    public var ref: ObjectRef
    /// How it compares.
    public var state: State
    /// The fields that differ (`OutOfSync` only; empty otherwise), without values.
    public var changes: [FieldChange]
    /// The live object as shown: normalised, ignored fields removed, Secret values masked; `nil` when missing.
    public var live: JSONValue?
    /// The object a sync would leave, shown the same way; `nil` when extraneous.
    public var desired: JSONValue?

    /// Creates a diff from its parts.
    public init(ref: ObjectRef, state: State, changes: [FieldChange], live: JSONValue?, desired: JSONValue?) {
        self.ref = ref
        self.state = state
        self.changes = changes
        self.live = live
        self.desired = desired
    }
}
