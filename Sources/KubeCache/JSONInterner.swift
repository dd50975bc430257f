internal import MoorCore

/// Makes the cached objects of a cluster share the storage of what they hold alike, so that the cache's
/// memory grows with what differs between objects rather than with their count: object keys longer than
/// fit inline in a `String` (field names, label and annotation keys recur in every object of a kind), the
/// values of `metadata.namespace` and `metadata.creationTimestamp`, whole `metadata.labels` maps (the
/// objects of one application tend to carry the same labels), and whole `metadata.managedFields` lists:
/// each entry's `fieldsV1` tree is the same for every object one field manager applied in the same shape,
/// and the whole list is the same for the objects one manager wrote within the same second (the times
/// are seconds), as a sync's are. Pure.
///
/// An interned object is equal (``JSONValue/==(_:_:)``) to the one given: only storage is shared. The
/// interner holds at most ``capacity`` strings, ``capacity`` `fieldsV1` trees and ``capacity`` label maps
/// and managed-fields lists; when a table is full it starts that table over (objects interned before keep
/// what they share), so it never grows without bound.
struct JSONInterner: Sendable {
    /// The most strings, and the most `fieldsV1` trees, held at once.
    let capacity: Int
    private var strings: Set<String> = []
    private var trees: Set<JSONValue> = []
    /// Label maps and managed-fields lists, each already interned inside.
    private var values: Set<JSONValue> = []

    /// Creates an empty interner holding at most `capacity` of each: strings, trees, label maps and lists.
    init(capacity: Int = 4096) {
        self.capacity = max(1, capacity)
    }

    /// How many strings, `fieldsV1` trees, and label maps and managed-fields lists are held.
    var count: (strings: Int, trees: Int, values: Int) { (strings.count, trees.count, values.count) }

    /// `object` with its keys, namespace and managed fields taken from (or added to) the tables.
    mutating func intern(_ object: JSONValue) -> JSONValue {
        members(of: object) { interner, key, value in
            key == "metadata" ? interner.metadata(value) : interner.keys(value)
        }
    }

    /// `metadata` with its namespace, creation time, labels and managed fields interned.
    private mutating func metadata(_ value: JSONValue) -> JSONValue {
        members(of: value) { interner, key, value in
            switch (key, value) {
            case ("namespace", .string(let text)), ("creationTimestamp", .string(let text)):
                .string(interner.string(text))
            case ("labels", .object): interner.value(interner.keys(value))
            case ("managedFields", .array(let entries)):
                interner.value(.array(entries.map { interner.managedFieldsEntry($0) }))
            default: interner.keys(value)
            }
        }
    }

    /// One `metadata.managedFields` entry with its `fieldsV1` shared and its strings interned.
    private mutating func managedFieldsEntry(_ value: JSONValue) -> JSONValue {
        members(of: value) { interner, key, value in
            switch (key, value) {
            case ("fieldsV1", _): interner.tree(value)
            case (_, .string(let text)): .string(interner.string(text))
            default: interner.keys(value)
            }
        }
    }

    /// The held value equal to `value` (a label map or managed-fields list, interned inside), or `value`,
    /// now held.
    private mutating func value(_ value: JSONValue) -> JSONValue {
        if let held = values.firstIndex(of: value) { return values[held] }
        if values.count >= capacity { values.removeAll() }
        values.insert(value)
        return value
    }

    /// `value` with the keys of every object in it interned.
    private mutating func keys(_ value: JSONValue) -> JSONValue {
        switch value {
        case .object: members(of: value) { interner, _, value in interner.keys(value) }
        case .array(let elements): .array(elements.map { keys($0) })
        default: value
        }
    }

    /// An object like `value` with interned keys and each value replaced by `transform(key, value)`;
    /// anything but an object as it is.
    private mutating func members(
        of value: JSONValue, _ transform: (inout Self, String, JSONValue) -> JSONValue
    ) -> JSONValue {
        guard case .object(let object) = value else { return value }
        var interned = JSONObject()
        interned.reserveCapacity(object.count)
        for (key, member) in object {
            let shared = string(key)
            interned[shared] = transform(&self, key, member)
        }
        return .object(interned)
    }

    /// The held tree equal to `value`, or `value` with interned keys, now held.
    private mutating func tree(_ value: JSONValue) -> JSONValue {
        if let held = trees.firstIndex(of: value) { return trees[held] }
        let interned = keys(value)
        if trees.count >= capacity { trees.removeAll() }
        trees.insert(interned)
        return interned
    }

    /// The held string equal to `text`, or `text`, now held; strings short enough to be stored inline
    /// share nothing and are returned as they are.
    private mutating func string(_ text: String) -> String {
        guard text.utf8.count > Self.inlineLimit else { return text }
        if let held = strings.firstIndex(of: text) { return strings[held] }
        if strings.count >= capacity { strings.removeAll() }
        strings.insert(text)
        return text
    }

    /// The longest UTF-8 string a 64-bit `String` stores without a heap allocation.
    private static let inlineLimit = 15
}
