import MoorCore
import Testing

@testable import Server

@Suite("Webhook matching")
struct WebhookMatcherTests {
    @Test(
        "Revisions against pushed refs",
        arguments: [
            ("main", "refs/heads/main", nil, true),
            ("main", "refs/heads/develop", nil, false),
            ("main", "refs/tags/main", nil, true),
            ("refs/heads/main", "refs/heads/main", nil, true),
            ("HEAD", "refs/heads/main", nil, true),
            ("", "refs/heads/master", nil, true),
            ("HEAD", "refs/heads/trunk", "trunk", true),
            ("HEAD", "refs/heads/main", "trunk", false),
            ("HEAD", "refs/heads/develop", nil, false),
            ("HEAD", "refs/tags/v1.0.0", nil, false),
            ("v1.2.0", "refs/tags/v1.2.0", nil, true),
            ("v1.2.0", "refs/tags/v1.2.1", nil, false),
            ("^1.2", "refs/tags/v1.4.0", nil, true),
            ("^1.2", "refs/tags/v2.0.0", nil, false),
            ("^1.2", "refs/heads/main", nil, false),
            (">=1.0.0 <2.0.0", "refs/tags/1.9.3", nil, true),
            ("1.2.*", "refs/tags/1.2.7", nil, true),
            ("1.2.*", "refs/tags/not-a-version", nil, false),
            ("0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c", "refs/heads/main", nil, false),
            ("-bad", "refs/heads/-bad", nil, false),
        ] as [(String, String, String?, Bool)])
    func follows(targetRevision: String, ref: String, defaultBranch: String?, expected: Bool) {
        #expect(
            WebhookMatcher.follows(targetRevision, ref: ref, defaultBranch: defaultBranch) == expected)
    }

    @Test(
        "One repository under its different URLs",
        arguments: [
            "https://github.com/octo-org/moor-demo",
            "https://github.com/octo-org/moor-demo.git",
            "https://GitHub.com/Octo-Org/moor-demo/",
            "git@github.com:octo-org/moor-demo.git",
            "ssh://git@github.com/octo-org/moor-demo",
            "ssh://github.com:22/octo-org/moor-demo.git",
            "git://github.com/octo-org/moor-demo.git",
        ])
    func sameRepository(url: String) {
        let push = WebhookPush(
            repositoryURLs: [
                "https://github.com/octo-org/moor-demo.git", "git@github.com:octo-org/moor-demo.git",
                "git://github.com/octo-org/moor-demo.git",
            ],
            refs: ["refs/heads/main"], defaultBranch: "main")
        #expect(
            WebhookMatcher.applications(["app": Self.application(url, "main")], matching: push) == ["app"]
        )
    }

    @Test("Only the applications with a source of the pushed repository and ref are refreshed, ref sources included")
    func selection() {
        let push = WebhookPush(
            repositoryURLs: ["https://github.com/octo-org/moor-demo.git"], refs: ["refs/heads/main"],
            defaultBranch: "main")
        let applications = [
            "main": Self.application("https://github.com/octo-org/moor-demo", "main"),
            "head": Self.application("https://github.com/octo-org/moor-demo", "HEAD"),
            "develop": Self.application("https://github.com/octo-org/moor-demo", "develop"),
            "other-repo": Self.application("https://github.com/octo-org/other", "main"),
            "other-host": Self.application("https://gitlab.com/octo-org/moor-demo", "main"),
            "pinned": Self.application(
                "https://github.com/octo-org/moor-demo", String(repeating: "a", count: 40)),
            "local": Self.application("/srv/manifests", "main"),
            "values-ref": Self.multiSource(
                ApplicationSource(repoURL: "https://charts.example.com", options: ["chart": "web"]),
                ApplicationSource(
                    repoURL: "https://github.com/octo-org/moor-demo", targetRevision: "main",
                    options: ["ref": "values"])),
            "values-elsewhere": Self.multiSource(
                ApplicationSource(repoURL: "https://github.com/octo-org/other", targetRevision: "main"),
                ApplicationSource(
                    repoURL: "https://github.com/octo-org/moor-demo", targetRevision: "develop",
                    options: ["ref": "values"])),
        ]
        #expect(WebhookMatcher.applications(applications, matching: push) == ["head", "main", "values-ref"])
        let none = WebhookPush(
            repositoryURLs: ["not a url"], refs: ["refs/heads/main"], defaultBranch: nil)
        #expect(WebhookMatcher.applications(applications, matching: none).isEmpty)
    }

    static func multiSource(_ sources: ApplicationSource...) -> Application {
        Application(
            name: "app",
            spec: ApplicationSpec(
                source: sources[0], sources: sources, destination: ApplicationDestination(namespace: "default")))
    }

    static func application(_ repoURL: String, _ revision: String) -> Application {
        Application(
            name: "app",
            spec: ApplicationSpec(
                source: ApplicationSource(repoURL: repoURL, targetRevision: revision, path: "."),
                destination: ApplicationDestination(namespace: "default")))
    }
}
