import MoorCore
import MoorYAML
import Testing

@Suite("YAML streams and documents")
struct YAMLReaderTests {
    @Test("reads every document of a stream with the line where its content starts")
    func multipleDocuments() throws {
        let text = """
            # leading comment
            apiVersion: v1
            kind: ConfigMap
            ---
            # the second document starts after this comment

            apiVersion: v1
            kind: Secret
            --- # marker with a comment
            - a list document
            ...
            ---
            plain scalar document
            """
        let docs = try YAMLReader.documents(text)
        #expect(docs.map(\.line) == [2, 7, 10, 13])
        #expect(docs[0].value == ["apiVersion": "v1", "kind": "ConfigMap"])
        #expect(docs[1].value["kind"] == "Secret")
        #expect(docs[2].value == ["a list document"])
        #expect(docs[3].value == "plain scalar document")
    }

    @Test(
        "skips empty, comment-only and null documents",
        arguments: [
            ("", 0), ("\n\n", 0), ("# only a comment\n", 0), ("---\n", 0), ("---\n---\n...\n", 0), ("~\n", 0),
            ("--- null\n---\na: 1\n", 1), ("a: 1\n---\n# nothing\n---\nb: 2\n---\n", 2),
            ("---\n\n---\n  # indented comment\n---\nkind: x\n", 1),
        ])
    func emptyDocuments(text: String, count: Int) throws {
        #expect(try YAMLReader.documents(text).count == count)
    }

    @Test("keeps mapping key order")
    func keyOrder() throws {
        let value = try YAMLReader.value("zeta: 1\nalpha: 2\nmid:\n  x: 1\n  b: 2\n")
        #expect(value.objectValue?.keys == ["zeta", "alpha", "mid"])
        #expect(value["mid"]?.objectValue?.keys == ["x", "b"])
    }

    @Test("ignores comments everywhere")
    func comments() throws {
        let text = """
            # top
            a: 1 # after a value
            # between keys
            b: # after a key
              - x # in a list
              # alone in a list
              - z
            c: "quoted # not a comment"
            d: plain#not-a-comment
            """
        #expect(
            try YAMLReader.value(text) == [
                "a": 1, "b": ["x", "z"], "c": "quoted # not a comment", "d": "plain#not-a-comment",
            ])
    }

    @Test("reads Windows line endings, a byte order mark and a %YAML directive")
    func inputVariants() throws {
        #expect(try YAMLReader.value("a: 1\r\nb:\r\n  - x\r\n") == ["a": 1, "b": ["x"]])
        #expect(try YAMLReader.value("\u{FEFF}a: 1\n") == ["a": 1])
        #expect(try YAMLReader.value("%YAML 1.1\n---\na: 1\n") == ["a": 1])
    }

    @Test("value(_:) wants at most one document")
    func singleValue() throws {
        #expect(try YAMLReader.value("") == nil)
        #expect(try YAMLReader.value("5") == 5)
        #expect {
            try YAMLReader.value("a: 1\n---\nb: 2\n")
        } throws: { error in
            (error as? YAMLError)?.line == 3
        }
    }

    static let syntaxErrors: [(text: String, line: Int, reason: String)] = [
        ("a: 1\nb\nc: 2\n", 2, "could not find expected ':'"),
        ("a:\n  b: 1\n c: 2\n", 3, "did not find expected key"),
        ("a: \"unterminated\nb: 2\n", 1, "found unexpected end of stream"),
        ("a: [1, 2\nb: 3\n", 2, "did not find expected ',' or ']'"),
        ("\tkey: value\n", 1, "found character that cannot start any token"),
        ("a: 1\n  b: 2\n", 2, "mapping values are not allowed in this context"),
        ("- a\nb: 1\n", 2, "did not find expected '-' indicator"),
        ("a: 1\n\n\nb: @x\n", 4, "found character that cannot start any token"),
        ("a: 1\nb: 2\nc: \u{1}\n", 3, "control characters are not allowed"),
        ("ok: 1\n---\nkind: [\n", 4, "did not find expected node content"),
        ("a: 1\nb: {c: 1\n", 3, "did not find expected ',' or '}'"),
        ("key: |\n  text\n bad: 1\n", 3, "did not find expected key"),
    ]

    @Test("a syntax error names the line to fix", arguments: syntaxErrors)
    func syntaxError(text: String, line: Int, reason: String) {
        #expect {
            try YAMLReader.documents(text)
        } throws: { error in
            guard let error = error as? YAMLError else { return false }
            return error.line == line && error.reason.contains(reason)
        }
    }

    @Test("an error describes itself with its line")
    func errorDescription() {
        #expect(YAMLError(line: 3, reason: "bad").description == "line 3: bad")
        #expect(YAMLError(line: 0, reason: "bad").description == "bad")
    }

    @Test("rejects nesting deeper than the limit")
    func depthLimit() throws {
        let depth = JSONValue.maxDepth
        let ok = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        #expect(try YAMLReader.value(ok) != nil)
        #expect {
            try YAMLReader.value(String(repeating: "[", count: depth + 1) + String(repeating: "]", count: depth + 1))
        } throws: { error in
            (error as? YAMLError)?.reason == "nesting deeper than \(depth) levels"
        }
    }
}
