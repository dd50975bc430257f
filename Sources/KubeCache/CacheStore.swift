internal import KubeClient
internal import MoorCore

/// The managed objects of one cluster, keyed by version-less identity (``ObjectRef/identity``),
/// grouped by resource type and indexed by application. Pure: it takes watch events and lists
/// and returns the changes they make, so the diffing is testable without a cluster.
///
/// Held objects share the storage of their common keys, namespace and managed fields (``JSONInterner``),
/// so the store's memory grows with what differs between objects.
///
/// Every update reports exactly what differs from what the store held: an event or listed object
/// equal to the stored one reports nothing; a list replaces its resource type's objects and
/// reports the objects it adds, those it changes, and those it no longer contains as deleted.
struct CacheStore: Sendable {
    private struct Entry: Sendable {
        var object: JSONValue
        var application: String?
    }

    private var types: [GroupKind: [ObjectRef: Entry]] = [:]
    private var members: [String: Set<ObjectRef>] = [:]
    /// Shares the storage of what the held objects have alike (``JSONInterner``).
    private var interner = JSONInterner()

    /// Objects held.
    private(set) var count = 0

    /// The object `ref` names, read through any API version.
    func object(_ ref: ObjectRef) -> JSONValue? {
        types[GroupKind(ref)]?[ref.identity]?.object
    }

    /// The objects whose tracking id names `application` (and describes the object itself),
    /// ordered by ref.
    func objects(application: String) -> [JSONValue] {
        guard let refs = members[application] else { return [] }
        return refs.sorted().compactMap { object($0) }
    }

    /// Applies one watch event; the change it makes, if any. Bookmarks and objects without
    /// `apiVersion`, `kind` or `metadata.name` change nothing.
    mutating func apply(_ event: WatchEvent) -> CacheChange? {
        guard let ref = ObjectRef(object: event.object) else { return nil }
        switch event.kind {
        case .added, .modified: return upsert(event.object, ref: ref, origin: .watch)
        case .deleted: return remove(ref.identity, from: GroupKind(ref), lastState: event.object, origin: .watch)
        case .bookmark: return nil
        }
    }

    /// Replaces every object of `type` with `objects`, a complete list; the changes that makes:
    /// first additions and modifications in list order, then deletions ordered by ref.
    mutating func replace(_ type: GroupKind, with objects: [JSONValue]) -> [CacheChange] {
        var changes: [CacheChange] = []
        var listed = Set<ObjectRef>()
        for object in objects {
            guard let ref = ObjectRef(object: object), GroupKind(ref) == type else { continue }
            listed.insert(ref.identity)
            if let change = upsert(object, ref: ref, origin: .list) { changes.append(change) }
        }
        let missing = (types[type] ?? [:]).keys.filter { !listed.contains($0) }.sorted()
        for identity in missing {
            if let change = remove(identity, from: type, lastState: nil, origin: .list) { changes.append(change) }
        }
        return changes
    }

    private mutating func upsert(_ object: JSONValue, ref: ObjectRef, origin: CacheChange.Origin) -> CacheChange? {
        let identity = ref.identity
        let type = GroupKind(ref)
        let previous = types[type]?[identity]
        if let previous, previous.object == object { return nil }
        let object = interner.intern(object)
        let application = TrackingID.application(of: object)
        types[type, default: [:]][identity] = Entry(object: object, application: application)
        if previous == nil { count += 1 }
        reindex(identity, from: previous?.application, to: application)
        return CacheChange(
            kind: previous == nil ? .added : .modified, origin: origin, ref: ref, object: object,
            applications: [previous?.application, application].compactMap { $0 })
    }

    private mutating func remove(
        _ identity: ObjectRef, from type: GroupKind, lastState: JSONValue?, origin: CacheChange.Origin
    ) -> CacheChange? {
        guard let entry = types[type]?.removeValue(forKey: identity) else { return nil }
        count -= 1
        reindex(identity, from: entry.application, to: nil)
        let object = lastState ?? entry.object
        let ref = ObjectRef(object: object) ?? identity
        return CacheChange(
            kind: .deleted, origin: origin, ref: ref, object: object,
            applications: [entry.application, TrackingID.application(of: object)].compactMap { $0 })
    }

    private mutating func reindex(_ identity: ObjectRef, from old: String?, to new: String?) {
        guard old != new else { return }
        if let old {
            members[old]?.remove(identity)
            if members[old]?.isEmpty == true { members[old] = nil }
        }
        if let new { members[new, default: []].insert(identity) }
    }
}
