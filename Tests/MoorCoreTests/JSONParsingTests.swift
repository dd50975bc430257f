import MoorCore
import Testing

@Suite("JSON parsing")
struct JSONParsingTests {
    static let values: [(String, JSONValue)] = [
        ("null", .null),
        ("true", .bool(true)),
        ("false", .bool(false)),
        ("0", .int(0)),
        ("-0", .int(0)),
        ("42", .int(42)),
        ("-42", .int(-42)),
        ("9223372036854775807", .int(.max)),
        ("-9223372036854775808", .int(.min)),
        ("1.5", .double(1.5)),
        ("-0.25", .double(-0.25)),
        ("1e3", .double(1000)),
        ("1E+3", .double(1000)),
        ("-1.5e-3", .double(-0.0015)),
        ("0.1", .double(0.1)),
        ("\"\"", .string("")),
        ("\"hello\"", .string("hello")),
        ("\"héllo wörld ✓ 😀\"", .string("héllo wörld ✓ 😀")),
        ("[]", .array([])),
        ("[1,\"a\",null,true]", .array([.int(1), .string("a"), .null, .bool(true)])),
        ("[[],[[]]]", .array([.array([]), .array([.array([])])])),
        ("{}", .emptyObject),
        ("{\"a\":{\"b\":[1,{\"c\":null}]}}", ["a": ["b": [1, ["c": nil]]]]),
        (" \t\r\n {\n  \"a\" : 1 ,\n  \"b\" : [ 1 , 2 ]\n}\n ", ["a": 1, "b": [1, 2]]),
    ]

    @Test("parses every kind of value", arguments: values)
    func parsesValue(text: String, expected: JSONValue) throws {
        let value = try JSONValue(parsing: text)
        #expect(value == expected)
    }

