import MoorCore
import MoorYAML
import Testing

/// Plain scalars resolve as Kubernetes reads them: go-yaml v2 (YAML 1.1) through `sigs.k8s.io/yaml`.
@Suite("YAML plain scalar resolution")
struct YAMLScalarResolutionTests {
    static let plain: [(String, JSONValue)] = [
        // Booleans: YAML 1.1 words in lower, Capitalised and UPPER case only.
        ("yes", true), ("Yes", true), ("YES", true), ("y", true), ("Y", true),
        ("on", true), ("On", true), ("ON", true), ("true", true), ("True", true), ("TRUE", true),
        ("no", false), ("No", false), ("NO", false), ("n", false), ("N", false),
        ("off", false), ("Off", false), ("OFF", false), ("false", false), ("False", false), ("FALSE", false),
        ("yEs", "yEs"), ("tRUE", "tRUE"), ("nO", "nO"), ("yes!", "yes!"), ("only", "only"),
        // Null.
        ("~", nil), ("null", nil), ("Null", nil), ("NULL", nil), ("nULL", "nULL"), ("~~", "~~"),
        // Integers: Go's ParseInt(s, 0, 64) after removing underscores.
        ("0", 0), ("-0", 0), ("+1", 1), ("42", 42), ("-42", -42), ("00", 0),
        ("0777", 511), ("-0777", -511), ("0o17", 15), ("0O17", 15), ("-0o17", -15),
        ("0x1F", 31), ("0X1f", 31), ("-0x1F", -31), ("+0x10", 16), ("0b1010", 10), ("-0b11", -3),
        ("1_000", 1000), ("1__0", 10), ("1_", 1), ("0x_1F", 31), ("0x1_0000_0000", 4_294_967_296),
        ("9223372036854775807", .int(.max)), ("-9223372036854775808", .int(.min)),
        ("-0x8000000000000000", .int(.min)),
        // Unsigned values above Int.max (uint64 in Go) and larger integers (float64 in Go) become doubles.
        ("9223372036854775808", .double(0x1p63)), ("0xFFFFFFFFFFFFFFFF", .double(0x1p64)),
        ("18446744073709551616", .double(0x1p64)),
        // Not octal, so a float: 12345678.
        ("012345678", .double(12_345_678)), ("08", .double(8)), ("09.5", 9.5),
        // Floats.
        ("1.0", 1.0), ("1.", 1.0), (".5", 0.5), ("-.5", -0.5), ("+.5", 0.5), ("1.5", 1.5), ("-1.5", -1.5),
        ("0.0", 0.0), ("1e3", 1000.0), ("1E3", 1000.0), ("1e+3", 1000.0), ("1.5e-3", 0.0015), ("-1e3", -1000.0),
        ("1_000.5", 1000.5), ("0e5", 0.0),
        (".inf", .double(.infinity)), (".Inf", .double(.infinity)), (".INF", .double(.infinity)),
        ("+.inf", .double(.infinity)), ("-.inf", .double(-.infinity)), ("-.Inf", .double(-.infinity)),
        ("-.INF", .double(-.infinity)), (".nan", .double(.nan)), (".NaN", .double(.nan)), (".NAN", .double(.nan)),
        // Strings that look numeric to some readers but not to go-yaml v2.
        (".iNf", ".iNf"), ("inf", "inf"), ("nan", "nan"), ("NaN", "NaN"), ("Infinity", "Infinity"),
        ("1e400", "1e400"), ("._5", "._5"), (".5_0", ".5_0"), ("_1", "_1"), ("1e", "1e"), ("e3", "e3"),
        ("1.2.3", "1.2.3"), ("1,000", "1,000"), ("0x", "0x"), ("0b", "0b"), ("0o", "0o"), ("0b2", "0b2"),
        ("0x1G", "0x1G"), ("0o8", "0o8"), ("+", "+"), ("-1-", "-1-"), (".", "."), ("1:30", "1:30"),
        ("0x1p3", "0x1p3"), ("=", "="), ("<<", "<<"),
        // Timestamps stay strings (go-yaml v2 decodes them into interface{} as their text).
        ("2024-01-01", "2024-01-01"), ("2024-01-01T10:00:00Z", "2024-01-01T10:00:00Z"),
        ("2001-12-14 21:59:43.10", "2001-12-14 21:59:43.10"),
        // Everyday Kubernetes values.
        ("v1", "v1"), ("25%", "25%"), ("100m", "100m"), ("128Mi", "128Mi"), ("1.2.3.4", "1.2.3.4"),
        ("--port=8080", "--port=8080"), ("nginx:1.25", "nginx:1.25"),
        ("http://example.com/#x", "http://example.com/#x"),
        ("a b  c", "a b  c"), ("héllo", "héllo"),
    ]

