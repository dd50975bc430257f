import GitSource
import MoorCore
import Testing

@Suite("Revision validation")
struct GitRevisionTests {
    @Test("revisions are classified")
    func classifies() throws {
        #expect(try GitRevision("") == .head)
        #expect(try GitRevision("HEAD") == .head)
        let sha = "0123456789ABCDEF0123456789abcdef01234567"
        #expect(try GitRevision(sha) == .commit(sha.lowercased()))
        #expect(try GitRevision("main") == .name("main", constraint: nil))
        #expect(try GitRevision("refs/pull/7/head") == .name("refs/pull/7/head", constraint: nil))
        #expect(try GitRevision("v1.2.3") == .name("v1.2.3", constraint: VersionConstraint("v1.2.3")))
        #expect(try GitRevision("^1.4") == .constraint(try #require(VersionConstraint("^1.4"))))
        #expect(try GitRevision(">=1.2.0 <2.0.0") == .constraint(try #require(VersionConstraint(">=1.2.0 <2.0.0"))))
    }

    @Test(
        "option-like and malformed revisions are refused before git runs",
        arguments: [
            "--upload-pack=evil", "-x", "main\n", "ma\u{7}in", "a b", "feature..x", "x.lock", "/main", "main/", "@",
            "a@{1}", "bad:colon", "what?", "back\\slash", "trailing.", "refs//heads", ".hidden",
        ])
    func refuses(text: String) {
        let error = #expect(throws: GitError.self) { try GitRevision(text) }
        #expect(error?.code == .invalidRevision)
    }
}
