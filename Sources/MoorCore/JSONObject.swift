/// The members of a JSON object in insertion order, with keyed lookup.
///
/// Equality and hashing ignore key order: `{"a":1,"b":2}` equals `{"b":2,"a":1}`. Keys are unique;
/// setting an existing key replaces its value in place. Small objects (the usual Kubernetes case) are
/// searched linearly; larger ones keep a key index, so lookup stays constant-time.
public struct JSONObject: Sendable, Hashable, Sequence {
    /// One key–value pair (a nominal type: arrays of tuples need runtime metadata lookups).
    struct Member: Sendable {
        var key: String
        var value: JSONValue
    }

    /// The members in order; keys are unique.
    private var entries: [Member] = []
    /// Key → position in `entries`; kept only while `count > Self.linearLimit`.
    private var index: [String: Int]?

    /// Up to this many members, lookup is a linear scan (faster than hashing for short keys).
    static let linearLimit = 12

    /// An empty object.
    public init() {}

    /// An object from key–value pairs in order; a repeated key keeps its first position and its last value.
    public init(_ pairs: some Sequence<(String, JSONValue)>) {
        entries.reserveCapacity(pairs.underestimatedCount)
        for (k, v) in pairs { updateValue(v, forKey: k) }
    }

    /// An object from members whose keys are known to be unique, with their key index when there are more
    /// than ``linearLimit`` (positions in `uniqueEntries`); used by the parser to build each object once.
    init(uniqueEntries: [Member], index: [String: Int]?) {
        entries = uniqueEntries
        if uniqueEntries.count > Self.linearLimit {
            if let index { self.index = index } else { rebuildIndex() }
        }
    }

    /// The keys in order (computed: O(count)).
    public var keys: [String] { entries.map(\.key) }

    /// The values in key order (computed: O(count)).
    public var values: [JSONValue] { entries.map(\.value) }

    /// The number of members.
    public var count: Int { entries.count }

    /// Whether there are no members.
    public var isEmpty: Bool { entries.isEmpty }

    /// The value for `key`; assigning `nil` removes the key, assigning a new key appends it.
    public subscript(key: String) -> JSONValue? {
        get { position(of: key).map { entries[$0].value } }
        set {
            if let newValue {
                updateValue(newValue, forKey: key)
            } else {
                removeValue(forKey: key)
            }
        }
        _modify {
            // Moves the value out while it is modified so nested changes do not copy it.
            if let i = position(of: key) {
                var value: JSONValue? = entries[i].value
                entries[i].value = .null
                defer {
                    if let value { entries[i].value = value } else { remove(at: i) }
                }
                yield &value
            } else {
                var value: JSONValue?
                defer { if let value { append(key, value) } }
                yield &value
            }
        }
    }

    /// Sets the value for `key`, keeping the key's position if it exists and appending it otherwise.
    ///
    /// Returns the value that was replaced, or `nil` when the key is new.
    @discardableResult
    public mutating func updateValue(_ value: JSONValue, forKey key: String) -> JSONValue? {
        if let i = position(of: key) {
            let old = entries[i].value
            entries[i].value = value
            return old
        }
        append(key, value)
        return nil
    }

    /// Removes `key` and returns its value; `nil` (and no change) when the key is absent.
    @discardableResult
    public mutating func removeValue(forKey key: String) -> JSONValue? {
        guard let i = position(of: key) else { return nil }
        let old = entries[i].value
        remove(at: i)
        return old
    }

    /// Reserves room for `minimumCapacity` members.
    public mutating func reserveCapacity(_ minimumCapacity: Int) {
        entries.reserveCapacity(minimumCapacity)
    }

    /// The members in order.
    public func makeIterator() -> Iterator { Iterator(entries: entries) }

    /// Iterates the members in key order.
    public struct Iterator: IteratorProtocol {
        private let entries: [Member]
        private var position = 0

        fileprivate init(entries: [Member]) { self.entries = entries }

        /// The next member, or `nil` after the last.
        public mutating func next() -> (key: String, value: JSONValue)? {
            guard position < entries.count else { return nil }
            defer { position += 1 }
            return (entries[position].key, entries[position].value)
        }
    }

    /// The number of members, for `Sequence` algorithms that reserve capacity.
    public var underestimatedCount: Int { entries.count }

    /// A copy with members sorted by key (used for canonical output).
    public func sortedByKey() -> JSONObject {
        var copy = self
        copy.entries.sort { $0.key < $1.key }
        copy.rebuildIndex()
        return copy
    }

    /// Equal when both have the same keys with equal values, in any order.
    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        guard lhs.count == rhs.count else { return false }
        for (i, entry) in lhs.entries.enumerated() {
            let other = rhs.entries[i]
            if other.key == entry.key {
                guard other.value == entry.value else { return false }
            } else {
                guard let j = rhs.position(of: entry.key), rhs.entries[j].value == entry.value else { return false }
            }
        }
        return true
    }

    /// Hashes the members without regard to their order, consistent with `==`.
    public func hash(into hasher: inout Hasher) {
        var sum = 0
        for entry in entries {
            var member = Hasher()
            member.combine(entry.key)
            member.combine(entry.value)
            sum &+= member.finalize()
        }
        hasher.combine(entries.count)
        hasher.combine(sum)
    }

    // MARK: - Storage

    private func position(of key: String) -> Int? {
        if let index { return index[key] }
        for i in entries.indices where entries[i].key == key { return i }
        return nil
    }

    private mutating func append(_ key: String, _ value: JSONValue) {
        entries.append(Member(key: key, value: value))
        if index != nil {
            index![key] = entries.count - 1
        } else if entries.count > Self.linearLimit {
            rebuildIndex()
        }
    }

    private mutating func remove(at i: Int) {
        entries.remove(at: i)
        if index != nil { rebuildIndex() }
    }

    private mutating func rebuildIndex() {
        guard entries.count > Self.linearLimit else {
            index = nil
            return
        }
        var map = [String: Int](minimumCapacity: entries.count)
        for (i, entry) in entries.enumerated() { map[entry.key] = i }
        index = map
    }
}
