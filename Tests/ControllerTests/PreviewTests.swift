import Controller
import Foundation
import KubeClient
import MoorCore
import MoorTestSupport
import Notifications
import Testing

/// Pull-request previews against the real plane: what a pull request's head would change, for the
/// applications whose paths it touches, with nothing written.
@Suite("Pull-request previews")
struct PreviewTests {
    typealias Harness = ControllerHarness

    @Test(
        "a preview of a pull-request ref shows exactly the objects it changes for the applications it touches, lists the others, and writes nothing"
    )
    func previewOfPullRequest() async throws {
        try await Harness.run { harness in
            let repository = harness.repository
            try await repository.commit(
                "three applications",
                files: [
                    "app/a.yaml": Harness.configMap("a", "1"), "app/b.yaml": Harness.configMap("b", "1"),
                    "other/c.yaml": Harness.configMap("c", "1"), "extra/e.yaml": Harness.configMap("e", "1"),
                    "docs/README.md": "docs\n",
                ])
            let web = "web-\(harness.namespace)"
            let other = "other-\(harness.namespace)"
            let documented = "documented-\(harness.namespace)"
            let automated = AutomatedSync(prune: true, selfHeal: true)
            var webApplication = harness.application(web, automated: automated)
            webApplication.spec.source.path = "app"
            var otherApplication = harness.application(other, automated: automated)
            otherApplication.spec.source.path = "other"
            // Argo CD's annotation: this one also watches docs/, from the repository's root.
            var documentedApplication = harness.application(documented, automated: automated)
            documentedApplication.spec.source.path = "extra"
            documentedApplication.manifestGeneratePaths = ".;/docs"
            try await harness.controller.manage([webApplication, otherApplication, documentedApplication])
            try await harness.eventually("the three applications are synced") {
                for name in [web, other, documented] {
                    guard await harness.controller.status(of: name)?.sync.status == .synced else { return false }
                }
                return try await harness.value(of: "e") == "1"
            }

            try await repository.checkout("change", creating: true)
            let head = try await repository.commit(
                "change a, add d and a secret",
                files: [
                    "app/a.yaml": Harness.configMap("a", "2"), "app/d.yaml": Harness.configMap("d", "1"),
                    "app/s.yaml": """
                    apiVersion: v1
                    kind: Secret
                    metadata: {name: s}
                    stringData: {password: hunter2}
                    """,
                ])
            try await repository.updateRef("refs/pull/1/head", to: head)
            try await repository.checkout("main")
            try await repository.git(["branch", "-D", "change"])
            let writes = harness.controllerWrites()

            let preview = await harness.controller.preview(
                .init(repository: repository.fileURL, revision: "refs/pull/1/head"))
            #expect(preview.commit?.sha == head)
            #expect(preview.commit?.subject == "change a, add d and a secret")
            #expect(preview.applications.map(\.name) == [web])
            #expect(preview.untouched == [documented, other].sorted())
            #expect(preview.differs)
            #expect(!preview.failed)
            let touched = try #require(preview.applications.first)
            #expect(touched.changedPaths == ["app/a.yaml", "app/d.yaml", "app/s.yaml"])
            guard case .compared(let sync, let objects) = touched.outcome else {
                Issue.record("the preview failed: \(touched.outcome)")
                return
            }
            #expect(sync == .outOfSync)
            #expect(
                objects.map { "\($0.ref.kind)/\($0.ref.name) \($0.state.rawValue)" }.sorted() == [
                    "ConfigMap/a OutOfSync", "ConfigMap/d Missing", "Secret/s Missing",
                ])
            let changed = try #require(objects.first { $0.ref.name == "a" })
            #expect(changed.diff.contains("-  key: \"1\"") || changed.diff.contains("-  key: '1'"), "\(changed.diff)")
            #expect(changed.diff.contains("+  key:"), "\(changed.diff)")
            let secret = try #require(objects.first { $0.ref.name == "s" })
            #expect(!secret.diff.contains("hunter2") && !secret.diff.contains("aHVudGVyMg"), "\(secret.diff)")
            #expect(preview.json["applications"]?[0]?["objects"]?.arrayValue?.count == 3)

            // Nothing was applied: the cluster is as main left it, and the controller wrote nothing.
            #expect(try await harness.value(of: "a") == "1")
            #expect(try await harness.value(of: "d") == nil)
            #expect(harness.controllerWrites() == writes)
            #expect(await harness.controller.status(of: web)?.sync.revision != head)

            // A change only to docs/: the annotation's application is touched and in sync; the others are not.
            try await repository.checkout("docs", creating: true)
            let docs = try await repository.commit("docs", files: ["docs/README.md": "more docs\n"])
            try await repository.updateRef("refs/pull/2/head", to: docs)
            try await repository.checkout("main")
            try await repository.git(["branch", "-D", "docs"])
            let docsPreview = await harness.controller.preview(
                .init(repository: repository.fileURL, revision: "refs/pull/2/head"))
            #expect(docsPreview.applications.map(\.name) == [documented])
            #expect(docsPreview.applications.first?.changedPaths == ["docs/README.md"])
            #expect(docsPreview.applications.first?.outcome == .compared(sync: .synced, objects: []))
            #expect(docsPreview.untouched == [other, web].sorted())
            #expect(!docsPreview.differs)
        }
    }

    @Test("a change no application watches touches none; a broken manifest fails only its application, naming the file")
    func untouchedAndBroken() async throws {
        try await Harness.run { harness in
            let repository = harness.repository
            try await repository.commit("one application", files: ["app/a.yaml": Harness.configMap("a", "1")])
            let name = "web-\(harness.namespace)"
            try await harness.controller.manage([harness.application(name, automated: AutomatedSync())])
            try await harness.eventually("the application is synced") { try await harness.value(of: "a") == "1" }

            try await repository.checkout("elsewhere", creating: true)
            let elsewhere = try await repository.commit("unrelated", files: ["tools/build.sh": "echo\n"])
            let broken = try await repository.commit("broken", files: ["app/broken.yaml": "kind: [unclosed\n"])
            try await repository.updateRef("refs/pull/5/head", to: elsewhere)
            try await repository.updateRef("refs/pull/6/head", to: broken)
            try await repository.checkout("main")
            try await repository.git(["branch", "-D", "elsewhere"])

            let unrelated = await harness.controller.preview(
                .init(repository: repository.fileURL, revision: "refs/pull/5/head"))
            #expect(unrelated.commit?.sha == elsewhere)
            #expect(unrelated.applications.isEmpty)
            #expect(unrelated.untouched == [name])
            #expect(!unrelated.differs)

            let failing = await harness.controller.preview(
                .init(repository: repository.fileURL, revision: "refs/pull/6/head"))
            let application = try #require(failing.applications.first)
            #expect(application.changedPaths == ["app/broken.yaml"])
            guard case .failed(let message) = application.outcome else {
                Issue.record("a broken manifest was compared: \(application.outcome)")
                return
            }
            #expect(message.contains("broken.yaml"), "\(message)")
            #expect(failing.failed && failing.differs)
            #expect(try await harness.value(of: "a") == "1")

            let otherRepository = await harness.controller.preview(
                .init(repository: "https://git.example/nobody/else.git", revision: "refs/pull/1/head"))
            #expect(otherRepository.applications.isEmpty && otherRepository.untouched.isEmpty)
            #expect(otherRepository.commit == nil)
        }
    }

    @Test(
        "a pull request's preview reaches a fake GitHub API as a success status with the preview's context and a comment with the diff"
    )
    func previewNotified() async throws {
        let github = try await HTTPReceiver.start()
        let settings = NotificationSettings(
            providers: [NotificationProvider(name: "github", type: .github, address: github.url, secretName: "token")],
            alerts: [
                NotificationAlert(
                    name: "previews", providerName: "github", eventSources: [.init()],
                    events: [.previewed, .previewFailed])
            ],
            secrets: ["token": ["token": "ghp_preview"]])
        do {
            try await Harness.run(
                notifications: NotificationOptions(
                    source: .settings(settings), externalURL: "https://moor.example.com")
            ) { harness in
                try await Self.checkPreviewNotified(harness, github: github)
            }
        } catch {
            await github.stop()
            throw error
        }
        await github.stop()
    }

    /// The body of ``previewNotified()``.
    static func checkPreviewNotified(_ harness: Harness, github: HTTPReceiver) async throws {
        let repository = harness.repository
        try await repository.commit("first", files: ["app/a.yaml": Harness.configMap("a", "1")])
        let name = "notified-\(harness.namespace)"
        try await harness.controller.manage([harness.application(name, automated: AutomatedSync())])
        try await harness.eventually("the commit is applied") { try await harness.value(of: "a") == "1" }
        try await repository.checkout("change", creating: true)
        let head = try await repository.commit("a is 2", files: ["app/a.yaml": Harness.configMap("a", "2")])
        try await repository.updateRef("refs/pull/3/head", to: head)
        try await repository.checkout("main")
        try await repository.git(["branch", "-D", "change"])

        let preview = await harness.controller.preview(
            .init(repository: repository.fileURL, revision: "refs/pull/3/head"))
        await harness.controller.notifyPreview(preview, pullRequest: 3)
        var requests: [HTTPReceiver.Request] = []
        try await harness.eventually("the preview's status and comment arrive") {
            requests = github.requests()
            return requests.contains { $0.path.hasSuffix("/statuses/\(head)") }
                && requests.contains { $0.path.hasSuffix("/issues/3/comments") }
        }
        let status = try #require(requests.first { $0.path.hasSuffix("/statuses/\(head)") })
        #expect(status.headers["authorization"] == "Bearer ghp_preview")
        let state = try JSONValue(parsing: status.body)
        #expect(state["state"] == "success")
        #expect(state["context"] == .string("\(name) (preview)"))
        #expect(state["description"] == .string("1 object would change (OutOfSync): ConfigMap \(harness.namespace)/a"))
        let encoded = try #require(
            repository.fileURL.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(["-", ".", "_", "~"])))
        #expect(state["target_url"] == .string("https://moor.example.com/#/previews/\(encoded)/3"))
        let comment = try #require(requests.first { $0.path.hasSuffix("/repo/issues/3/comments") })
        let body = try #require(try JSONValue(parsing: comment.body)["body"]?.stringValue)
        #expect(body.contains("### Moor preview: \(name) at `\(head.prefix(12))`"), "\(body)")
        #expect(body.contains("```diff\n  OutOfSync: ConfigMap \(harness.namespace)/a\n"), "\(body)")
        #expect(body.contains("-  key: \"1\"\n+  key: \"2\"\n```\n</details>"), "\(body)")
        #expect(try await harness.value(of: "a") == "1", "a preview applies nothing")
    }
}
