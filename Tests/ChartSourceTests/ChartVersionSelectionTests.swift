import ChartSource
import Testing

@Suite("ChartVersionSelection")
struct ChartVersionSelectionTests {
    static let published = [
        "1.0.0", "1.2.0", "1.2.5", "1.3.0-rc.1", "1.10.0", "2.0.0", "2.1.0-beta.2", "v3.0.0", "latest",
    ]

    @Test(
        "a target picks the published version Argo CD and Helm pick",
        arguments: [
            ("1.2.0", "1.2.0"),  // exact
            ("latest", "latest"),  // a tag that is no version, exactly
            ("1.2.*", "1.2.5"),  // wildcard
            ("1.2", "1.2.5"),  // a bare partial version is a wildcard
            ("~1.2.0", "1.2.5"),
            ("^1.2", "1.10.0"),  // highest below 2, by semver order, not text order
            (">=1.2 <2", "1.10.0"),
            ("*", "v3.0.0"),  // the highest release; pre-releases left out
            (">=1.3.0-0 <1.4", "1.3.0-rc.1"),  // a constraint naming a pre-release admits them
            ("2.1.0-beta.2", "2.1.0-beta.2"),
            ("3.0.0", "v3.0.0"),  // a leading v is the same version
        ])
    func picks(target: String, expected: String) {
        #expect(ChartVersionSelection.select(target, from: Self.published) == expected)
    }

    @Test(
        "nothing matches: no version, or a target that is neither a version nor a constraint",
        arguments: ["4.x", ">5", "1.2.3", "not a version <"])
    func none(target: String) {
        #expect(ChartVersionSelection.select(target, from: Self.published) == nil)
    }
}
