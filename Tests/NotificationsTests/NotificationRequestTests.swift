import MoorCore
import Notifications
import Testing

@Suite("What each provider type sends")
struct NotificationRequestTests {
    @Test("generic: the event in Flux's shape, as JSON")
    func generic() throws {
        let request = try #require(NotificationRequest(event: event(.syncFailed), endpoint: endpoint(.generic)))
        #expect(request.url == "https://hooks.example.com/T0/B0/secret")
        #expect(request.headers == ["Content-Type": "application/json"])
        #expect(
            try JSONValue(parsing: request.body)
                == [
                    "involvedObject": [
                        "apiVersion": "moor.dev/v1alpha1", "kind": "Application", "namespace": "moor", "name": "shop",
                    ],
                    "severity": "error", "timestamp": "2027-01-15T08:00:00Z",
                    "message": "sync failed: Deployment shop: image pull", "reason": "SyncFailed",
                    "metadata": [
                        "revision": .string(commitSHA), "commitSubject": "Bump shop to 1.2",
                        "commitAuthor": "Ada <ada@example.com>", "url": "https://moor.example.com/#/applications/shop",
                    ],
                    "reportingController": "moor-controller",
                ])
    }

    @Test("generic-hmac: X-Signature is sha256= and the HMAC-SHA256 of the body, as openssl computes it")
    func hmac() throws {
        let request = try #require(
            NotificationRequest(event: event(.syncSucceeded), endpoint: endpoint(.genericHMAC, token: "s3cret")))
        let signature = try #require(request.headers["X-Signature"])
        #expect(signature == "sha256=" + (try opensslHMAC(request.body, key: "s3cret")))
        #expect(signature != "sha256=" + (try opensslHMAC(request.body, key: "other")))
    }

    @Test("slack: text and one attachment with the message and facts, channel and username when set")
    func slack() throws {
        let request = try #require(
            NotificationRequest(
                event: event(.syncFailed), endpoint: endpoint(.slack, channel: "#deploys", username: "moor")))
        let body = try JSONValue(parsing: request.body)
        #expect(body["text"] == "shop: SyncFailed")
        #expect(body["channel"] == "#deploys")
        #expect(body["username"] == "moor")
        let attachment = try #require(body["attachments"]?[0])
        #expect(attachment["color"] == "danger")
        #expect(attachment["text"] == "sync failed: Deployment shop: image pull")
        #expect(attachment["title_link"] == "https://moor.example.com/#/applications/shop")
        #expect(
            attachment["fields"]?.arrayValue?.compactMap { $0["title"]?.stringValue } == [
                "revision", "commit", "author", "url",
            ])
    }

    @Test("msteams: a MessageCard with the facts and an Open in Moor action")
    func teams() throws {
        let request = try #require(NotificationRequest(event: event(.syncSucceeded), endpoint: endpoint(.msteams)))
        let body = try JSONValue(parsing: request.body)
        #expect(body["@type"] == "MessageCard")
        #expect(body["summary"] == "shop: SyncSucceeded")
        #expect(body["themeColor"] == "0076D7")
        #expect(body[path: "sections"]?[0]?["facts"]?[0] == ["name": "revision", "value": .string(commitSHA)])
        #expect(
            body["potentialAction"]?[0]?["targets"]?[0]?["uri"] == "https://moor.example.com/#/applications/shop")
    }

    @Test("github: POST /repos/{owner}/{repo}/statuses/{sha} with a bearer token and the application as context")
    func github() throws {
        let request = try #require(
            NotificationRequest(
                event: event(.syncStarted), endpoint: endpoint(.github, address: "https://github.com", token: "ghp_x")))
        #expect(request.url == "https://api.github.com/repos/acme/deploy/statuses/\(commitSHA)")
        #expect(request.headers["Authorization"] == "Bearer ghp_x")
        #expect(
            try JSONValue(parsing: request.body)
                == [
                    "state": "pending", "description": "sync failed: Deployment shop: image pull",
                    "target_url": "https://moor.example.com/#/applications/shop", "context": "shop",
                ])
    }

    @Test("gitlab: POST /api/v4/projects/{encoded path}/statuses/{sha}, state running/success/failed")
    func gitlab() throws {
        var failed = event(.syncFailed)
        failed.repoURL = "git@gitlab.example.com:platform/apps/deploy.git"
        let request = try #require(
            NotificationRequest(
                event: failed, endpoint: endpoint(.gitlab, address: "https://gitlab.example.com/", token: "glpat")))
        #expect(
            request.url == "https://gitlab.example.com/api/v4/projects/platform%2Fapps%2Fdeploy/statuses/\(commitSHA)")
        #expect(request.headers["PRIVATE-TOKEN"] == "glpat")
        let body = try JSONValue(parsing: request.body)
        #expect(body["state"] == "failed")
        #expect(body["name"] == "shop")
    }

    @Test("gitea: POST /api/v1/repos/{owner}/{repo}/statuses/{sha} with a token header")
    func gitea() throws {
        var succeeded = event(.syncSucceeded)
        succeeded.repoURL = "ssh://git@gitea.example.com:2222/acme/deploy.git"
        let request = try #require(
            NotificationRequest(
                event: succeeded, endpoint: endpoint(.gitea, address: "https://gitea.example.com", token: "tea")))
        #expect(request.url == "https://gitea.example.com/api/v1/repos/acme/deploy/statuses/\(commitSHA)")
        #expect(request.headers["Authorization"] == "token tea")
        #expect(try JSONValue(parsing: request.body)["state"] == "success")
    }

    @Test("a commit status is not sent for drift, a revision that is not a commit, or an unreadable repository")
    func noCommitStatus() {
        let github = endpoint(.github, address: "https://api.github.com", token: "t")
        #expect(NotificationRequest(event: event(.driftDetected), endpoint: github) == nil)
        var chart = event(.syncFailed)
        chart.revision = "1.2.3"
        #expect(NotificationRequest(event: chart, endpoint: github) == nil)
        var local = event(.syncFailed)
        local.repoURL = "/srv/deploy"
        #expect(NotificationRequest(event: local, endpoint: github) == nil)
    }

    @Test(
        "the repository of a repoURL",
        arguments: [
            ("https://github.com/acme/deploy.git", "acme/deploy"),
            ("https://github.com/acme/deploy/", "acme/deploy"),
            ("ssh://git@host:22/acme/deploy.git", "acme/deploy"),
            ("git@gitlab.com:group/sub/deploy.git", "group/sub/deploy"),
            ("https://host/only", nil),
            ("deploy", nil),
        ])
    func repository(url: String, path: String?) {
        #expect(CommitStatusRepository(repoURL: url)?.path == path)
    }

    @Test(
        "the state each event sets",
        arguments: [
            (NotificationEventKind.syncStarted, CommitState.pending), (.syncSucceeded, .success),
            (.healthRecovered, .success), (.syncFailed, .failure), (.syncError, .failure), (.pruneRefused, .failure),
            (.healthDegraded, .failure),
        ])
    func states(kind: NotificationEventKind, state: CommitState) {
        #expect(CommitState(kind) == state)
    }

    @Test("the UI link escapes the application's name")
    func link() {
        #expect(
            NotificationEvent.link(externalURL: "https://moor.example.com/", application: "a b")
                == "https://moor.example.com/#/applications/a%20b")
    }
}
