/// An untyped JSON tree: the representation of every Kubernetes object inside Moor.
///
/// Objects keep their key order (so output reads like the input) but compare and hash without
/// regard to it, as Kubernetes does. Integers and doubles compare by numeric value, so `1` and
/// `1.0` are equal, as they are on the API server.
public enum JSONValue: Sendable, Hashable {
    /// JSON `null`.
    case null
    /// `true` or `false`.
    case bool(Bool)
    /// A number written without fraction or exponent that fits in 64 bits.
    case int(Int)
    /// Any other number.
    case double(Double)
    /// A string.
    case string(String)
    /// An array.
    case array([JSONValue])
    /// An object, key order preserved.
    case object(JSONObject)

    /// An empty object.
    public static let emptyObject = JSONValue.object(JSONObject())

    /// Structural equality: objects ignore key order, numbers compare by exact value (`1 == 1.0`,
    /// but `2^53 + 1` differs from `Double(2^53)`), and `NaN` equals `NaN` so that `==` is reflexive.
    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): true
        case (.bool(let a), .bool(let b)): a == b
        case (.int(let a), .int(let b)): a == b
        case (.double(let a), .double(let b)): a == b || (a.isNaN && b.isNaN)
        case (.int(let a), .double(let b)), (.double(let b), .int(let a)): Int(exactly: b) == a
        case (.string(let a), .string(let b)): a == b
        case (.array(let a), .array(let b)): a == b
        case (.object(let a), .object(let b)): a == b
        default: false
        }
    }

    /// Hashes consistently with `==`: an integral double hashes as the equal `Int`.
    public func hash(into hasher: inout Hasher) {
        switch self {
        case .null: hasher.combine(0 as UInt8)
        case .bool(let b):
            hasher.combine(1 as UInt8)
            hasher.combine(b)
        case .int(let i):
            hasher.combine(2 as UInt8)
            hasher.combine(i)
        case .double(let d):
            hasher.combine(2 as UInt8)
            if let i = Int(exactly: d) {
                hasher.combine(i)
            } else if d.isNaN {
                hasher.combine(Double.nan.bitPattern)
            } else {
                hasher.combine(d)
            }
        case .string(let s):
            hasher.combine(3 as UInt8)
            hasher.combine(s)
        case .array(let a):
            hasher.combine(4 as UInt8)
            hasher.combine(a)
        case .object(let o):
            hasher.combine(5 as UInt8)
            hasher.combine(o)
        }
    }
}

extension JSONValue {
    /// The string, if this is a string.
    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    /// The integer, if this is a number with an integral value.
    public var intValue: Int? {
        switch self {
        case .int(let i): return i
        case .double(let d): return Int(exactly: d)
        default: return nil
        }
    }

    /// The number as a double, if this is a number.
    public var doubleValue: Double? {
        switch self {
        case .int(let i): return Double(i)
        case .double(let d): return d
        default: return nil
        }
    }

    /// The boolean, if this is a boolean (never derived from a number).
    public var boolValue: Bool? {
        if case .bool(let b) = self { return b }
        return nil
    }

    /// The elements, if this is an array.
    public var arrayValue: [JSONValue]? {
        if case .array(let a) = self { return a }
        return nil
    }

    /// The members, if this is an object.
    public var objectValue: JSONObject? {
        if case .object(let o) = self { return o }
        return nil
    }

    /// Whether this is `null`.
    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    /// The member `key` of an object; `nil` for a missing key or a value that is not an object.
    ///
    /// Setting a value on a non-object replaces it with an object holding just that member; setting
    /// `nil` removes the key from an object and leaves any other value unchanged. Modifying a member in
    /// place (`value["spec"]?["replicas"] = 3`) does not copy the object.
    public subscript(key: String) -> JSONValue? {
        get {
            if case .object(let o) = self { return o[key] }
            return nil
        }
        _modify {
            if case .object(var object) = self {
                self = .null  // leaves `object` uniquely referenced while it changes
                defer { self = .object(object) }
                yield &object[key]
            } else {
                var member: JSONValue?
                defer { if let member { self = .object(JSONObject([(key, member)])) } }
                yield &member
            }
        }
    }

    /// The element at `index` of an array; `nil` when out of range or not an array.
    public subscript(index: Int) -> JSONValue? {
        guard case .array(let a) = self, a.indices.contains(index) else { return nil }
        return a[index]
    }

    /// The value at a path of object keys, e.g. `value[path: "metadata", "name"]`.
    ///
    /// Setting creates objects on the way (replacing non-objects); setting `nil` removes the last key
    /// and changes nothing when the path does not exist.
    public subscript(path keys: String...) -> JSONValue? {
        get { value(at: keys) }
        set { setValue(newValue, at: keys[...]) }
    }

    /// The value at a path of object keys; the value itself for an empty path.
    public func value(at keys: some Sequence<String>) -> JSONValue? {
        var current = self
        for key in keys {
            guard let next = current[key] else { return nil }
            current = next
        }
        return current
    }

    /// Sets (or with `nil` removes) the value at a path of object keys, creating objects on the way.
    ///
    /// An empty path replaces the whole value (`nil` makes it `null`). Removing under a path that does not
    /// exist changes nothing.
    public mutating func setValue(_ newValue: JSONValue?, at keys: ArraySlice<String>) {
        guard let first = keys.first else {
            self = newValue ?? .null
            return
        }
        let rest = keys.dropFirst()
        if rest.isEmpty {
            self[first] = newValue
        } else if newValue != nil {
            if self[first]?.objectValue == nil { self[first] = .emptyObject }
            self[first]!.setValue(newValue, at: rest)
        } else if self[first]?.objectValue != nil {
            self[first]!.setValue(nil, at: rest)
        }
    }
}

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByFloatLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .int(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    public init(nilLiteral: ()) { self = .null }
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(JSONObject(elements))
    }
}
