import Logging
import MoorCore
import Testing

@testable import Server

/// The applications refreshed by a receiver under test.
private actor Refreshed {
    var names: [String] = []

    func add(_ name: String) {
        names.append(name)
    }
}

@Suite("Webhook receiver")
struct WebhookReceiverTests {
    static let secret = "It's a Secret to Everybody"
    static let applications: [String: Application] = [
        "demo": WebhookMatcherTests.application("https://github.com/octo-org/moor-demo", "main"),
        "demo-gitlab": WebhookMatcherTests.application("git@example.com:mike/diaspora.git", "HEAD"),
        "other": WebhookMatcherTests.application("https://github.com/octo-org/other", "main"),
    ]

    /// A receiver over ``applications`` with `secrets`, and what it refreshed.
    private func receiver(_ secrets: String = "github: \"\(secret)\"\ngitlab: token-1\n", allowUnsigned: Bool = false)
        throws -> (WebhookReceiver, Refreshed, WebhookPullRequests)
    {
        let refreshed = Refreshed()
        let pullRequests = WebhookPullRequests()
        let receiver = WebhookReceiver(
            secrets: try WebhookSecrets.parse(secrets, source: "test").allowingUnsigned(allowUnsigned),
            pullRequests: pullRequests,
            applications: { Self.applications }, refresh: { await refreshed.add($0) },
            logger: Logger(label: "test"))
        return (receiver, refreshed, pullRequests)
    }

    private func signed(_ body: String, event: String = "push") -> [String: String] {
        let signature = WebhookSignature.hexHMAC(Array(body.utf8), secret: Array(Self.secret.utf8))
        return [
            "X-GitHub-Event": event, "X-Hub-Signature-256": "sha256=\(signature)",
            "Content-Type": "application/json",
        ]
    }

    @Test("A signed GitHub push refreshes the matching applications")
    func signedPush() async throws {
        let (receiver, refreshed, _) = try receiver()
        let body = WebhookFixtures.githubPush
        let answer = await receiver.receive(headers: signed(body), body: Array(body.utf8))
        #expect(answer == .init(status: 200, body: ["refreshed": ["demo"]]))
        #expect(await refreshed.names == ["demo"])
    }

    @Test("A forged, missing or stale signature is 401 and refreshes nothing")
    func forged() async throws {
        let (receiver, refreshed, _) = try receiver()
        let body = WebhookFixtures.githubPush
        var forged = signed(body)
        forged["X-Hub-Signature-256"] = "sha256=" + String(repeating: "0", count: 64)
        var missing = signed(body)
        missing["X-Hub-Signature-256"] = nil
        let stale = signed(body + " ")
        for headers in [forged, missing, stale] {
            let answer = await receiver.receive(headers: headers, body: Array(body.utf8))
            #expect(answer.status == 401)
            #expect(answer.body[path: "error", "reason"] == "Unauthorized")
            #expect(answer.body.jsonString().contains(Self.secret) == false)
        }
        #expect(await refreshed.names.isEmpty)
    }

    @Test("GitLab: the right token refreshes, a wrong one is 401")
    func gitlab() async throws {
        let (receiver, refreshed, _) = try receiver()
        let body = Array(WebhookFixtures.gitlabPush.utf8)
        let wrong = await receiver.receive(
            headers: ["X-Gitlab-Event": "Push Hook", "X-Gitlab-Token": "token-2"], body: body)
        #expect(wrong.status == 401)
        #expect(await refreshed.names.isEmpty)
        let right = await receiver.receive(
            headers: ["X-Gitlab-Event": "Push Hook", "X-Gitlab-Token": "token-1"], body: body)
        #expect(right == .init(status: 200, body: ["refreshed": ["demo-gitlab"]]))
    }

