/// The members of a JSON object in insertion order, with keyed lookup in constant time.
///
/// Equality and hashing ignore key order: `{"a":1,"b":2}` equals `{"b":2,"a":1}`.
public struct JSONObject: Sendable, Hashable, Sequence {
    private var keyList: [String] = []
    private var storage: [String: JSONValue] = [:]

    /// An empty object.
    public init() {}

    /// An object from key–value pairs in order; a repeated key keeps its first position and its last value.
    public init(_ pairs: some Sequence<(String, JSONValue)>) {
        for (k, v) in pairs { self[k] = v }
    }

    /// The keys in order.
    public var keys: [String] { keyList }

    /// The number of members.
    public var count: Int { keyList.count }

    /// Whether there are no members.
    public var isEmpty: Bool { keyList.isEmpty }

    /// The value for `key`; assigning `nil` removes the key, assigning a new key appends it.
    public subscript(key: String) -> JSONValue? {
        get { storage[key] }
        set {
            if let newValue {
                if storage.updateValue(newValue, forKey: key) == nil { keyList.append(key) }
            } else if storage.removeValue(forKey: key) != nil {
                keyList.removeAll { $0 == key }
            }
        }
    }

    /// The members in order.
    public func makeIterator() -> Iterator { Iterator(object: self) }

    /// Iterates the members in key order.
    public struct Iterator: IteratorProtocol {
        fileprivate let object: JSONObject
        fileprivate var index = 0

        fileprivate init(object: JSONObject) { self.object = object }

        public mutating func next() -> (key: String, value: JSONValue)? {
            guard index < object.keyList.count else { return nil }
            let key = object.keyList[index]
            index += 1
            return (key, object.storage[key]!)
        }
    }

    /// A copy with members sorted by key (used for canonical output).
    public func sortedByKey() -> JSONObject {
        var copy = self
        copy.keyList.sort()
        return copy
    }

    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        lhs.storage == rhs.storage
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(storage)
    }
}
