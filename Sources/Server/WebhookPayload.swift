import Foundation
import MoorCore

/// Reads push and pull-request events out of the JSON payloads of each ``WebhookProvider``, in the
/// shapes their documentation gives. Fields a payload lacks are left empty; nothing here throws.
enum WebhookPayload {
    /// The push in `payload` from `provider`.
    static func push(_ payload: JSONValue, from provider: WebhookProvider) -> WebhookPush {
        switch provider {
        case .github, .gitea, .gitlab:
            let defaultBranch =
                provider == .gitlab
                ? payload[path: "project", "default_branch"] : payload[path: "repository", "default_branch"]
            return WebhookPush(
                repositoryURLs: repositoryURLs(payload, from: provider),
                refs: [payload["ref"]?.stringValue].compactMap { $0 }, defaultBranch: defaultBranch?.stringValue)
        case .bitbucket:
            // `push.changes[]`: `new` is the ref after the push, `null` when it was deleted (then `old` names it).
            let refs = (payload[path: "push", "changes"]?.arrayValue ?? []).compactMap { change -> String? in
                let ref = change["new"]?.objectValue != nil ? change["new"] : change["old"]
                guard let name = ref?["name"]?.stringValue else { return nil }
                return (ref?["type"]?.stringValue == "tag" ? "refs/tags/" : "refs/heads/") + name
            }
            return WebhookPush(
                repositoryURLs: repositoryURLs(payload, from: provider), refs: refs,
                defaultBranch: payload[path: "repository", "mainbranch", "name"]?.stringValue)
        case .bitbucketServer:
            let refs = (payload["changes"]?.arrayValue ?? []).compactMap {
                $0[path: "ref", "id"]?.stringValue ?? $0["refId"]?.stringValue
            }
            return WebhookPush(repositoryURLs: repositoryURLs(payload, from: provider), refs: refs, defaultBranch: nil)
        }
    }

    /// The pull-request event in `payload` from `provider`, whose event header said `event`.
    static func pullRequest(_ payload: JSONValue, from provider: WebhookProvider, event: String, receivedAt: Date)
        -> WebhookPullRequest
    {
        let fields: (action: String?, number: Int?, source: String?, target: String?)
        switch provider {
        case .github, .gitea:
            fields = (
                payload["action"]?.stringValue, payload["number"]?.intValue,
                payload[path: "pull_request", "head", "ref"]?.stringValue,
                payload[path: "pull_request", "base", "ref"]?.stringValue
            )
        case .gitlab:
            let attributes = payload["object_attributes"]
            fields = (
                attributes?["action"]?.stringValue, attributes?["iid"]?.intValue,
                attributes?["source_branch"]?.stringValue, attributes?["target_branch"]?.stringValue
            )
        case .bitbucket:
            let request = payload["pullrequest"]
            fields = (
                event, request?["id"]?.intValue, request?[path: "source", "branch", "name"]?.stringValue,
                request?[path: "destination", "branch", "name"]?.stringValue
            )
        case .bitbucketServer:
            let request = payload["pullRequest"]
            fields = (
                event, request?["id"]?.intValue, request?[path: "fromRef", "displayId"]?.stringValue,
                request?[path: "toRef", "displayId"]?.stringValue
            )
        }
        return WebhookPullRequest(
            provider: provider, action: fields.action ?? event, number: fields.number ?? 0,
            repositoryURLs: repositoryURLs(payload, from: provider), sourceBranch: fields.source ?? "",
            targetBranch: fields.target ?? "", receivedAt: receivedAt)
    }

    /// Every URL the payload gives for its repository (for a pull request, the target repository).
    static func repositoryURLs(_ payload: JSONValue, from provider: WebhookProvider) -> [String] {
        let urls: [JSONValue?]
        switch provider {
        case .github, .gitea:
            let repository = payload["repository"]
            urls = ["html_url", "clone_url", "git_url", "ssh_url", "url"].map { repository?[$0] }
        case .gitlab:
            let project = payload["project"]
            let repository = payload["repository"]
            urls =
                ["web_url", "git_http_url", "git_ssh_url", "http_url", "ssh_url"].map { project?[$0] }
                + ["url", "homepage", "git_http_url", "git_ssh_url"].map { repository?[$0] }
        case .bitbucket:
            let repository = payload["repository"]
            let html = repository?[path: "links", "html", "href"]
            let clones = (repository?[path: "links", "clone"]?.arrayValue ?? []).map { $0["href"] }
            urls = [html] + clones + [sshURL(web: html?.stringValue, fullName: repository?["full_name"]?.stringValue)]
        case .bitbucketServer:
            let repository = payload["repository"] ?? payload[path: "pullRequest", "toRef", "repository"]
            urls = (repository?[path: "links", "clone"]?.arrayValue ?? []).map { $0["href"] }
        }
        var seen: Set<String> = []
        return urls.compactMap { $0?.stringValue }.filter { !$0.isEmpty && seen.insert($0).inserted }
    }

    /// Bitbucket Cloud names no SSH URL: `git@<host>:<full_name>.git`, from its web URL's host.
    private static func sshURL(web: String?, fullName: String?) -> JSONValue? {
        guard let web, let fullName, let host = URLComponents(string: web)?.host else { return nil }
        return .string("git@\(host):\(fullName).git")
    }
}
