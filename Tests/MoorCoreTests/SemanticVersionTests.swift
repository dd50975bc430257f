import MoorCore
import Testing

@Suite("Semantic versions and constraints")
struct SemanticVersionTests {
    @Test(
        "tags parse with or without v prefix and with shortened cores",
        arguments: [
            ("1.2.3", SemanticVersion(1, 2, 3)), ("v1.2.3", SemanticVersion(1, 2, 3)),
            ("V10.0.1", SemanticVersion(10, 0, 1)), ("1.2", SemanticVersion(1, 2, 0)), ("v2", SemanticVersion(2, 0, 0)),
            ("1.0.0-rc.1", SemanticVersion(1, 0, 0, prerelease: ["rc", "1"])),
            ("1.0.0-alpha-2+build.5", SemanticVersion(1, 0, 0, prerelease: ["alpha-2"], build: ["build", "5"])),
        ])
    func parses(text: String, expected: SemanticVersion) throws {
        let version = try #require(SemanticVersion(text))
        #expect(version == expected)
        #expect(version.build == expected.build)
    }

    @Test(
        "non-versions do not parse",
        arguments: [
            "", "v", "main", "1.2.3.4", "01.2.3", "1.02.3", "1.2.3-", "1.2.3-01",
            "1.x", "1.2-rc.1", "1..2", "1.2.3+", "1.2.3-rc..1", "v1.2.3 ",
        ])
    func rejects(text: String) {
        #expect(SemanticVersion(text) == nil)
    }

    @Test("precedence follows semver 2.0.0")
    func ordering() throws {
        let ordered = [
            "1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta", "1.0.0-beta.2",
            "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0", "1.0.1", "1.1.0", "2.0.0", "10.0.0",
        ]
        let versions = try ordered.map { try #require(SemanticVersion($0)) }
        for (lower, higher) in zip(versions, versions.dropFirst()) {
            #expect(lower < higher, "\(lower) < \(higher)")
            #expect(!(higher < lower))
        }
        #expect(SemanticVersion("1.0.0+a") == SemanticVersion("1.0.0+b"))
    }

    static let cases: [(constraint: String, matches: [String], misses: [String])] = [
        ("1.2.*", ["1.2.0", "1.2.9"], ["1.3.0", "1.1.9", "1.2.5-rc.1"]),
        ("1.2.x", ["1.2.3"], ["1.3.0"]),
        ("1.2", ["1.2.0", "1.2.7"], ["1.3.0"]),
        ("*", ["0.0.1", "9.9.9"], ["1.0.0-rc.1"]),
        ("1.2.3", ["1.2.3"], ["1.2.4"]),
        ("=v1.2.3", ["1.2.3"], ["1.2.4"]),
        (">=1.2.0 <2.0.0", ["1.2.0", "1.9.9"], ["1.1.9", "2.0.0", "2.0.0-rc.1", "1.5.0-rc.1"]),
        (">=1.2.0, <2.0.0", ["1.5.0"], ["2.0.0"]),
        (">= 1.2.0 < 2", ["1.5.0"], ["2.0.0"]),
        (">1.2", ["1.3.0"], ["1.2.9"]),
        (">1.2.3", ["1.2.4"], ["1.2.3"]),
        ("<=1.2", ["1.2.9"], ["1.3.0"]),
        ("<1.2", ["1.1.9"], ["1.2.0"]),
        ("!=1.2.3", ["1.2.4"], ["1.2.3"]),
        ("^1.4", ["1.4.0", "1.99.0"], ["1.3.9", "2.0.0"]),
        ("^1.4.2", ["1.4.2", "1.5.0"], ["1.4.1", "2.0.0"]),
        ("^0.4.1", ["0.4.1", "0.4.9"], ["0.5.0"]),
        ("^0.0.3", ["0.0.3"], ["0.0.4"]),
        ("^0", ["0.9.0"], ["1.0.0"]),
        ("~1.4.2", ["1.4.2", "1.4.9"], ["1.5.0", "1.4.1"]),
        ("~1.4", ["1.4.0", "1.4.9"], ["1.5.0"]),
        ("~1", ["1.9.0"], ["2.0.0"]),
        ("~>1.4.2", ["1.4.3"], ["1.5.0"]),
        ("1.2 - 1.4.5", ["1.2.0", "1.4.5"], ["1.4.6", "1.1.0"]),
        ("1.2 - 1.4", ["1.4.9"], ["1.5.0"]),
        ("^1.0 || ^3.0", ["1.2.0", "3.1.0"], ["2.0.0"]),
        (">=1.0.0-0", ["1.0.0-rc.1", "2.0.0"], ["0.9.0"]),
        ("^2.0.0-rc.1", ["2.0.0-rc.1", "2.0.0-rc.2", "2.1.0"], ["2.0.0-beta", "3.0.0-rc.1", "3.0.0"]),
    ]

    @Test("constraints match what they say", arguments: cases)
    func constraint(_ example: (constraint: String, matches: [String], misses: [String])) throws {
        let constraint = try #require(VersionConstraint(example.constraint))
        for text in example.matches {
            #expect(constraint.isSatisfied(by: try #require(SemanticVersion(text))), "\(text) matches")
        }
        for text in example.misses {
            #expect(!constraint.isSatisfied(by: try #require(SemanticVersion(text))), "\(text) misses")
        }
    }

    @Test(
        "nonsense is not a constraint",
        arguments: [
            "", "main", ">=", "^", "1.2 -", ">*", "!=1.2", "~*", "1.*.3",
            "^1.2 || ", ">=1.2.0 <two", "feature/x",
        ])
    func notAConstraint(text: String) {
        #expect(VersionConstraint(text) == nil)
    }
}