    @Test("A provider without a configured secret is refused (403, saying what to configure) by default")
    func unsignedRefused() async throws {
        for secrets in ["gitlab: token-1", "{}"] {
            let (receiver, refreshed, pullRequests) = try receiver(secrets)
            let push = WebhookFixtures.githubPush
            let answer = await receiver.receive(headers: ["X-GitHub-Event": "push"], body: Array(push.utf8))
            #expect(answer.status == 403)
            #expect(answer.body[path: "error", "reason"] == "Forbidden")
            let message = answer.body[path: "error", "message"]?.stringValue ?? ""
            #expect(message.contains("github") && message.contains("--webhook-secrets-file"))
            #expect(message.contains("--webhook-allow-unsigned"))
            let pull = WebhookFixtures.githubPullRequest
            #expect(
                await receiver.receive(headers: ["X-GitHub-Event": "pull_request"], body: Array(pull.utf8)).status
                    == 403)
            #expect(await refreshed.names.isEmpty)
            #expect(await pullRequests.recent().isEmpty)
        }
        // The provider with a secret is unaffected: a signed GitLab push still refreshes.
        let (receiver, refreshed, _) = try receiver("gitlab: token-1")
        let right = await receiver.receive(
            headers: ["X-Gitlab-Event": "Push Hook", "X-Gitlab-Token": "token-1"],
            body: Array(WebhookFixtures.gitlabPush.utf8))
        #expect(right.status == 200)
        #expect(await refreshed.names == ["demo-gitlab"])
    }

    @Test(
        "With allow-unsigned, a provider without a configured secret is accepted unverified; one with a secret is not")
    func unsignedAllowed() async throws {
        let (receiver, refreshed, _) = try receiver("gitlab: token-1", allowUnsigned: true)
        let body = WebhookFixtures.githubPush
        let answer = await receiver.receive(headers: ["X-GitHub-Event": "push"], body: Array(body.utf8))
        #expect(answer.status == 200)
        #expect(await refreshed.names == ["demo"])
        let unsignedGitlab = await receiver.receive(
            headers: ["X-Gitlab-Event": "Push Hook"], body: Array(WebhookFixtures.gitlabPush.utf8))
        #expect(unsignedGitlab.status == 401)
        #expect(await refreshed.names == ["demo"])
    }

    @Test("GitHub's form-encoded delivery carries the payload in its payload field")
    func formEncoded() async throws {
        let (receiver, refreshed, _) = try receiver()
        let encoded =
            WebhookFixtures.githubPush.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
        let body = "payload=\(encoded)"
        var headers = signed(body)
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        let answer = await receiver.receive(headers: headers, body: Array(body.utf8))
        #expect(answer.status == 200)
        #expect(await refreshed.names == ["demo"])
    }

    @Test("Ping is 200; a pull request is 202 and stored; other events are 200 and refresh nothing")
    func otherEvents() async throws {
        let (receiver, refreshed, pullRequests) = try receiver()
        let ping = #"{"zen": "Keep it logically awesome.", "hook_id": 1}"#
        #expect(
            await receiver.receive(headers: signed(ping, event: "ping"), body: Array(ping.utf8)).status
                == 200)
        let pull = WebhookFixtures.githubPullRequest
        let answer = await receiver.receive(
            headers: signed(pull, event: "pull_request"), body: Array(pull.utf8))
        #expect(answer == .init(status: 202, body: ["refreshed": []]))
        #expect(await pullRequests.recent().map(\.number) == [2])
        let issue = #"{"action": "opened"}"#
        #expect(
            await receiver.receive(headers: signed(issue, event: "issues"), body: Array(issue.utf8))
                .status == 200)
        #expect(await refreshed.names.isEmpty)
    }

    @Test("Bad requests: no known event header, malformed JSON, too large")
    func badRequests() async throws {
        let (receiver, refreshed, _) = try receiver()
        let unknown = await receiver.receive(
            headers: ["Content-Type": "application/json"], body: Array("{}".utf8))
        #expect(unknown.status == 400)
        let malformed = "{\"ref\": "
        #expect(
            await receiver.receive(headers: signed(malformed), body: Array(malformed.utf8)).status == 400)
        let large = [UInt8](repeating: 0x20, count: WebhookReceiver.maxBodyBytes + 1)
        #expect(await receiver.receive(headers: ["X-GitHub-Event": "push"], body: large).status == 413)
        #expect(await refreshed.names.isEmpty)
    }

    @Test(
        "Secrets files: YAML or JSON, empty means none, unknown providers and non-strings are refused")
    func secretsFiles() throws {
        let yaml = try WebhookSecrets.parse("github: abc\ngitlab: \"\"\n", source: "s.yaml")
        #expect(yaml.secret(for: .github) == Array("abc".utf8))
        #expect(yaml.secret(for: .gitlab) == nil)
        let json = try WebhookSecrets.parse(
            #"{"bitbucketserver": "x", "gitea": "y"}"#, source: "s.json")
        #expect(json.secret(for: .bitbucketServer) == Array("x".utf8))
        #expect(json.description == "webhook secrets for bitbucketserver, gitea; other providers refused")
        #expect(
            json.allowingUnsigned(true).description
                == "webhook secrets for bitbucketserver, gitea; other providers accepted unsigned")
        #expect(throws: WebhookSecretsError.self) {
            try WebhookSecrets.parse("githab: abc", source: "s")
        }
        #expect(throws: WebhookSecretsError.self) {
            try WebhookSecrets.parse("github: [abc]", source: "s")
        }
        #expect(throws: WebhookSecretsError.self) { try WebhookSecrets.parse("- abc", source: "s") }
        do {
            _ = try WebhookSecrets.parse("github: [\"hunter2\"", source: "s")
            Issue.record("an unclosed flow sequence parsed")
        } catch {
            #expect(!error.description.contains("hunter2"))
        }
    }
}