    @Test("keeps integers and doubles apart", arguments: [("1", true), ("1.0", false), ("1e0", false), ("-7", true)])
    func integerOrDouble(text: String, isInt: Bool) throws {
        let value = try JSONValue(parsing: text)
        if case .int = value { #expect(isInt) } else { #expect(!isInt) }
    }

    @Test(
        "integers that overflow Int become doubles",
        arguments: [
            ("9223372036854775808", 9_223_372_036_854_775_808.0),
            ("-9223372036854775809", -9_223_372_036_854_775_809.0),
            ("123456789012345678901234567890", 1.2345678901234568e29),
        ])
    func overflowingIntegers(text: String, expected: Double) throws {
        #expect(try JSONValue(parsing: text) == .double(expected))
        if case .double = try JSONValue(parsing: text) {} else { Issue.record("expected a double") }
    }

    static let escapes: [(String, String)] = [
        (#""\"""#, "\""),
        (#""\\""#, "\\"),
        (#""\/""#, "/"),
        (#""\b\f\n\r\t""#, "\u{8}\u{C}\n\r\t"),
        (#""\u0041\u00e9\u20AC""#, "Aé€"),
        (#""\u0000""#, "\u{0}"),
        (#""\ud83d\ude00""#, "😀"),
        (#""\uD834\uDD1E clef""#, "𝄞 clef"),
        (#""a\nb\u0009c""#, "a\nb\tc"),
        (#""prefix \"quoted\" suffix""#, "prefix \"quoted\" suffix"),
    ]

    @Test("decodes escapes, including surrogate pairs", arguments: escapes)
    func decodesEscapes(text: String, expected: String) throws {
        #expect(try JSONValue(parsing: text) == .string(expected))
    }

    @Test("keeps object key order and lets a repeated key keep its place with the last value")
    func keyOrder() throws {
        let value = try JSONValue(parsing: #"{"z":1,"a":2,"m":3,"a":4}"#)
        #expect(value.objectValue?.keys == ["z", "a", "m"])
        #expect(value["a"] == 4)
    }

    @Test("repeated keys keep their place in objects of any size", arguments: [2, 12, 13, 14, 100])
    func repeatedKeysInLargeObjects(size: Int) throws {
        var members = (0..<size).map { "\"k\($0)\":\($0)" }
        members += ["\"k0\":-1", "\"k\(size - 1)\":-2", "\"k0\":-3"]
        let value = try JSONValue(parsing: "{" + members.joined(separator: ",") + "}")
        #expect(value.objectValue?.keys == (0..<size).map { "k\($0)" })
        #expect(value["k0"] == -3)
        #expect(value["k\(size - 1)"] == -2)
        #expect(value["k1"] == (size > 2 ? 1 : -2))
        var object = try #require(value.objectValue)
        object["k1"] = nil
        object["new"] = "n"
        #expect(object.count == size)
        #expect(object["new"] == "n" && object["k1"] == nil && object["k0"] == -3)
    }

    @Test("parses long arrays and wide, deep mixtures")
    func largeContainers() throws {
        let long = "[" + (0..<1000).map(String.init).joined(separator: ",") + "]"
        #expect(try JSONValue(parsing: long) == .array((0..<1000).map { .int($0) }))
        let row = "[" + (0..<100).map { "{\"i\":\($0),\"s\":[\"\($0)\"]}" }.joined(separator: ",") + "]"
        let grid = try JSONValue(parsing: "[" + Array(repeating: row, count: 50).joined(separator: ",") + "]")
        #expect(grid.arrayValue?.count == 50)
        #expect(grid[49]?[99] == ["i": 99, "s": ["99"]])
        #expect(grid[0]?.arrayValue?.count == 100)
    }

    @Test("accepts bytes, array slices, strings and non-contiguous collections alike")
    func inputKinds() throws {
        let text = #"{"a":[1,2.5,"x"]}"#
        let expected: JSONValue = ["a": [1, 2.5, "x"]]
        let bytes = Array(text.utf8)
        #expect(try JSONValue(parsing: bytes) == expected)
        #expect(try JSONValue(parsing: ([0x20] + bytes + [0x20])[1...]) == expected)
        #expect(try JSONValue(parsing: text) == expected)
        #expect(try JSONValue(parsing: bytes.lazy.map { $0 }) == expected)
        #expect(try JSONValue(parsing: text[...].utf8) == expected)
    }

    @Test("replaces invalid UTF-8 inside strings with U+FFFD")
    func invalidUTF8() throws {
        let bytes: [UInt8] = [0x22, 0x61, 0xFF, 0x62, 0x22]
        #expect(try JSONValue(parsing: bytes) == .string("a\u{FFFD}b"))
    }

    static let invalid: [(text: String, line: Int, reason: String)] = [
        ("", 1, "unexpected end of input"),
        ("   ", 1, "unexpected end of input"),
        ("{", 1, "expected a string object key"),
        ("[1,", 1, "unexpected end of input"),
        ("[1 2]", 1, "expected ',' or ']' in array"),
        (#"{"a" 1}"#, 1, "expected ':' after object key"),
        ("{a:1}", 1, "expected a string object key"),
        (#"{"a":1,}"#, 1, "expected a string object key"),
        (#"{"a":1 "b":2}"#, 1, "expected ',' or '}' in object"),
        ("[1,]", 1, "unexpected character ']'"),
        ("tru", 1, "invalid literal, expected true"),
        ("nul", 1, "invalid literal, expected null"),
        ("True", 1, "unexpected character 'T'"),
        ("01", 1, "unexpected content after the JSON value"),
        ("1.", 1, "digit expected after '.'"),
        (".5", 1, "unexpected character '.'"),
        ("-", 1, "digit expected"),
        ("+1", 1, "unexpected character '+'"),
        ("1e", 1, "digit expected in exponent"),
        ("1e400", 1, "number out of range"),
        ("NaN", 1, "unexpected character 'N'"),
        (#""abc"#, 1, "unterminated string"),
        ("\"a\tb\"", 1, "control character in string"),
        ("\"a\nb\"", 1, "control character in string"),
        (#""\x""#, 1, "invalid escape: character 'x'"),
        (#""\u12""#, 1, "invalid hex digit"),
        (#""\u12"#, 1, "truncated \\u escape"),
        (#""\ud800""#, 1, "unpaired surrogate"),
        (#""\udc00""#, 1, "unpaired surrogate"),
        (#""\ud800\u0041""#, 1, "unpaired surrogate"),
        ("[1] x", 1, "unexpected content after the JSON value"),
        ("{}{}", 1, "unexpected content after the JSON value"),
        ("\u{FEFF}{}", 1, "unexpected byte 0xEF"),
        ("{\n  \"a\": 1,\n  \"b\": ?\n}", 3, "unexpected character '?'"),
        ("[\n  1,\n  2\n", 4, "unexpected end of input in array"),
        ("{\"a\":\n\n\n  [1, 2,, 3]}", 4, "unexpected character ','"),
    ]

    @Test("rejects malformed input with the line and a reason", arguments: invalid)
    func rejects(text: String, line: Int, reason: String) {
        #expect {
            try JSONValue(parsing: text)
        } throws: { error in
            guard let error = error as? JSONParseError else { return false }
            return error.line == line && error.reason.contains(reason)
        }
    }

    @Test("reports the byte offset of the problem and describes itself with the line")
    func errorDetails() {
        let text = "{\"a\": [1, 2,\n x]}"
        do {
            _ = try JSONValue(parsing: text)
            Issue.record("expected an error")
        } catch {
            #expect(error.offset == 14)
            #expect(error.line == 2)
            #expect(error.description == "invalid JSON at line 2: unexpected character 'x'")
        }
    }

    @Test("accepts nesting up to the depth limit and rejects one level more")
    func depthLimit() throws {
        let depth = JSONValue.maxDepth
        let deepest = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        var value = try JSONValue(parsing: deepest)
        var levels = 0
        while case .array(let inner) = value {
            levels += 1
            value = inner.first ?? .null
        }
        #expect(levels == depth)

        let tooDeep = String(repeating: "{\"a\":", count: depth + 1) + "1" + String(repeating: "}", count: depth + 1)
        #expect {
            try JSONValue(parsing: tooDeep)
        } throws: { error in
            (error as? JSONParseError)?.reason == "nesting deeper than \(depth) levels"
        }
    }

    @Test("parses a Kubernetes list response")
    func kubernetesList() throws {
        let text = """
            {"apiVersion":"v1","kind":"ConfigMapList","metadata":{"resourceVersion":"1234"},"items":[
              {"metadata":{"name":"a","namespace":"default","uid":"0b9c","creationTimestamp":"2024-01-01T00:00:00Z"},
               "data":{"k":"v"}},
              {"metadata":{"name":"b","namespace":"default","labels":{"app":"web"}},"data":{"x":"1"}}
            ]}
            """
        let list = try JSONValue(parsing: text)
        #expect(list["items"]?.arrayValue?.count == 2)
        #expect(list["items"]?[1]?[path: "metadata", "labels", "app"] == "web")
        #expect(list[path: "metadata", "resourceVersion"] == "1234")
    }
}
