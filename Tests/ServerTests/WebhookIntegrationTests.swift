import AsyncHTTPClient
import Controller
import Foundation
import GitSource
import KubeClient
import MoorCore
import MoorTestSupport
import NIOCore
import NIOHTTP1
import Notifications
import Server
import Sync
import Testing

/// The webhook tests' side of ``ServerHarness``: a GitHub webhook secret, the repository served by
/// `git daemon`, a poll of 10 minutes (only a webhook or a refresh makes the controller look at Git
/// again), and one ConfigMap `webhook-demo` under `app/`.
extension ServerHarness {
    static let webhookSecret = "webhook-secret-\(UUID().uuidString.prefix(8))"

    /// Runs `body` with the webhook set-up; the controller is started when `startController`.
    static func runWithWebhooks(
        startController: Bool = true, notifications: NotificationOptions = NotificationOptions(),
        _ body: (ServerHarness) async throws -> Void
    ) async throws {
        try await run(
            pollInterval: .seconds(600), startController: startController, gitDaemon: true,
            notifications: notifications
        ) {
            configuration, directory in
            let secrets = directory.appendingPathComponent("webhook-secrets.yaml")
            try Data("github: \"\(webhookSecret)\"\n".utf8).write(to: secrets)
            configuration.webhookSecretsFile = secrets.path
        } _: { harness in
            try await harness.repository.commit("one", files: ["app/cm.yaml": configMap("webhook-demo", "one")])
            try await body(harness)
        }
    }

    /// The `webhook-demo` ConfigMap's `data.key`, or `nil` while it does not exist.
    func webhookDemoValue() async throws -> String? {
        let ref = ObjectRef(apiVersion: "v1", kind: "ConfigMap", namespace: namespace, name: "webhook-demo")
        do {
            return try await client.get(ref)[path: "data", "key"]?.stringValue
        } catch  where error.code == .notFound {
            return nil
        }
    }

    /// A GitHub push of `main` naming this repository, with the signature `secret` gives.
    func githubPush(secret: String = Self.webhookSecret) -> (headers: [String: String], body: [UInt8]) {
        let payload: JSONValue = [
            "ref": "refs/heads/main", "after": "0000000000000000000000000000000000000000",
            "repository": [
                "full_name": "local/repo", "clone_url": .string(repositoryURL),
                "html_url": "https://git.example.com/local/repo", "default_branch": "main",
            ],
        ]
        let body = payload.jsonBytes()
        let signature = hexHMAC(body, secret: Array(secret.utf8))
        return (
            [
                "X-GitHub-Event": "push", "X-Hub-Signature-256": "sha256=\(signature)",
                "Content-Type": "application/json",
            ],
            body
        )
    }
}

@Suite("Webhooks against a running controller", .serialized)
struct WebhookIntegrationTests {
    @Test("A signed push applies the commit at once; a forged one is 401 and refreshes nothing")
    func pushAppliesCommit() async throws {
        try await ServerHarness.runWithWebhooks { harness in
            try await harness.controller.manage([harness.application("webhook-demo", automated: AutomatedSync())])
            try await harness.eventually("the first commit is applied") {
                try await harness.webhookDemoValue() == "one"
            }
            try await harness.eventually("the application is Synced") {
                await harness.controller.status(of: "webhook-demo")?.sync.status == .synced
            }
            try await harness.repository.commit(
                "two", files: ["app/cm.yaml": ServerHarness.configMap("webhook-demo", "two")])

            let reconcilesBefore = await harness.controller.statistics().reconciles
            let statusBefore = await harness.controller.status(of: "webhook-demo")
            let forged = harness.githubPush(secret: "not-the-secret")
            let refused = try await harness.request(.POST, "/api/webhook", headers: forged.headers, bytes: forged.body)
            #expect(refused.status == 401)
            #expect(refused.text.contains("\"Unauthorized\""))
            #expect(!refused.text.contains(ServerHarness.webhookSecret))
            // Nothing may follow a refused webhook: give a refresh time to show, then check none ran.
            try await Task.sleep(for: .seconds(2))
            #expect(await harness.controller.statistics().reconciles == reconcilesBefore)
            #expect(await harness.controller.status(of: "webhook-demo") == statusBefore)
            #expect(try await harness.webhookDemoValue() == "one")

            let push = harness.githubPush()
            let accepted = try await harness.request(.POST, "/api/webhook", headers: push.headers, bytes: push.body)
            #expect(accepted.status == 200)
            #expect(accepted.text == #"{"refreshed":["webhook-demo"]}"#)
            try await harness.eventually("the pushed commit is applied") {
                try await harness.webhookDemoValue() == "two"
            }
        }
    }

