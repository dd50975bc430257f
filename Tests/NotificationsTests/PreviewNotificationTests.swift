import Foundation
import MoorCore
import Notifications
import Testing

@Suite("What a pull request's preview sends")
struct PreviewNotificationTests {
    static let diff = """
          OutOfSync: ConfigMap shop/settings
        --- live
        +++ git
        @@ -1 +1 @@
        -color: blue
        +color: green

        """

    /// A preview event of pull request 7.
    static func preview(_ kind: NotificationEventKind = .previewed, details: String = diff) -> NotificationEvent {
        var preview = event(kind, message: "1 object would change (OutOfSync): ConfigMap shop/settings")
        preview.pullRequest = 7
        preview.details = details
        preview.url = NotificationEvent.link(
            externalURL: "https://moor.example.com", repository: "https://github.com/acme/deploy.git", pullRequest: 7)
        return preview
    }

    @Test("github: a success commit status with the preview context, then a comment on the pull request's issue")
    func github() throws {
        let requests = NotificationRequest.requests(
            for: Self.preview(), endpoint: endpoint(.github, address: "https://api.github.com", token: "ghp_x"))
        #expect(
            requests.map(\.url) == [
                "https://api.github.com/repos/acme/deploy/statuses/\(commitSHA)",
                "https://api.github.com/repos/acme/deploy/issues/7/comments",
            ])
        #expect(requests.allSatisfy { $0.headers["Authorization"] == "Bearer ghp_x" })
        let status = try JSONValue(parsing: requests[0].body)
        #expect(status["state"] == "success")
        #expect(status["context"] == "shop (preview)", "never the context of the application's own syncs")
        #expect(
            status["target_url"] == "https://moor.example.com/#/previews/https%3A%2F%2Fgithub.com%2Facme%2Fdeploy.git/7"
        )
        let comment = try #require(try JSONValue(parsing: requests[1].body)["body"]?.stringValue)
        #expect(comment.hasPrefix("### Moor preview: shop at `0123456789ab`\n"), "\(comment)")
        #expect(comment.contains("1 object would change (OutOfSync): ConfigMap shop/settings"))
        #expect(comment.contains("```diff\n" + Self.diff + "```\n"), "\(comment)")
        #expect(comment.contains("[Open the preview in Moor](https://moor.example.com/#/previews/"))
    }

    @Test("a failed preview sets a failure status and says so in the comment")
    func failed() throws {
        let failed = Self.preview(.previewFailed, details: "")
        #expect(failed.kind.severity == .error)
        let requests = NotificationRequest.requests(
            for: failed, endpoint: endpoint(.github, address: "https://api.github.com", token: "t"))
        #expect(try JSONValue(parsing: requests[0].body)["state"] == "failure")
        let comment = try #require(try JSONValue(parsing: requests[1].body)["body"]?.stringValue)
        #expect(comment.hasPrefix("### Moor preview failed: shop"))
        #expect(!comment.contains("<details>"), "no diff block without a diff")
    }

    @Test("gitlab: a status named after the preview and a note on the merge request")
    func gitlab() throws {
        var preview = Self.preview()
        preview.repoURL = "git@gitlab.example.com:platform/apps/deploy.git"
        let requests = NotificationRequest.requests(
            for: preview, endpoint: endpoint(.gitlab, address: "https://gitlab.example.com", token: "glpat"))
        let project = "https://gitlab.example.com/api/v4/projects/platform%2Fapps%2Fdeploy"
        #expect(requests.map(\.url) == ["\(project)/statuses/\(commitSHA)", "\(project)/merge_requests/7/notes"])
        #expect(requests.allSatisfy { $0.headers["PRIVATE-TOKEN"] == "glpat" })
        let status = try JSONValue(parsing: requests[0].body)
        #expect(status["name"] == "shop (preview)")
        #expect(status["state"] == "success")
    }

    @Test("gitea: a status and a comment on the pull request's issue")
    func gitea() {
        let requests = NotificationRequest.requests(
            for: Self.preview(), endpoint: endpoint(.gitea, address: "https://gitea.example.com/", token: "tea"))
        #expect(
            requests.map(\.url) == [
                "https://gitea.example.com/api/v1/repos/acme/deploy/statuses/\(commitSHA)",
                "https://gitea.example.com/api/v1/repos/acme/deploy/issues/7/comments",
            ])
    }

    @Test("a comment is only for previews: a sync's event posts its commit status alone")
    func onlyPreviews() {
        let github = endpoint(.github, address: "https://api.github.com", token: "t")
        var synced = event(.syncSucceeded)
        synced.pullRequest = 7
        #expect(NotificationRequest.requests(for: synced, endpoint: github).count == 1)
        var withoutNumber = Self.preview()
        withoutNumber.pullRequest = nil
        #expect(
            NotificationRequest.requests(for: withoutNumber, endpoint: github).map(\.url) == [
                "https://api.github.com/repos/acme/deploy/statuses/\(commitSHA)"
            ])
    }

    @Test("a long diff is cut and says so; a diff holding a fence cannot close the comment's block")
    func longDiff() throws {
        let github = endpoint(.github, address: "https://api.github.com", token: "t")
        let long = String(repeating: "+line of a very large ConfigMap\n", count: 4_000)
        let requests = NotificationRequest.requests(for: Self.preview(details: long), endpoint: github)
        let comment = try #require(try JSONValue(parsing: requests[1].body)["body"]?.stringValue)
        #expect(comment.count < 65_536, "GitHub's limit")
        #expect(comment.contains("The diff is cut at 60000 characters; the preview's page shows all of it."))

        let fenced = "+  script: |\n+    ```\n+    ````\n"
        let fencedComment = try #require(
            try JSONValue(
                parsing: NotificationRequest.requests(for: Self.preview(details: fenced), endpoint: github)[1].body
            )["body"]?.stringValue)
        #expect(fencedComment.contains("`````diff\n" + fenced + "`````\n"), "\(fencedComment)")
    }

    @Test("webhooks carry the pull request in the metadata and as a fact")
    func webhooks() throws {
        let generic = try #require(NotificationRequest(event: Self.preview(), endpoint: endpoint(.generic)))
        let body = try JSONValue(parsing: generic.body)
        #expect(body["reason"] == "Previewed")
        #expect(body[path: "metadata", "pullRequest"] == "7")
        let slack = try #require(NotificationRequest(event: Self.preview(), endpoint: endpoint(.slack)))
        let fields = try JSONValue(parsing: slack.body)[path: "attachments"]?[0]?["fields"]?.arrayValue ?? []
        #expect(fields.contains { $0["title"] == "pull request" && $0["value"] == "#7" })
    }

    @Test("the same preview of another pull request is not a duplicate")
    func deduplication() {
        var other = Self.preview()
        other.pullRequest = 8
        #expect(Self.preview().deduplicationKey == Self.preview().deduplicationKey)
        #expect(other.deduplicationKey != Self.preview().deduplicationKey)
    }
}
