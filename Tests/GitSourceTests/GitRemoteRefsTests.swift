import GitSource
import MoorCore
import Testing

/// Choosing among the tags a remote lists.
@Suite("Remote refs")
struct GitRemoteRefsTests {
    @Test("the highest matching tag wins, pre-releases only when named")
    func highestTag() throws {
        let tags = ["v1.0.0", "v1.2.0", "1.2.5", "v1.3.0-rc.1", "v2.0.0", "latest", "release-3"]
        let refs = GitRemoteRefs(
            lsRemoteOutput: tags.enumerated().map { index, tag in
                String(repeating: String(index), count: 40) + "\trefs/tags/\(tag)"
            }.joined(separator: "\n"))
        #expect(refs.highestTag(satisfying: try #require(VersionConstraint("^1.0"))) == "1.2.5")
        #expect(refs.highestTag(satisfying: try #require(VersionConstraint(">=1.3.0-0 <2.0.0"))) == "v1.3.0-rc.1")
        #expect(refs.highestTag(satisfying: try #require(VersionConstraint("*"))) == "v2.0.0")
        #expect(refs.highestTag(satisfying: try #require(VersionConstraint("^3"))) == nil)
    }
}
