internal import Foundation
internal import MoorCore

/// The state of a commit status an event sets, in the common vocabulary of GitHub and Gitea (GitLab's
/// words differ: ``gitLabName``).
public enum CommitState: String, Sendable, Hashable {
    /// A sync of the commit is under way.
    case pending
    /// The commit is synced (and healthy again).
    case success
    /// The commit failed to sync, or its application is degraded.
    case failure

    /// The state `kind` sets: `pending` when a sync starts, `success` when it succeeds or health recovers
    /// or a preview is made, `failure` when it fails, errs or is refused a prune, health degrades or a
    /// preview fails; `nil` for drift and rollback, which say nothing about the commit.
    public init?(_ kind: NotificationEventKind) {
        switch kind {
        case .syncStarted: self = .pending
        case .syncSucceeded, .healthRecovered, .previewed: self = .success
        case .syncFailed, .syncError, .pruneRefused, .healthDegraded, .previewFailed: self = .failure
        case .driftDetected, .driftHealed, .rollback: return nil
        }
    }

    /// GitLab's name of the state: `running`, `success`, `failed`.
    public var gitLabName: String {
        switch self {
        case .pending: "running"
        case .success: "success"
        case .failure: "failed"
        }
    }
}

/// The repository a commit status is posted to: the path of an application's `repoURL` on its Git host.
public struct CommitStatusRepository: Sendable, Hashable {
    /// The path without `.git`: `owner/repo`, or for GitLab `group/subgroup/repo`.
    public var path: String

    /// The repository of `repoURL`: `https://host/owner/repo(.git)`, `ssh://user@host[:port]/owner/repo.git`
    /// or `user@host:owner/repo.git`; `nil` for a URL without at least an owner and a name.
    public init?(repoURL: String) {
        var rest: Substring
        if let schemeEnd = repoURL.range(of: "://") {
            let afterScheme = repoURL[schemeEnd.upperBound...]
            guard let slash = afterScheme.firstIndex(of: "/") else { return nil }
            rest = afterScheme[afterScheme.index(after: slash)...]
        } else if let colon = repoURL.firstIndex(of: ":") {
            rest = repoURL[repoURL.index(after: colon)...]
        } else {
            return nil
        }
        rest = rest.split(separator: "?", maxSplits: 1).first ?? ""
        while rest.hasSuffix("/") { rest = rest.dropLast() }
        if rest.hasSuffix(".git") { rest = rest.dropLast(4) }
        let components = rest.split(separator: "/")
        guard components.count >= 2 else { return nil }
        path = components.joined(separator: "/")
    }

    /// The owner and name, for hosts whose repositories are `owner/repo` (GitHub, Gitea): the path's last
    /// two components (a server under a path prefix serves `https://host/prefix/owner/repo`).
    var ownerAndName: (owner: String, name: String) {
        let components = path.split(separator: "/").suffix(2).map(String.init)
        return (components[0], components[1])
    }
}

/// The API of the Git host a `github`, `gitlab` or `gitea` provider posts to, for one repository.
struct GitHostAPI {
    /// The provider type.
    let type: NotificationProvider.ProviderType
    /// The API's base URL, its `/api/v4` or `/api/v1` included.
    let base: String
    /// The repository.
    let repository: CommitStatusRepository
    /// The authentication headers.
    let headers: [String: String]

    /// The API `endpoint` posts to for `repoURL`; `nil` for another provider type or a repository that
    /// cannot be read from `repoURL`.
    init?(endpoint: ProviderEndpoint, repoURL: String) {
        guard let repository = CommitStatusRepository(repoURL: repoURL) else { return nil }
        let address = endpoint.address.hasSuffix("/") ? String(endpoint.address.dropLast()) : endpoint.address
        switch endpoint.provider.type {
        case .github:
            base = address == "https://github.com" ? "https://api.github.com" : address
            headers = [
                "Authorization": "Bearer \(endpoint.token)", "Accept": "application/vnd.github+json",
                "X-GitHub-Api-Version": "2022-11-28",
            ]
        case .gitlab:
            base = Self.apiBase(address, suffix: "/api/v4")
            headers = ["PRIVATE-TOKEN": endpoint.token]
        case .gitea:
            base = Self.apiBase(address, suffix: "/api/v1")
            headers = ["Authorization": "token \(endpoint.token)"]
        case .generic, .genericHMAC, .slack, .msteams:
            return nil
        }
        type = endpoint.provider.type
        self.repository = repository
    }

    /// The repository's API URL: `/repos/{owner}/{repo}`, or GitLab's `/projects/{url-encoded path}`.
    var repositoryURL: String {
        guard type != .gitlab else {
            let project = repository.path.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
            return "\(base)/projects/\(project)"
        }
        let (owner, name) = repository.ownerAndName
        return "\(base)/repos/\(Self.escaped(owner))/\(Self.escaped(name))"
    }

    /// Where the status of commit `sha` is posted.
    func statusURL(_ sha: String) -> String { "\(repositoryURL)/statuses/\(sha)" }

    /// Where a comment on pull request `number` is posted: its issue's comments, or a GitLab merge
    /// request's notes.
    func commentURL(_ number: Int) -> String {
        type == .gitlab
            ? "\(repositoryURL)/merge_requests/\(number)/notes" : "\(repositoryURL)/issues/\(number)/comments"
    }

    /// `base` with the API path `suffix` appended, unless it ends with it already.
    private static func apiBase(_ base: String, suffix: String) -> String {
        base.hasSuffix(suffix) ? base : base + suffix
    }

    /// `component` percent-encoded for one path segment.
    private static func escaped(_ component: String) -> String {
        component.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(["/"])) ?? component
    }
}

extension NotificationRequest {
    /// The longest description GitHub accepts.
    static let descriptionLimit = 140

    /// The commit status `endpoint` (a `github`, `gitlab` or `gitea` provider) posts for `event`, with the
    /// application's name as the context (`<name> (preview)` for a preview, so that it never replaces the
    /// status of a sync of the same commit); `nil` when the event sets no state, its revision is not a full
    /// commit SHA, or the repository cannot be read from `repoURL`.
    static func commitStatus(_ event: NotificationEvent, endpoint: ProviderEndpoint) -> NotificationRequest? {
        guard let state = CommitState(event.kind), isCommitSHA(event.revision),
            let api = GitHostAPI(endpoint: endpoint, repoURL: event.repoURL)
        else { return nil }
        let description = String((event.message.isEmpty ? event.kind.rawValue : event.message).prefix(descriptionLimit))
        let context = event.kind.isPreview ? "\(event.application) (preview)" : event.application
        var body: JSONValue = ["state": .string(state.rawValue), "description": .string(description)]
        if let url = event.url { body["target_url"] = .string(url) }
        if api.type == .gitlab {
            body["state"] = .string(state.gitLabName)
            body["name"] = .string(context)
        } else {
            body["context"] = .string(context)
        }
        return NotificationRequest(url: api.statusURL(event.revision), json: body, headers: api.headers)
    }

    /// Whether `revision` is a full commit SHA (40 or 64 lowercase hex digits).
    static func isCommitSHA(_ revision: String) -> Bool {
        [40, 64].contains(revision.count) && revision.allSatisfy { $0.isHexDigit && !$0.isUppercase }
    }
}
