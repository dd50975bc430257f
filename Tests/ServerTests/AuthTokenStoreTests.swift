import Foundation
import MoorCore
import Testing

@testable import Server

@Suite("API tokens: document, globs, roles, constant-time lookup")
struct AuthTokenStoreTests {
    static let document = """
        tokens:
          - name: ci
            token: ci-token-0123456789abcdef
            role: operator
            applications: ["team-a-*", "shared"]
          - name: reader
            tokenFile: /secrets/reader
            role: viewer
          - name: root
            token: root-token-0123456789abcdef
            role: admin
        """

    static func store(_ text: String, files: [String: String] = [:]) throws(TokenStoreError) -> TokenStore {
        try TokenStore(document: text, source: "tokens.yaml") { path in files[path].map { Array($0.utf8) } }
    }

    @Test("a document's entries become tokens; tokenFile is read and trimmed")
    func parsesDocument() throws {
        let store = try Self.store(Self.document, files: ["/secrets/reader": "reader-token-0123456789\n"])
        #expect(store.tokens.map(\.name) == ["ci", "reader", "root"])
        #expect(store.holder(of: Array("ci-token-0123456789abcdef".utf8))?.role == .operator)
        #expect(store.holder(of: Array("reader-token-0123456789".utf8))?.name == "reader")
        #expect(store.holder(of: Array("root-token-0123456789abcdef".utf8))?.role == .admin)
        #expect(store.holder(of: Array("ci-token-0123456789abcdeF".utf8)) == nil)
        #expect(store.holder(of: Array("".utf8)) == nil)
    }

    @Test("JSON is accepted too")
    func parsesJSON() throws {
        let store = try Self.store(#"{"tokens": [{"name": "x", "token": "0123456789abcdef", "role": "viewer"}]}"#)
        #expect(store.tokens.first?.applications == nil)
    }

    @Test(
        "bad documents are refused with a message naming the entry, never the token",
        arguments: [
            ("tokens: [{name: a, token: short-token, role: viewer}]", "shorter than 16"),
            ("tokens: [{name: a, token: 0123456789abcdef-secret, role: root}]", "viewer, operator or admin"),
            ("tokens: [{token: 0123456789abcdef-secret, role: viewer}]", "needs a \"name\""),
            ("tokens: [{name: a, role: viewer}]", "exactly one of"),
            ("tokens: [{name: a, token: 0123456789abcdef-secret, tokenFile: /x, role: viewer}]", "exactly one of"),
            ("tokens: [{name: a, token: 0123456789abcdef-secret, role: viewer, application: [x]}]", "unknown key"),
            (
                "tokens: [{name: a, token: 0123456789abcdef-secret, role: viewer, applications: x}]",
                "list of name globs"
            ),
            ("tokens: [{name: a, token: 0123456789abcdef-secret, role: viewer, applications: [\"{a\"]}]", "glob"),
            (
                "tokens: [{name: a, token: 0123456789abcdef-secret, role: viewer, projects: team-a}]",
                "list of name globs"
            ),
            ("tokens: [{name: a, token: 0123456789abcdef-secret, role: viewer, projects: [\"{a\"]}]", "glob"),
            ("tokens: [{name: a, tokenFile: /missing, role: viewer}]", "cannot read tokenFile /missing"),
            (
                "tokens: [{name: a, token: 0123456789abcdef-secret, role: viewer}, "
                    + "{name: b, token: 0123456789abcdef-secret, role: admin}]",
                "same token"
            ),
            ("users: []", "list under \"tokens\""),
            ("tokens: [unclosed", "not valid YAML"),
        ])
    func refusesBadDocuments(document: String, expected: String) {
        #expect {
            try Self.store(document)
        } throws: { error in
            let message = "\(error)"
            return message.contains(expected) && !message.contains("0123456789abcdef-secret")
        }
    }

    @Test(
        "application globs limit what a token sees; no globs sees everything",
        arguments: [
            ("team-a-web", true), ("team-a-", true), ("shared", true), ("team-b-web", false), ("sharedx", false),
            ("xteam-a-web", false),
        ])
    func globs(name: String, visible: Bool) throws {
        let store = try Self.store(Self.document, files: ["/secrets/reader": "reader-token-0123456789"])
        #expect(store.tokens[0].canSee(name) == visible)
        #expect(store.tokens[2].canSee(name))
    }

    @Test(
        "project globs limit what a token sees; with application globs too, both must match",
        arguments: [
            ("team-a-web", "team-a", true), ("team-a-web", "team-a-staging", true), ("team-a-web", "team-b", false),
            ("team-a-web", "default", false), ("team-a-db", "team-a", false), ("team-b-web", "team-b", false),
        ])
    func projectGlobs(name: String, project: String, visible: Bool) throws {
        let store = try Self.store(
            """
            tokens:
              - {name: p, token: p-token-0123456789abcdef, role: viewer, projects: ["team-a*"]}
              - {name: pa, token: pa-token-0123456789abcdef, role: viewer, projects: ["team-a*"], applications: ["*-web"]}
              - {name: all, token: all-token-0123456789abcdef, role: viewer}
            """)
        let application = Application(
            name: name,
            spec: ApplicationSpec(
                source: ApplicationSource(repoURL: "https://git.example/x.git"),
                destination: ApplicationDestination(namespace: "x"), project: project))
        #expect(store.tokens[0].projects == ["team-a*"])
        #expect(store.tokens[0].canSee(project: project) == project.hasPrefix("team-a"))
        #expect(store.tokens[1].canSee(application) == visible)
        #expect(store.tokens[2].canSee(application))
    }

    @Test("roles: viewer reads, operator also syncs, refreshes and rolls back, admin does everything")
    func roles() {
        #expect(AccessRole.viewer.permits(.read))
        #expect(!AccessRole.viewer.permits(.sync) && !AccessRole.viewer.permits(.refresh))
        #expect(!AccessRole.viewer.permits(.rollback))
        #expect(AccessAction.allCases.allSatisfy(AccessRole.operator.permits))
        #expect(AccessAction.allCases.allSatisfy(AccessRole.admin.permits))
        #expect(AccessRole.viewer < .operator && AccessRole.operator < .admin)
    }

    @Test("constant-time comparison is plain equality on its inputs")
    func constantTimeEqual() {
        #expect(TokenStore.constantTimeEqual([1, 2, 3], [1, 2, 3]))
        #expect(!TokenStore.constantTimeEqual([1, 2, 3], [1, 2, 4]))
        #expect(!TokenStore.constantTimeEqual([1, 2, 3], [1, 2]))
        #expect(TokenStore.constantTimeEqual([], []))
        let digest = APIToken.digest(of: Array("secret".utf8))
        #expect(digest.count == 32)
        #expect(TokenStore.constantTimeEqual(digest, APIToken.digest(of: Array("secret".utf8))))
    }

    @Test("a token entry never holds the token, only its digest")
    func noPlainToken() throws {
        let store = try Self.store(Self.document, files: ["/secrets/reader": "reader-token-0123456789"])
        for token in store.tokens {
            #expect(!"\(token)".contains("token-0123456789"))
        }
    }
}
