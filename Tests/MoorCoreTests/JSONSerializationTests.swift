import MoorCore
import Testing

@Suite("JSON serialization")
struct JSONSerializationTests {
    static let compact: [(JSONValue, String)] = [
        (.null, "null"),
        (true, "true"),
        (false, "false"),
        (0, "0"),
        (-17, "-17"),
        (.int(.max), "9223372036854775807"),
        (.int(.min), "-9223372036854775808"),
        (1.5, "1.5"),
        (-0.001, "-0.001"),
        (.double(2), "2"),
        (.double(-3), "-3"),
        (.double(1e20), "1e+20"),
        (.double(1.5e-7), "1.5e-07"),
        (.double(.infinity), "null"),
        (.double(.nan), "null"),
        ("", "\"\""),
        ("plain", "\"plain\""),
        ("quote \" backslash \\ slash /", #""quote \" backslash \\ slash /""#),
        ("\n\r\t\u{8}\u{C}", #""\n\r\t\b\f""#),
        ("\u{0}\u{1}\u{1F}\u{7F}", "\"\\u0000\\u0001\\u001f\u{7F}\""),
        ("é 😀 \u{2028}", "\"é 😀 \u{2028}\""),
        ([], "[]"),
        (.emptyObject, "{}"),
        ([1, "a", nil, [true]], #"[1,"a",null,[true]]"#),
        (["b": 1, "a": [], "c": ["d": .emptyObject]], #"{"b":1,"a":[],"c":{"d":{}}}"#),
    ]

    @Test("writes compact JSON", arguments: compact)
    func compactOutput(value: JSONValue, expected: String) {
        #expect(value.jsonString() == expected)
        #expect(value.jsonBytes() == Array(expected.utf8))
    }

    @Test("writes indented JSON for people")
    func prettyOutput() {
        let value: JSONValue = ["kind": "List", "items": [["a": 1], [], .emptyObject], "empty": []]
        let expected = """
            {
              "kind": "List",
              "items": [
                {
                  "a": 1
                },
                [],
                {}
              ],
              "empty": []
            }
            """
        #expect(value.prettyJSONString() == expected)
        #expect(JSONValue.int(1).prettyJSONString() == "1")
        #expect((["a": [1]] as JSONValue).prettyJSONString(indent: 4) == "{\n    \"a\": [\n        1\n    ]\n}")
    }

    static let roundTrips: [JSONValue] = [
        .null, true, 0, -1, .int(.max), .int(.min), 0.1, -2.5e-300, 1.7976931348623157e308,
        .double(.leastNonzeroMagnitude),
        "", "\u{0}", "tab\there", "line\nbreak", "emoji 😀 and 𝄞", "\"quoted\"", "back\\slash",
        [], .emptyObject, [[[]]], ["": ""], ["z": 1, "a": 2, "m": [3, ["y": nil, "b": false]]],
    ]

    @Test("parse(serialize(x)) == x, compact and pretty", arguments: roundTrips)
    func roundTrip(value: JSONValue) throws {
        #expect(try JSONValue(parsing: value.jsonString()) == value)
        #expect(try JSONValue(parsing: value.jsonBytes()) == value)
        #expect(try JSONValue(parsing: value.prettyJSONString()) == value)
    }

    @Test("keeps key order through a round trip")
    func keyOrderRoundTrip() throws {
        let text = #"{"spec":{"z":1,"a":2},"metadata":{"name":"x"},"apiVersion":"v1"}"#
        let value = try JSONValue(parsing: text)
        #expect(value.jsonString() == text)
        #expect(value.objectValue?.keys == ["spec", "metadata", "apiVersion"])
    }
}
