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

/// A pull or merge request event, kept for later features (previews, comments); nothing acts on it yet.
struct WebhookPullRequest: Sendable, Hashable {
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
