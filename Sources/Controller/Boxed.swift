/// A value kept in one heap allocation, with value semantics (copy on write): what a collection of
/// large structs stores when most of its slots would otherwise be empty space. A dictionary keeps
/// its values inline in a table about 1.3–2.6 times as large as its count; the controller's record of
/// each application is a couple of kilobytes, so at 5,000 applications the empty slots alone took
/// about 6 MB. Boxed, a slot takes one pointer.
///
/// Members of the value read and write through it as if it were the value itself
/// (`boxed.status.sync = …`); a write copies the value first only when another `Boxed` shares it.
@dynamicMemberLookup
struct Boxed<Value> {
    private final class Storage {
        var value: Value
        init(_ value: Value) { self.value = value }
    }

    private var storage: Storage

    /// Boxes `value`.
    init(_ value: Value) {
        storage = Storage(value)
    }

    /// The value itself.
    var value: Value {
        get { storage.value }
        _modify {
            if !isKnownUniquelyReferenced(&storage) { storage = Storage(storage.value) }
            yield &storage.value
        }
    }

    /// A member of the value (a computed one too).
    subscript<Member>(dynamicMember member: KeyPath<Value, Member>) -> Member {
        storage.value[keyPath: member]
    }

    /// A member of the value, changed in place.
    subscript<Member>(dynamicMember member: WritableKeyPath<Value, Member>) -> Member {
        get { storage.value[keyPath: member] }
        _modify { yield &value[keyPath: member] }
    }
}
