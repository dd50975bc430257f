import MoorCore
import MoorYAML
import Testing

@Suite("YAML collections, block scalars, anchors and keys")
struct YAMLStructureTests {
    static let blockScalars: [(String, String)] = [
        ("|\n  line 1\n  line 2\n", "line 1\nline 2\n"),
        ("|-\n  line 1\n  line 2\n", "line 1\nline 2"),
        ("|+\n  line 1\n\n\nnext: 1\n", "line 1\n\n\n"),
        ("|\n  indented\n    more\n  back\n", "indented\n  more\nback\n"),
        ("|2\n    leading spaces\n", "  leading spaces\n"),
        ("|\n  yes\n", "yes\n"),
        (">\n  folded\n  text\n\n  para\n", "folded text\npara\n"),
        (">-\n  folded\n  text\n", "folded text"),
        ("|\n  # not a comment\n", "# not a comment\n"),
    ]

    @Test("block scalars are strings with their chomping", arguments: blockScalars)
    func blockScalar(body: String, expected: String) throws {
        #expect(try YAMLReader.value("v: \(body)")["v"] == .string(expected))
    }

    @Test("flow collections")
    func flowCollections() throws {
        let value = try YAMLReader.value(
            """
            list: [a, 1, yes, "x", [], {}]
            map: {a: 1, b: [2, 3], c: , "d": ~}
            multi: [
              1,
              {k: v},
            ]
            """)
        #expect(value["list"] == ["a", 1, true, "x", [], .emptyObject])
        #expect(value["map"] == ["a": 1, "b": [2, 3], "c": nil, "d": nil])
        #expect(value["multi"] == [1, ["k": "v"]])
    }

    @Test("anchors and aliases copy values, per document, and may be redefined")
    func anchorsAndAliases() throws {
        let docs = try YAMLReader.documents(
            """
            base: &base {cpu: 100m, memory: 64Mi}
            scalar: &s 5
            list: &l [1, 2]
            copies: [*base, *s, *l]
            s2: &s 6
            after: *s
            ---
            other: 1
            """)
        #expect(docs[0].value["copies"] == [["cpu": "100m", "memory": "64Mi"], 5, [1, 2]])
        #expect(docs[0].value["after"] == 6)
        #expect {
            try YAMLReader.documents("a: &x 1\n---\nb: *x\n")
        } throws: { error in
            let error = error as? YAMLError
            return error?.line == 3 && error?.reason == "unknown alias *x"
        }
        #expect(throws: YAMLError.self) { try YAMLReader.value("a: &x [1, *x]\n") }
    }

    @Test("merge keys: explicit keys win wherever they are, earlier sources win over later ones")
    func mergeKeys() throws {
        let value = try YAMLReader.value(
            """
            defaults: &defaults
              cpu: 100m
              memory: 64Mi
              replicas: 1
            more: &more
              replicas: 2
              tier: backend
            web:
              name: web
              <<: [*defaults, *more]
              memory: 128Mi
            inline:
              <<: {a: 1, b: 2}
              b: 3
            quoted:
              "<<": not a merge
            tagged:
              !!merge <<: *more
            """)
        #expect(value["web"] == ["name": "web", "cpu": "100m", "memory": "128Mi", "replicas": 1, "tier": "backend"])
        #expect(value["web"]?.objectValue?.keys == ["name", "cpu", "memory", "replicas", "tier"])
        #expect(value["inline"] == ["a": 1, "b": 3])
        #expect(value["quoted"] == ["<<": "not a merge"])
        #expect(value["tagged"] == ["replicas": 2, "tier": "backend"])
    }

    @Test(
        "a merge needs mappings",
        arguments: ["a: 1\nb:\n  <<: 5\n", "a: 1\nb:\n  <<: [{x: 1}, 2]\n", "a: 1\nb:\n  <<: ~\n"])
    func badMerge(text: String) {
        #expect {
            try YAMLReader.value(text)
        } throws: { error in
            (error as? YAMLError)?.line == 3
        }
    }

    static let duplicates: [(String, Int)] = [
        ("a: 1\na: 2\n", 2),
        ("a: 1\n\"a\": 2\n", 2),
        ("x:\n  a: 1\n  b: 2\n  a: 3\n", 4),
        ("1: a\n\"1\": b\n", 2),
        ("yes: a\ntrue: b\n", 2),
        ("0x10: a\n16: b\n", 2),
        ("{a: 1, a: 2}", 1),
        ("base: &b {a: 1}\nm:\n  a: 0\n  <<: *b\n  a: 2\n", 5),
    ]

    @Test("duplicate keys are errors at the repeated key", arguments: duplicates)
    func duplicateKeys(text: String, line: Int) {
        #expect {
            try YAMLReader.value(text)
        } throws: { error in
            guard let error = error as? YAMLError else { return false }
            return error.line == line && error.reason.hasPrefix("duplicate mapping key")
        }
    }

    @Test("the same key in different mappings is fine")
    func sameKeyElsewhere() throws {
        #expect(try YAMLReader.value("a: {k: 1}\nb: {k: 2}\n") == ["a": ["k": 1], "b": ["k": 2]])
    }

    @Test(
        "keys must be strings, numbers or booleans",
        arguments: ["? [a]\n: 1\n", "? {a: 1}\n: 2\n", "{[a]: 1}\n", "~: 1\n", "null: 1\n", "list: &l [1]\n*l : 2\n"])
    func badKeys(text: String) {
        #expect(throws: YAMLError.self) { try YAMLReader.value(text) }
    }

    @Test("excessive aliasing (a billion laughs) is refused")
    func billionLaughs() {
        var text = "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n"
        let names = Array("abcdefghi")
        for (previous, name) in zip(names, names.dropFirst()) {
            text += "\(name): &\(name) [" + Array(repeating: "*\(previous)", count: 9).joined(separator: ",") + "]\n"
        }
        #expect {
            try YAMLReader.value(text)
        } throws: { error in
            (error as? YAMLError)?.reason == "document contains excessive aliasing"
        }
    }

    @Test("moderate aliasing is fine")
    func moderateAliasing() throws {
        var text = "base: &b {k: v}\nitems:\n"
        for _ in 0..<500 { text += "- *b\n" }
        #expect(try YAMLReader.value(text)["items"]?.arrayValue?.count == 500)
    }
}
