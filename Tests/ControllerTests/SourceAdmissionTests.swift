import MoorCore
import Testing

@testable import Controller

/// Which sources an application defined in the cluster may read.
@Suite("Source admission")
struct SourceAdmissionTests {
    static func application(_ repoURL: String) -> Application {
        Application(
            name: "tenant",
            spec: ApplicationSpec(source: ApplicationSource(repoURL: repoURL), destination: ApplicationDestination()))
    }

    @Test(
        "local paths: file URLs, absolute, relative and home paths; remotes: URLs with a scheme and scp-like Git",
        arguments: [
            ("file:///srv/repo", "/srv/repo"), ("FILE:///srv/repo", "/srv/repo"), ("file://host/srv/repo", "/srv/repo"),
            ("file:///srv/my%20repo", "/srv/my repo"), ("/srv/repo", "/srv/repo"), ("./repo", "./repo"),
            ("repo", "repo"), ("config/apps", "config/apps"), ("~/repo", "~/repo"),
            ("https://github.com/org/repo.git", nil), ("ssh://git@github.com/org/repo", nil),
            ("git@github.com:org/repo.git", nil), ("github.com:org/repo", nil), ("git://host/repo", nil),
        ] as [(String, String?)])
    func localPaths(repoURL: String, path: String?) {
        #expect(SourceAdmission.localPath(of: ApplicationSource(repoURL: repoURL)) == path)
    }

    @Test("a chart repository without a scheme is an OCI registry, not a directory")
    func chartRepositories() {
        var source = ApplicationSource(repoURL: "registry.example.com/charts", options: ["chart": "web"])
        #expect(SourceAdmission.localPath(of: source) == nil)
        source.repoURL = "/srv/charts"
        #expect(SourceAdmission.localPath(of: source) == "/srv/charts")
    }

    @Test("by default a local source is refused naming the field and the flag; remote ones are admitted")
    func lockedDown() throws {
        let refusal = try #require(SourceAdmission().refusal(of: Self.application("file:///etc")))
        #expect(refusal.hasPrefix("spec.source.repoURL file:///etc is a directory on the controller's disk"))
        #expect(refusal.contains("--allow-local-sources"))
        #expect(SourceAdmission().refusal(of: Self.application("https://github.com/org/repo")) == nil)
        var multi = Self.application("https://github.com/org/repo")
        multi.spec.sources = [
            ApplicationSource(repoURL: "https://github.com/org/repo"), ApplicationSource(repoURL: "/srv"),
        ]
        #expect(SourceAdmission().refusal(of: multi)?.hasPrefix("spec.sources[1].repoURL /srv") == true)
    }

    @Test("with local sources allowed, the caches stay refused, however the path is written")
    func cachesProtected() {
        let admission = SourceAdmission(allowsLocal: true, protectedDirectories: ["/var/cache/moor"])
        #expect(admission.refusal(of: Self.application("/srv/repo")) == nil)
        for url in [
            "file:///var/cache/moor/git/mirrors/x.git", "/var/cache/moor", "/var/cache/moor/../moor/git",
            "/var/cache/./moor/charts",
        ] {
            #expect(
                admission.refusal(of: Self.application(url))?.contains("is inside Moor's own cache") == true, "\(url)")
        }
        #expect(admission.refusal(of: Self.application("/var/cache/moorish")) == nil)
    }
}
