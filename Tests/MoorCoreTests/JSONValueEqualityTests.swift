import MoorCore
import Testing

@Suite("JSON value equality and hashing")
struct JSONValueEqualityTests {
    static let equal: [(JSONValue, JSONValue)] = [
        (["a": 1, "b": 2], ["b": 2, "a": 1]),
        (["x": ["p": 1, "q": [1, 2]], "y": nil], ["y": nil, "x": ["q": [1, 2], "p": 1]]),
        (1, 1.0),
        (0, -0.0),
        (.int(-5), .double(-5)),
        (.int(1 << 53), .double(9_007_199_254_740_992)),
        ([1, 2.0, ["a": 3]], [1.0, 2, ["a": 3.0]]),
        (.double(.nan), .double(.nan)),
        (.double(.infinity), .double(.infinity)),
        ("é", "e\u{301}"),
        (.emptyObject, JSONValue.object(JSONObject())),
        (manyKeys(0..<40), manyKeys((0..<40).reversed())),
    ]

    static let unequal: [(JSONValue, JSONValue)] = [
        (1, "1"),
        (true, 1),
        (false, 0),
        (nil, false),
        (nil, ""),
        ([], .emptyObject),
        ([1, 2], [2, 1]),
        ([1], [1, 1]),
        (["a": 1], ["a": 1, "b": nil]),
        (["a": 1], ["A": 1]),
        (["a": ["b": 1]], ["a": ["b": 2]]),
        (1, 1.5),
        (.int((1 << 53) + 1), .double(9_007_199_254_740_992)),
        (.int(.max), .double(0x1p63)),
        (.double(.infinity), .double(-.infinity)),
        (manyKeys(0..<40), manyKeys(0..<41)),
        (manyKeys(0..<40), manyKeys(1..<41)),
    ]

    static func manyKeys(_ range: some Sequence<Int>) -> JSONValue {
        .object(JSONObject(range.map { ("key\($0)", .int($0)) }))
    }

    @Test("objects ignore key order and numbers compare by value", arguments: equal)
    func equalValues(a: JSONValue, b: JSONValue) {
        #expect(a == b)
        #expect(b == a)
        #expect(a.hashValue == b.hashValue)
        #expect(Set([a, b]).count == 1)
    }

    @Test("different values are unequal", arguments: unequal)
    func unequalValues(a: JSONValue, b: JSONValue) {
        #expect(a != b)
        #expect(b != a)
    }

    @Test("hashing follows equality in sets and dictionary keys")
    func hashingInCollections() {
        let values: [JSONValue] = [1, 1.0, "1", true, nil, ["a": 1, "b": 2], ["b": 2, "a": 1], [1], [1.0]]
        #expect(Set(values).count == 6)
        var counts: [JSONValue: Int] = [:]
        for value in values { counts[value, default: 0] += 1 }
        #expect(counts[1] == 2)
        #expect(counts[["a": 1, "b": 2]] == 2)
    }

    @Test("equality is reflexive for every kind", arguments: JSONSerializationTests.roundTrips + [.double(.nan)])
    func reflexive(value: JSONValue) {
        #expect(value == value)
        #expect(value.hashValue == value.hashValue)
    }
}