    @Test("a plain scalar reads as go-yaml v2 reads it", arguments: plain)
    func resolves(text: String, expected: JSONValue) throws {
        let value = try YAMLReader.value("v: \(text)\n")["v"]
        #expect(value == expected)
        #expect(value.map(kind) == kind(expected), "same JSON type")
    }

    @Test("an empty plain value is null")
    func emptyIsNull() throws {
        #expect(try YAMLReader.value("a:\nb: \n") == ["a": nil, "b": nil])
        #expect(try YAMLReader.value("- \n-\n") == [nil, nil])
    }

    static let quoted: [(String, JSONValue)] = [
        ("'yes'", "yes"), ("\"0777\"", "0777"), ("'~'", "~"), ("''", ""), ("\"\"", ""), ("\"1.0\"", "1.0"),
        ("'null'", "null"), ("'it''s'", "it's"), ("\"a\\tb\\u00e9\\x41\\N\"", "a\tbéA\u{85}"),
        ("\"\\L\\P\\_\\0\"", "\u{2028}\u{2029}\u{A0}\u{0}"), ("\"\\U0001F600\"", "😀"),
        ("\"a\n  b\"", "a b"), ("'a\n\n  b'", "a\nb"), ("\"a: b # c\"", "a: b # c"),
    ]

    @Test("quoted scalars are always strings", arguments: quoted)
    func quotedScalars(text: String, expected: JSONValue) throws {
        #expect(try YAMLReader.value("v: \(text)\n")["v"] == expected)
    }

    static let tagged: [(String, JSONValue)] = [
        ("!!str 0777", "0777"), ("!!str yes", "yes"), ("!!str", ""), ("!!int \"0777\"", 511), ("!!int 12", 12),
        ("!!float 1", .double(1)), ("!!float '1.5'", 1.5), ("!!bool \"true\"", true), ("!!bool yes", true),
        ("!!null ''", nil), ("!!null ~", nil), ("! 12", "12"), ("!custom 12", "12"),
        ("!!binary aGVsbG8=", "aGVsbG8="), ("!!timestamp 2024-01-01", "2024-01-01"),
    ]

    @Test("explicit tags decide the type", arguments: tagged)
    func tags(text: String, expected: JSONValue) throws {
        let value = try YAMLReader.value("v: \(text)\n")["v"]
        #expect(value == expected)
        #expect(value.map(kind) == kind(expected))
    }

    @Test(
        "a tag that does not fit the value is an error",
        arguments: ["!!int abc", "!!int 1.5", "!!bool 1", "!!float yes", "!!null 0"])
    func mismatchedTags(text: String) {
        #expect(throws: YAMLError.self) { try YAMLReader.value("a: 1\nv: \(text)\n") }
        do {
            _ = try YAMLReader.value("a: 1\nv: \(text)\n")
        } catch {
            #expect(error.line == 2)
        }
    }

    static let keys: [(String, String)] = [
        ("name", "name"), ("1", "1"), ("0x1F", "31"), ("0777", "511"), ("yes", "true"), ("off", "false"),
        ("y", "true"), ("n", "false"), ("x", "x"),
        ("1.5", "1.5"), ("1.0", "1"), ("1e6", "1e+06"), ("123456.0", "123456"), ("0.1", "0.1"),
        ("123456789.0", "1.2345679e+08"), ("0.00001", "1e-05"), ("-2.5", "-2.5"), (".inf", ".inf"),
        ("-.inf", "-.inf"), (".nan", ".nan"), ("'yes'", "yes"), ("\"1.0\"", "1.0"), ("!!str 1.0", "1.0"),
        ("2024-01-01", "2024-01-01"),
    ]

    @Test("non-string keys become strings as sigs.k8s.io/yaml converts them", arguments: keys)
    func keyConversion(text: String, expected: String) throws {
        let value = try YAMLReader.value("\(text): x\n")
        #expect(value.objectValue?.keys == [expected])
    }

    private func kind(_ value: JSONValue) -> String {
        switch value {
        case .null: "null"
        case .bool: "bool"
        case .int: "int"
        case .double: "double"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }
}
