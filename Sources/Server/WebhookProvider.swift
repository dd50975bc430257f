/// A Git host that sends webhooks, and how its requests name their event and carry their secret.
enum WebhookProvider: String, Sendable, Hashable, CaseIterable {
    /// GitHub and GitHub Enterprise: `X-GitHub-Event`, `X-Hub-Signature-256: sha256=<hex HMAC-SHA256>`.
    case github
    /// GitLab: `X-Gitlab-Event`, the secret itself in `X-Gitlab-Token`.
    case gitlab
    /// Gitea and Forgejo: `X-Gitea-Event` / `X-Forgejo-Event`, `X-Gitea-Signature` / `X-Forgejo-Signature`
    /// (hex HMAC-SHA256).
    case gitea
    /// Bitbucket Cloud: `X-Event-Key: repo:push`, `X-Hub-Signature: sha256=<hex>` when a secret is set.
    case bitbucket
    /// Bitbucket Server and Data Center: `X-Event-Key: repo:refs_changed`, `X-Hub-Signature: sha256=<hex>`.
    case bitbucketServer = "bitbucketserver"

    /// What a request is about, as far as Moor cares.
    enum EventKind: Sendable, Hashable {
        /// Commits or tags were pushed: refresh the matching applications.
        case push
        /// A pull or merge request changed: stored for later features.
        case pullRequest
        /// A connectivity test (GitHub `ping`, Bitbucket Server `diagnostics:ping`).
        case ping
        /// Anything else: acknowledged and ignored.
        case other
    }

    /// The provider that sent a request with `headers` (names lowercased), and its event name; `nil`
    /// when no known event header is present. Gitea and Forgejo also send `X-GitHub-Event`, so they
    /// are recognised first.
    static func detect(_ headers: [String: String]) -> (provider: Self, event: String)? {
        if let event = headers["x-forgejo-event"] ?? headers["x-gitea-event"] { return (.gitea, event) }
        if let event = headers["x-github-event"] { return (.github, event) }
        if let event = headers["x-gitlab-event"] { return (.gitlab, event) }
        if let event = headers["x-event-key"] {
            // Bitbucket Server's keys include `repo:refs_changed`, `pr:*`, `mirror:*` and `diagnostics:ping`;
            // Cloud's `repo:push`, `pullrequest:*` and other `repo:*`.
            let server =
                event == "repo:refs_changed" || ["pr:", "mirror:", "diagnostics:"].contains { event.hasPrefix($0) }
            return (server ? .bitbucketServer : .bitbucket, event)
        }
        return nil
    }

    /// What `event` (the provider's event header) means.
    func kind(of event: String) -> EventKind {
        switch (self, event) {
        case (.github, "push"), (.gitea, "push"), (.gitlab, "Push Hook"), (.gitlab, "Tag Push Hook"),
            (.bitbucket, "repo:push"), (.bitbucketServer, "repo:refs_changed"):
            return .push
        case (.github, "pull_request"), (.gitea, "pull_request"), (.gitlab, "Merge Request Hook"): return .pullRequest
        case (.bitbucket, _) where event.hasPrefix("pullrequest:"): return .pullRequest
        case (.bitbucketServer, _) where event.hasPrefix("pr:"): return .pullRequest
        case (.github, "ping"), (.bitbucketServer, "diagnostics:ping"): return .ping
        default: return .other
        }
    }
}
