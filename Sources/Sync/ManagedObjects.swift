public import MoorCore

/// What a live-object cache knows of the objects Moor manages (every object labelled
/// `app.kubernetes.io/managed-by=moor`, whichever application's), so that a comparison need not read
/// each desired object the application does not track yet: on a cold start that `GET` is half the
/// requests.
///
/// A desired object the application does not track, that the cache ``lacks(_:)`` (no application
/// manages it, as far as the watch has reported), of an application that syncs automatically and
/// written by a plain server-side apply (no `Replace=true`, no `ServerSideApply=false`, no hook, no
/// generated name), is reported `Missing` without a `GET` (``ObjectComparison/unread``). Its sync then
/// creates it with a *create-only* apply (``SyncEngine/applyCreatingOnly(_:)``), which the API server
/// refuses when the object exists after all: made by hand, by another tool, or by another application a
/// moment ago that the cache has not seen yet (a cache may run behind the server; the server decides).
/// Then the object is read and compared as without a cache, and applied, adopted or refused as another
/// application's, exactly as a `GET` would have had it.
public struct ManagedObjects: Sendable {
    /// Whether the cache holds every managed object of the type of the object `ref` names, and not
    /// this one.
    public let lacks: @Sendable (_ ref: ObjectRef) async -> Bool

    /// Managed objects as `lacks` tells them.
    public init(lacks: @escaping @Sendable (_ ref: ObjectRef) async -> Bool) {
        self.lacks = lacks
    }

    /// Whether `planned`, which `application` does not track, may be reported `Missing` without
    /// reading the cluster when the cache lacks it: the application syncs automatically and the object
    /// is written by a plain server-side apply.
    static func mayGoUnread(_ planned: PlannedObject, of application: Application) -> Bool {
        application.spec.syncPolicy.automated != nil && planned.options.serverSideApply && !planned.options.replace
            && !planned.annotations.isHook && !planned.generatesName
    }
}
