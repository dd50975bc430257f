import MoorCore
import MoorTestSupport
import Testing

@Suite("JSON properties over random trees")
struct JSONPropertyTests {
    @Test("serialize then parse gives an equal value with the same key order", arguments: 0..<8)
    func roundTrip(seed: UInt64) throws {
        var rng = SeededGenerator(seed: seed)
        for _ in 0..<250 {
            let value = RandomJSON.value(&rng)
            let compact = try JSONValue(parsing: value.jsonBytes())
            #expect(compact == value, "\(value.jsonString())")
            #expect(RandomJSON.sameKeyOrder(compact, value))
            #expect(try JSONValue(parsing: value.prettyJSONString()) == value)
            #expect(compact.hashValue == value.hashValue)
        }
    }

    @Test("equal values hash alike after reordering every object", arguments: 0..<4)
    func reorderedHash(seed: UInt64) {
        var rng = SeededGenerator(seed: 1000 + seed)
        for _ in 0..<250 {
            let value = RandomJSON.value(&rng)
            let reversed = reverseKeys(value)
            #expect(reversed == value)
            #expect(reversed.hashValue == value.hashValue)
        }
    }

    private func reverseKeys(_ value: JSONValue) -> JSONValue {
        switch value {
        case .object(let o): .object(JSONObject(o.reversed().map { ($0.key, reverseKeys($0.value)) }))
        case .array(let a): .array(a.map(reverseKeys))
        default: value
        }
    }
}
