public import MoorCore

/// One change to the set of managed objects a ``LiveObjectCache`` holds.
public struct CacheChange: Sendable, Hashable {
    /// What happened to the object.
    public enum Kind: String, Sendable, Hashable {
        /// The object was not in the cache and now is.
        case added
        /// The object was in the cache and its content differs now.
        case modified
        /// The object left the cache: it was deleted, or lost the managed-by label.
        case deleted
    }

    /// How the cache learnt of the change.
    public enum Origin: String, Sendable, Hashable {
        /// A watch event.
        case watch
        /// Comparing a list with the cache: the first list of a resource type, or a relist after the
        /// watch fell too far behind (410 Gone), which reports what changed while no watch was open.
        case list
    }

    /// What happened to the object.
    public var kind: Kind
    /// How the cache learnt of it.
    public var origin: Origin
    /// The object's ref, in the API version the cache reads it through.
    public var ref: ObjectRef
    /// The object as it is now; for ``Kind/deleted``, its last known state.
    public var object: JSONValue
    /// The applications whose tracking ids the object carried before and after the change,
    /// sorted and without duplicates: none for an object no application tracks, two when the
    /// annotation moved the object from one application to another. Each of them is affected.
    public var applications: [String]

    /// Creates a change; `applications` is sorted and de-duplicated.
    public init(kind: Kind, origin: Origin, ref: ObjectRef, object: JSONValue, applications: [String]) {
        self.kind = kind
        self.origin = origin
        self.ref = ref
        self.object = object
        self.applications = Array(Set(applications)).sorted()
    }
}
