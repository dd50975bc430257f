import Testing

@testable import Render

/// Rendered templates are cut into documents as Helm cuts a release manifest.
@Suite("Helm manifest splitting")
struct HelmManifestsTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let rendered: String
        /// Each document's text and the line it starts on.
        let documents: [HelmManifests.Document]
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "one document", rendered: "a: 1\nb: 2\n", documents: [.init(text: "a: 1\nb: 2", line: 1)]),
        Case(
            name: "plain separators", rendered: "a: 1\n---\nb: 2\n---\nc: 3",
            documents: [.init(text: "a: 1", line: 1), .init(text: "b: 2", line: 3), .init(text: "c: 3", line: 5)]),
        Case(
            name: "a comment after the dashes starts the next document",
            rendered: "a: 1\n--- # the role\nkind: Role\n",
            documents: [.init(text: "a: 1", line: 1), .init(text: "# the role\nkind: Role", line: 2)]),
        Case(
            name: "template output right after the dashes", rendered: "---apiVersion: v1\nkind: ConfigMap\n",
            documents: [.init(text: "apiVersion: v1\nkind: ConfigMap", line: 1)]),
        Case(
            name: "dashes followed by spaces", rendered: "a: 1\n---   \nb: 2",
            documents: [.init(text: "a: 1", line: 1), .init(text: "b: 2", line: 3)]),
        Case(
            name: "an indented opening separator (Helm trims the whole output first)",
            rendered: "\n  --- \nkind: List\n", documents: [.init(text: "kind: List", line: 3)]),
        Case(
            name: "empty documents are dropped", rendered: "---\n\n---\n   \n---\na: 1\n---\n",
            documents: [.init(text: "a: 1", line: 6)]),
        Case(name: "only white space", rendered: "\n  \n\n", documents: []),
        Case(
            name: "comment-only documents stay documents", rendered: "# about\n---\n# nothing\n",
            documents: [.init(text: "# about", line: 1), .init(text: "# nothing", line: 3)]),
        Case(
            name: "indented dashes inside a document do not cut it",
            rendered: "data:\n  text: |\n    ---\n    x\n",
            documents: [.init(text: "data:\n  text: |\n    ---\n    x", line: 1)]),
        Case(
            name: "four dashes cut too, leaving the fourth", rendered: "a: 1\n----\nb: 2",
            documents: [.init(text: "a: 1", line: 1), .init(text: "-\nb: 2", line: 2)]),
        Case(
            name: "leading blank lines move the start", rendered: "---\n\n\nkind: A\n",
            documents: [.init(text: "kind: A", line: 4)]),
    ]

    @Test("documents and their lines", arguments: cases)
    func split(_ example: Case) {
        #expect(HelmManifests.documents(in: example.rendered) == example.documents)
    }
}
