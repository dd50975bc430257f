import MoorCore
import MoorTestSupport
import MoorYAML
import Testing

@Suite("YAML properties over random trees")
struct YAMLPropertyTests {
    @Test("write then read gives an equal value with the same key order", arguments: 0..<8)
    func yamlRoundTrip(seed: UInt64) throws {
        var rng = SeededGenerator(seed: seed)
        for _ in 0..<250 {
            let value = RandomJSON.value(&rng)
            let text = YAMLWriter.document(value)
            let back = try YAMLReader.value(text)
            #expect(back == value, "\(text)")
            #expect(RandomJSON.sameKeyOrder(back, value))
        }
    }

    @Test("a stream of random documents reads back in order", arguments: 0..<4)
    func streamRoundTrip(seed: UInt64) throws {
        var rng = SeededGenerator(seed: 500 + seed)
        for _ in 0..<50 {
            let values = (0..<Int.random(in: 1...5, using: &rng)).map { _ in
                var object = JSONObject()
                object["kind"] = .string(RandomJSON.string(&rng))
                object["spec"] = RandomJSON.value(&rng)
                return JSONValue.object(object)
            }
            let docs = try YAMLReader.documents(YAMLWriter.stream(values))
            #expect(docs.map(\.value) == values)
            #expect(docs.map(\.line) == docs.map(\.line).sorted())
        }
    }

    @Test("JSON text is YAML: reading a value's JSON as YAML gives the value", arguments: 0..<4)
    func jsonIsYAML(seed: UInt64) throws {
        var rng = SeededGenerator(seed: 900 + seed)
        for _ in 0..<250 {
            let value = RandomJSON.value(&rng)
            guard isJSONSafeForYAML(value) else { continue }
            #expect(try YAMLReader.value(value.jsonString()) == value, "\(value.jsonString())")
        }
    }

    /// JSON escapes are YAML escapes, but YAML reads U+0085, U+2028 and U+2029 as line breaks and forbids
    /// raw DEL and U+FEFF inside flow scalars: such strings are left out.
    private func isJSONSafeForYAML(_ value: JSONValue) -> Bool {
        switch value {
        case .string(let s):
            !s.unicodeScalars.contains { [0x7F, 0x85, 0x2028, 0x2029, 0xFEFF].contains($0.value) }
        case .array(let a): a.allSatisfy(isJSONSafeForYAML)
        case .object(let o): o.allSatisfy { isJSONSafeForYAML(.string($0.key)) && isJSONSafeForYAML($0.value) }
        case .double(let d): d.isFinite
        default: true
        }
    }
}
