import MoorCore
import Testing

@testable import Diff

@Suite("JSON pointers (RFC 6901)")
struct JSONPointerTests {
    @Test(
        "parse into unescaped tokens and print back",
        arguments: [
            ("/spec/replicas", ["spec", "replicas"]),
            ("/metadata/annotations/example.com~1note", ["metadata", "annotations", "example.com/note"]),
            ("/a~0b/~01", ["a~b", "~1"]),
            ("/", [""]),
            ("/spec/ports/0", ["spec", "ports", "0"]),
        ])
    func parses(text: String, tokens: [String]) throws {
        let pointer = try JSONPointer(text)
        #expect(pointer.tokens == tokens)
        #expect(pointer.description == text)
    }

    @Test(
        "refuse malformed pointers, saying how to write them",
        arguments: [
            ("spec/replicas", "must start with \"/\""),
            ("", "must start with \"/\""),
            ("/a~2", "has \"~2\""),
            ("/a~", "ends in \"~\""),
        ])
    func refuses(text: String, message: String) {
        #expect {
            try JSONPointer(text)
        } throws: { error in
            let error = error as? DiffError
            return error?.code == .invalidJSONPointer && error?.message.contains(message) == true
        }
    }

    private let document: JSONValue = [
        "spec": ["ports": [["port": 80], ["port": 443]], "replicas": 2],
        "metadata": ["annotations": ["example.com/note": "x"]],
    ]

    @Test(
        "resolve to a path in a document, or to nothing",
        arguments: [
            ("/spec/replicas", "spec.replicas"),
            ("/spec/ports/1/port", "spec.ports[1].port"),
            ("/metadata/annotations/example.com~1note", "metadata.annotations[\"example.com/note\"]"),
            ("/spec/ports/2", nil),
            ("/spec/ports/01", nil),
            ("/spec/ports/-", nil),
            ("/spec/ports/+1", nil),
            ("/spec/missing", nil),
            ("/spec/replicas/deeper", nil),
        ])
    func resolves(text: String, expected: String?) throws {
        let path = try JSONPointer(text).path(in: document)
        #expect(path.map { FieldPath($0).description } == expected)
    }
}