    @Test(
        "A signed pull-request webhook previews its head ref: the API shows exactly the changed object to whoever may read the application, the cluster is unchanged, and closing the pull request forgets it"
    )
    func pullRequestPreview() async throws {
        let receiver = try await HTTPReceiver.start()
        let settings = NotificationSettings(
            providers: [NotificationProvider(name: "hook", type: .generic, address: receiver.url)],
            alerts: [
                NotificationAlert(
                    name: "previews", providerName: "hook", eventSources: [.init()],
                    events: [.previewed, .previewFailed])
            ], secrets: [:])
        do {
            try await Self.checkPullRequestPreview(NotificationOptions(source: .settings(settings)), receiver: receiver)
        } catch {
            await receiver.stop()
            throw error
        }
        await receiver.stop()
    }

    /// The body of ``pullRequestPreview()``, its notifications going to `receiver`.
    static func checkPullRequestPreview(_ notifications: NotificationOptions, receiver: HTTPReceiver) async throws {
        try await ServerHarness.runWithWebhooks(notifications: notifications) { harness in
            try await harness.controller.manage([harness.application("webhook-preview", automated: AutomatedSync())])
            try await harness.eventually("the first commit is applied") {
                try await harness.webhookDemoValue() == "one"
            }
            let repository = harness.repository
            try await repository.checkout("feature", creating: true)
            let head = try await repository.commit(
                "two", files: ["app/cm.yaml": ServerHarness.configMap("webhook-demo", "two")])
            try await repository.updateRef("refs/pull/4/head", to: head)
            try await repository.checkout("main")
            try await repository.git(["branch", "-D", "feature"])
            let secret = Array(ServerHarness.webhookSecret.utf8)
            func pullRequest(_ action: String) -> (headers: [String: String], body: [UInt8]) {
                let payload: JSONValue = [
                    "action": .string(action), "number": 4,
                    "pull_request": ["head": ["ref": "feature"], "base": ["ref": "main"]],
                    "repository": [
                        "clone_url": .string(harness.repositoryURL), "html_url": "https://git.example.com/local/repo",
                    ],
                ]
                let body = payload.jsonBytes()
                return (
                    [
                        "X-GitHub-Event": "pull_request", "Content-Type": "application/json",
                        "X-Hub-Signature-256": "sha256=" + hexHMAC(body, secret: secret),
                    ], body
                )
            }
            let encoded = try #require(
                harness.repositoryURL.addingPercentEncoding(withAllowedCharacters: .alphanumerics))
            let path = "/api/v1/previews/\(encoded)/4"
            #expect(try await harness.request(.GET, path, as: .viewer).status == 404)

            let opened = pullRequest("opened")
            let stored = try await harness.request(.POST, "/api/webhook", headers: opened.headers, bytes: opened.body)
            #expect(stored.status == 202)
            try await harness.eventually("the pull request's preview is kept") {
                try await harness.request(.GET, path, as: .viewer).status == 200
            }
            let preview = try await harness.request(.GET, path, as: .viewer).json
            #expect(preview["commit"]?["sha"]?.stringValue == head)
            #expect(preview["number"]?.intValue == 4)
            #expect(preview["revision"]?.stringValue == "refs/pull/4/head")
            #expect(preview["differs"] == true)
            let application = preview["applications"]?[0]
            #expect(application?["name"]?.stringValue == "webhook-preview")
            #expect(application?["changedPaths"] == ["app/cm.yaml"])
            #expect(application?["sync"]?.stringValue == "OutOfSync")
            let objects = application?["objects"]?.arrayValue ?? []
            #expect(objects.map { $0["name"]?.stringValue } == ["webhook-demo"], "\(objects)")
            #expect(objects.first?["status"]?.stringValue == "OutOfSync")
            let diff = objects.first?["diff"]?.stringValue ?? ""
            #expect(diff.contains("two") && diff.contains("one"), "\(diff)")
            #expect(try await harness.webhookDemoValue() == "one")
            let notified = try JSONValue(parsing: try #require(try await receiver.requests(atLeast: 1).first).body)
            #expect(notified["reason"] == "Previewed")
            #expect(notified[path: "involvedObject", "name"] == "webhook-preview")
            #expect(notified[path: "metadata", "pullRequest"] == "4")
            #expect(notified[path: "metadata", "revision"] == .string(head))
            #expect(notified["message"]?.stringValue?.hasPrefix("1 object would change (OutOfSync): ConfigMap") == true)

            let list = try await harness.request(.GET, "/api/v1/previews", as: .viewer).json
            #expect(list["items"]?.arrayValue?.count == 1)
            #expect(list["items"]?[0]?["applications"] == [["name": "webhook-preview", "sync": "OutOfSync"]])
            let limited = try await harness.request(.GET, path, as: .limited).json
            #expect(limited["applications"] == [])
            #expect(try await harness.request(.GET, path).status == 401)

            let request = #"{"repository": "\#(harness.repositoryURL)", "revision": "refs/pull/4/head"}"#
            #expect(try await harness.request(.POST, "/api/v1/previews", as: .viewer, body: request).status == 403)
            let asked = try await harness.request(.POST, "/api/v1/previews", as: .operator, body: request)
            #expect(asked.status == 200)
            #expect(asked.json["applications"]?[0]?["objects"]?.arrayValue?.count == 1)
            #expect(asked.json["number"] == .null)
            #expect(try await harness.webhookDemoValue() == "one")

            let closed = pullRequest("closed")
            #expect(
                try await harness.request(.POST, "/api/webhook", headers: closed.headers, bytes: closed.body).status
                    == 202)
            try await harness.eventually("the closed pull request's preview is forgotten") {
                try await harness.request(.GET, path, as: .viewer).status == 404
            }
            #expect(receiver.requests().count == 1, "a preview kept as no pull request's is not notified")
        }
    }

    @Test("Pings, pull requests, bad JSON and unknown senders")
    func otherRequests() async throws {
        try await ServerHarness.runWithWebhooks { harness in
            let secret = Array(ServerHarness.webhookSecret.utf8)
            func signed(_ event: String, _ body: String) -> [String: String] {
                ["X-GitHub-Event": event, "X-Hub-Signature-256": "sha256=" + hexHMAC(Array(body.utf8), secret: secret)]
            }
            let ping = #"{"zen": "Design for failure.", "hook_id": 1}"#
            #expect(
                try await harness.request(.POST, "/api/webhook", headers: signed("ping", ping), bytes: Array(ping.utf8))
                    .status == 200)
            let pull = #"{"action": "opened", "number": 3, "repository": {}}"#
            let stored = try await harness.request(
                .POST, "/api/webhook", headers: signed("pull_request", pull), bytes: Array(pull.utf8))
            #expect(stored.status == 202)
            let bad = "{\"ref\": "
            #expect(
                try await harness.request(.POST, "/api/webhook", headers: signed("push", bad), bytes: Array(bad.utf8))
                    .status == 400)
            #expect(try await harness.request(.POST, "/api/webhook", bytes: Array("{}".utf8)).status == 400)
            let large = [UInt8](repeating: 0x20, count: 6 << 20)
            #expect(
                try await harness.request(.POST, "/api/webhook", headers: ["X-GitHub-Event": "push"], bytes: large)
                    .status == 413)
        }
    }
}

/// The hex HMAC-SHA256 GitHub would send, computed with `openssl` so the test does not trust the code it tests.
func hexHMAC(_ body: [UInt8], secret: [UInt8]) -> String {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("moor-hmac-\(UUID())")
    try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let input = directory.appendingPathComponent("body")
    let output = directory.appendingPathComponent("mac")
    try? Data(body).write(to: input)
    _ = FileManager.default.createFile(atPath: output.path, contents: nil)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [
        "openssl", "dgst", "-sha256", "-hmac", String(decoding: secret, as: UTF8.self), "-r", input.path,
    ]
    process.standardOutput = try? FileHandle(forWritingTo: output)
    try? process.run()
    process.waitUntilExit()
    let text = (try? String(contentsOf: output, encoding: .utf8)) ?? ""
    return String(text.prefix { $0 != " " })
}
