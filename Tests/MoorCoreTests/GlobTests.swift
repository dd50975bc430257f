import Testing

@testable import MoorCore

@Suite("Glob patterns (Argo CD include/exclude semantics)")
struct GlobTests {
    @Test(
        "matches",
        arguments: [
            ("*.yaml", "a.yaml", true),
            ("*.yaml", "sub/a.yaml", true),  // no separators: '*' crosses '/', as in Argo CD
            ("*.yaml", "a.yml", false),
            ("**/*.yaml", "x/y/a.yaml", true),
            ("env/*", "env/prod/a.yaml", true),
            ("{config.json,env-usw2/*}", "config.json", true),
            ("{config.json,env-usw2/*}", "env-usw2/a.yaml", true),
            ("{config.json,env-usw2/*}", "env-use1/a.yaml", false),
            ("{a,{b,c}}.yaml", "c.yaml", true),
            ("?.yaml", "ab.yaml", false),
            ("?.yaml", "a.yaml", true),
            ("[a-c]x", "bx", true),
            ("[!a-c]x", "bx", false),
            ("[!a-c]x", "dx", true),
            ("[]]", "]", true),
            ("a\\*b", "a*b", true),
            ("a\\*b", "axb", false),
            ("a,b", "a,b", true),
            ("", "", true),
            ("*", "", true),
        ] as [(String, String, Bool)])
    func matches(pattern: String, text: String, expected: Bool) throws {
        #expect(try Glob(pattern).matches(text) == expected)
    }

    @Test(
        "with '/' as separator (gobwas/glob, as Argo CD matches sourceRepos)",
        arguments: [
            ("https://github.com/org/*", "https://github.com/org/repo", true),
            ("https://github.com/org/*", "https://github.com/org/team/repo", false),
            ("https://github.com/org/**", "https://github.com/org/team/repo", true),
            ("https://github.com/**/repo", "https://github.com/a/b/repo", true),
            ("a/?", "a/b", true),
            ("a?b", "a/b", false),
            ("*", "a/b", false),
            ("**", "a/b", true),
            ("a/*/c", "a/b/c", true),
            ("a/*", "a/", true),
        ] as [(String, String, Bool)])
    func separated(pattern: String, text: String, expected: Bool) throws {
        #expect(try Glob(pattern, separators: ["/"]).matches(text) == expected)
    }

    @Test(
        "malformed patterns say what is wrong",
        arguments: [
            ("{a,b", "unclosed '{'"), ("[ab", "unclosed '['"), ("a\\", "ends with '\\'"),
            ("[z-a]", "range 'z-a' is reversed"),
        ])
    func malformed(pattern: String, reason: String) {
        let error = #expect(throws: Glob.GlobSyntaxError.self) { try Glob(pattern) }
        #expect(error?.reason == reason)
    }
}
