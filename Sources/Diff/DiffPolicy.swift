public import MoorCore

/// How an application's objects are compared with the cluster: the normalisation and the ignore rules.
/// Every method is pure and takes the objects as read (live objects with their `managedFields`).
///
/// The sync engine's check for one object is:
/// 1. ``isDesiredSubsetOfLive(desired:live:)``: true means every field Git sets already holds in the
///    cluster, so the object is in sync without asking the API server anything;
/// 2. otherwise a server-side dry-run apply, and ``normalizedEqual(_:live:)`` of its result with the live
///    object: equal means the difference was only defaulting, anything else is drift;
/// 3. ``diff(ref:desired:live:predicted:)`` for what to show.
///
/// Values are compared as ``Normalizer`` and these rules say: `null` members and empty objects or arrays
/// equal absent members; for built-in kinds `false`, `0` and `""` do too; quantities under resource
/// maps compare by value (`1` = `"1"`, `0.5` = `"500m"`); lists that Kubernetes merges by key
/// (`containers`, `env`, `volumes`, `ports`, …) pair elements by key, in any order; other lists by position.
public struct DiffPolicy: Sendable, Hashable {
    /// The `ignoreDifferences` rules.
    public var ignoreRules: [IgnoreRule]
    /// What is stripped from every object.
    public var normalizer: Normalizer

    /// A policy from parsed parts.
    public init(ignoreRules: [IgnoreRule] = [], normalizer: Normalizer = Normalizer()) {
        self.ignoreRules = ignoreRules
        self.normalizer = normalizer
    }

    /// A policy from an application's `ignoreDifferences` list; throws ``DiffError`` naming the first
    /// malformed entry.
    public init(ignoreDifferences: [JSONValue], normalizer: Normalizer = Normalizer()) throws(DiffError) {
        self.init(ignoreRules: try IgnoreRule.rules(from: ignoreDifferences), normalizer: normalizer)
    }

    /// `object` normalised, with the fields of the matching ignore rules removed.
    ///
    /// Rules are matched against `live` when given (the object as read from the cluster, whose namespace is
    /// always set), so the desired and the live object lose the same fields; managed fields are read from
    /// `live` too, whichever object is being prepared.
    public func normalized(_ object: JSONValue, live: JSONValue?) -> JSONValue {
        let result = normalizer.normalize(object)
        guard let ref = live.flatMap({ ObjectRef(object: $0) }) ?? ObjectRef(object: object) else { return result }
        let paths = ignoreRules.filter { $0.matches(ref) }.flatMap { $0.paths(in: result, live: live) }
        return paths.isEmpty ? result : result.removing(paths)
    }

    /// Whether every field `desired` sets is in `live` with an equivalent value (lists element for element),
    /// after normalising both and applying the ignore rules: if so, applying `desired` would change nothing.
    public func isDesiredSubsetOfLive(desired: JSONValue, live: JSONValue) -> Bool {
        subsetDifferences(desired: desired, live: live, limit: 1).isEmpty
    }

    /// Whether `live` holds fields that `manager` applied before and `desired` no longer sets: then
    /// applying `desired` removes them, although `desired` may still be a subset of `live`.
    public func dropsOwnedFields(desired: JSONValue, live: JSONValue, manager: String) -> Bool {
        let owned = ManagedFieldSet(live: live, managers: [manager])
        return owned.paths(in: desired).count < owned.paths(in: live).count
    }

    /// The fields that keep `desired` from being a subset of `live` (see
    /// ``isDesiredSubsetOfLive(desired:live:)``), at most `limit` of them: what to log when deciding to dry-run.
    public func subsetDifferences(desired: JSONValue, live: JSONValue, limit: Int = .max) -> [FieldChange] {
        let comparison = FieldComparison(mode: .subset, equivalence: ValueEquivalence(object: desired))
        return comparison.changes(
            desired: normalized(desired, live: live), live: normalized(live, live: live), limit: limit)
    }

    /// Whether `predicted` (a dry-run apply's result) and `live` are the same object once both are
    /// normalised and the ignore rules applied: every field of either counts.
    public func normalizedEqual(_ predicted: JSONValue, live: JSONValue) -> Bool {
        let comparison = FieldComparison(mode: .exact, equivalence: ValueEquivalence(object: live))
        return comparison.changes(
            desired: normalized(predicted, live: live), live: normalized(live, live: live), limit: 1
        ).isEmpty
    }

    /// The difference between Git and the cluster for one object.
    ///
    /// - `desired` is the object from Git, `nil` when Git no longer has it (state `Extraneous`); `live` is the
    ///   object in the cluster, `nil` when it does not exist (state `Missing`). A `null` value counts as `nil`.
    /// - `predicted` is the result of a server-side dry-run apply of `desired`, when the caller made one: the
    ///   state and the change list then compare it with `live` exactly. Without it they come from `desired`
    ///   laid over `live`: every field Git sets replaces the live one, other live fields and list elements
    ///   stay. That estimate cannot see fields Moor applied before and Git no longer sets, so it never
    ///   reports a removal; pass `predicted` for the truth.
    /// - With `predicted`, the object is `Synced` only when `predicted` and `live` are equal field for field
    ///   (so fields a sync would remove count); without it, when `desired` is a subset of `live`.
    ///
    /// The returned objects are normalised, aligned for display and have Secret values masked; the change
    /// list carries paths, never values. With neither object the result is `Synced` and empty.
    public func diff(ref: ObjectRef, desired: JSONValue?, live: JSONValue?, predicted: JSONValue? = nil) -> ObjectDiff {
        let live = live?.isNull == true ? nil : live
        let liveObject = live.map { normalized($0, live: live) }
        let desiredObject = desired.flatMap { $0.isNull ? nil : normalized($0, live: live) }
        let equivalence = ValueEquivalence(object: desired ?? live)
        guard let desiredObject, let liveObject else {
            let state: ObjectDiff.State = desiredObject != nil ? .missing : liveObject != nil ? .extraneous : .synced
            let masked = SecretMasking.mask([desiredObject, liveObject])
            return ObjectDiff(ref: ref, state: state, changes: [], live: masked[1], desired: masked[0])
        }
        let target =
            predicted.map { normalized($0, live: live) } ?? equivalence.overlay(desiredObject, onto: liveObject)
        var changes: [FieldChange] = []
        if predicted != nil
            || !FieldComparison(mode: .subset, equivalence: equivalence)
                .changes(desired: desiredObject, live: liveObject, limit: 1).isEmpty
        {
            changes = FieldComparison(mode: .exact, equivalence: equivalence).changes(desired: target, live: liveObject)
        }
        let shown = equivalence.aligned(live: liveObject, target: target)
        let masked = SecretMasking.mask([shown.target, shown.live])
        return ObjectDiff(
            ref: ref, state: changes.isEmpty ? .synced : .outOfSync, changes: changes, live: masked[1],
            desired: masked[0])
    }
}
