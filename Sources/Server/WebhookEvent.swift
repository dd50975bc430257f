import Foundation

/// What a push event says: the repository, by every URL the payload names it, the refs that were
/// pushed, and the repository's default branch when the payload names it.
struct WebhookPush: Sendable, Hashable {
    /// Clone and web URLs of the repository (https, ssh, git), as the payload gives them.
    var repositoryURLs: [String]
    /// The full refs pushed: `refs/heads/main`, `refs/tags/v1.2.0`.
    var refs: [String]
    /// The repository's default branch, e.g. `main`; `nil` when the payload does not say.
    var defaultBranch: String?
}

/// A pull or merge request event: what its preview renders.
struct WebhookPullRequest: Sendable, Hashable {
    /// What an event's action means for the request's preview.
    enum Change: Sendable, Hashable {
        /// Opened, reopened or given new commits: preview it.
        case updated
        /// Closed, merged or declined: forget its preview.
        case closed
        /// Anything else (labels, comments, reviews).
        case other
    }

    /// Who sent it.
    var provider: WebhookProvider
    /// What happened: `opened`, `synchronize`, `merge`, `pullrequest:updated`, …
    var action: String
    /// The request's number in its repository; 0 when the payload names none.
    var number: Int
    /// Clone and web URLs of the target repository.
    var repositoryURLs: [String]
    /// The branch the changes come from.
    var sourceBranch: String
    /// The branch they would merge into.
    var targetBranch: String
    /// When Moor received it.
    var receivedAt: Date

    /// What the action means for the preview, by provider: GitHub's and Gitea's `opened`, `reopened`,
    /// `synchronize`(`d`) and `closed`; GitLab's `open`, `reopen`, `update`, `close` and `merge`;
    /// Bitbucket's `pullrequest:created`, `:updated`, `:fulfilled` and `:rejected`; Bitbucket Server's
    /// `pr:opened`, `pr:from_ref_updated`, `pr:merged`, `pr:declined` and `pr:deleted`.
    var change: Change {
        switch action {
        case "opened", "reopened", "synchronize", "synchronized", "open", "reopen", "update", "pullrequest:created",
            "pullrequest:updated", "pr:opened", "pr:from_ref_updated":
            return .updated
        case "closed", "close", "merge", "pullrequest:fulfilled", "pullrequest:rejected", "pr:merged", "pr:declined",
            "pr:deleted":
            return .closed
        default: return .other
        }
    }

    /// The ref the request's head is at in the target repository: `refs/pull/N/head` (GitHub, Gitea),
    /// `refs/merge-requests/N/head` (GitLab), `refs/pull-requests/N/from` (Bitbucket Server); Bitbucket
    /// Cloud keeps none, so its source branch.
    var headRef: String {
        switch provider {
        case .github, .gitea: "refs/pull/\(number)/head"
        case .gitlab: "refs/merge-requests/\(number)/head"
        case .bitbucketServer: "refs/pull-requests/\(number)/from"
        case .bitbucket: "refs/heads/\(sourceBranch)"
        }
    }
}

/// The pull-request events received most recently, oldest first, at most ``capacity``.
actor WebhookPullRequests {
    /// How many events are kept.
    let capacity: Int
    private var events: [WebhookPullRequest] = []

    /// An empty store keeping the last `capacity` events.
    init(capacity: Int = 100) { self.capacity = max(1, capacity) }

    /// Keeps `event`, dropping the oldest beyond ``capacity``.
    func add(_ event: WebhookPullRequest) {
        events.append(event)
        if events.count > capacity { events.removeFirst(events.count - capacity) }
    }

    /// The events kept, oldest first.
    func recent() -> [WebhookPullRequest] { events }
}
