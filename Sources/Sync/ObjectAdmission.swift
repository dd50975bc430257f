public import MoorCore

/// Which objects an application may write, decided outside the Sync module (by the application's
/// project). ``SyncPlanner`` asks about every object of a plan before anything is written: desired
/// objects and hooks, the namespace `CreateNamespace=true` makes, and the objects a prune would delete.
/// One refusal refuses the whole plan (``SyncPlanError/Code/notPermitted``), listing every refused object.
public struct ObjectAdmission: Sendable {
    /// Why the object `ref` (of a namespaced kind when `namespaced`) may not be written or deleted,
    /// naming the rule; `nil` when it may.
    public let refusal: @Sendable (_ ref: ObjectRef, _ namespaced: Bool) -> String?

    /// An admission deciding by `refusal`.
    public init(_ refusal: @escaping @Sendable (_ ref: ObjectRef, _ namespaced: Bool) -> String?) {
        self.refusal = refusal
    }
}
