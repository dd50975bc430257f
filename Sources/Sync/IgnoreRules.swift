internal import Diff
internal import MoorCore

/// How one application's objects are compared: its `ignoreDifferences` over the Diff module's
/// normalisation, subset check and rendering.
struct IgnoreRules: Sendable {
    private let policy: DiffPolicy

    /// Reads the application's `ignoreDifferences`; throws ``SyncPlanError`` naming a malformed rule.
    init(_ entries: [JSONValue]) throws(SyncPlanError) {
        do {
            policy = try DiffPolicy(ignoreDifferences: entries)
        } catch {
            throw SyncPlanError(code: .badIgnoreRule, message: "ignoreDifferences: \(error.message)")
        }
    }

    /// The changes between live and what a sync would leave.
    struct Difference {
        /// Changed field paths, values never included.
        var changedPaths: [String]
        /// Unified YAML diff, secrets masked.
        var unified: String
        /// Who set the drifted fields, from the live object's `managedFields` (``FieldAttribution``).
        var attributions: [FieldAttribution] = []
        /// Whether nothing differs.
        var isEmpty: Bool { changedPaths.isEmpty }
    }

    /// Whether applying `desired` as `manager` would change nothing, judged without a request: every
    /// field of `desired` already holds in `live`, and `live` has no field `manager` applied before
    /// that `desired` dropped.
    func inSync(desired: JSONValue, live: JSONValue, manager: String) -> Bool {
        policy.isDesiredSubsetOfLive(desired: desired, live: live)
            && !policy.dropsOwnedFields(desired: desired, live: live, manager: manager)
    }

    /// The difference from `live` to `predicted` (a dry-run result, or the desired object when the dry run
    /// failed), with who set each drifted field other than `manager` (the application's own field manager).
    func difference(
        from live: JSONValue, to predicted: JSONValue, desired: JSONValue, ref: ObjectRef, manager: String
    ) -> Difference {
        if policy.normalizedEqual(predicted, live: live) { return Difference(changedPaths: [], unified: "") }
        let diff = policy.diff(ref: ref, desired: desired, live: live, predicted: predicted)
        return Difference(
            changedPaths: diff.changes.map(\.path.description), unified: DiffRendering.unified(diff),
            attributions: FieldAttribution.attributions(of: diff.changes, in: live, except: manager))
    }
}
