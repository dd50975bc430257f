public import MoorCore

/// What a live-object cache knows of the objects Moor manages (every object labelled
/// `app.kubernetes.io/managed-by=moor`, whichever application's), so that a comparison need not read
/// from the cluster each desired object the application does not track yet: without it that is one
/// `GET` per object, half the requests of a cold start.
///
/// A desired object the application does not track is then, by what the cache says of it:
/// - ``Presence/managed(_:)``: compared with the cached object, which is another application's
///   (``ObjectOwnership/shared(with:)``) or this one's under a tracking id it no longer matches;
/// - ``Presence/unmanaged``: no application manages it. When the application syncs automatically and
///   the object is written by a plain server-side apply (no `Replace=true`, `ServerSideApply=false`,
///   no hook or generated name), it is reported `Missing` without a `GET`: the automated sync's apply
///   creates it, or adopts an object of that name made by hand or by another tool, which a `GET`
///   would only have shown as `OutOfSync` before the same apply. Otherwise it is read as without a cache;
/// - ``Presence/unknown`` (the cache does not hold its whole type): read from the cluster.
///
/// An object that another application created a moment ago and the cache has not seen yet is then
/// applied over, as it could be between a `GET` and the apply; that application's next comparison
/// finds it tracked by this one and reports it shared.
public struct ManagedObjects: Sendable {
    /// What the cache knows of one object.
    public enum Presence: Sendable, Hashable {
        /// The cache does not hold every managed object of the object's type: read the cluster.
        case unknown
        /// The cache holds the object, as it last saw it: some application manages it.
        case managed(JSONValue)
        /// The cache holds every managed object of the type, and not this one: no application manages it.
        case unmanaged
    }

    /// What the cache knows of the object `ref` names.
    public let presence: @Sendable (_ ref: ObjectRef) async -> Presence

    /// Managed objects as `presence` tells them.
    public init(_ presence: @escaping @Sendable (_ ref: ObjectRef) async -> Presence) {
        self.presence = presence
    }

    /// Whether `planned`, which `application` does not track and no application manages, is reported
    /// `Missing` without reading the cluster: the application syncs automatically and the object is
    /// written by a plain server-side apply.
    static func appliesWithoutReading(_ planned: PlannedObject, of application: Application) -> Bool {
        application.spec.syncPolicy.automated != nil && planned.options.serverSideApply && !planned.options.replace
            && !planned.annotations.isHook && !planned.generatesName
    }
}
