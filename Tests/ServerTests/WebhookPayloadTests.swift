import Foundation
import MoorCore
import Testing

@testable import Server

@Suite("Webhook payloads")
struct WebhookPayloadTests {
    private func push(_ text: String, _ provider: WebhookProvider) throws -> WebhookPush {
        WebhookPayload.push(try JSONValue(parsing: text), from: provider)
    }

    @Test("GitHub: every repository URL, the ref and the default branch")
    func github() throws {
        let push = try push(WebhookFixtures.githubPush, .github)
        #expect(
            push.repositoryURLs == [
                "https://github.com/octo-org/moor-demo", "https://github.com/octo-org/moor-demo.git",
                "git://github.com/octo-org/moor-demo.git", "git@github.com:octo-org/moor-demo.git",
            ])
        #expect(push.refs == ["refs/heads/main"])
        #expect(push.defaultBranch == "main")
    }

    @Test("GitLab: project and repository URLs, branch and tag pushes")
    func gitlab() throws {
        let push = try push(WebhookFixtures.gitlabPush, .gitlab)
        #expect(
            Set(push.repositoryURLs) == [
                "http://example.com/mike/diaspora", "http://example.com/mike/diaspora.git",
                "git@example.com:mike/diaspora.git",
            ])
        #expect(push.refs == ["refs/heads/master"])
        #expect(push.defaultBranch == "master")
        let tag = try self.push(WebhookFixtures.gitlabTagPush, .gitlab)
        #expect(tag.refs == ["refs/tags/v1.4.0"])
        #expect(tag.repositoryURLs.contains("ssh://git@example.com/jsmith/example.git"))
    }

    @Test("Gitea and Forgejo: html, clone and ssh URLs")
    func gitea() throws {
        let push = try push(WebhookFixtures.giteaPush, .gitea)
        #expect(
            push.repositoryURLs == [
                "http://localhost:3000/gitea/webhooks", "http://localhost:3000/gitea/webhooks.git",
                "ssh://gitea@localhost:2222/gitea/webhooks.git",
            ])
        #expect(push.refs == ["refs/heads/develop"])
        #expect(push.defaultBranch == "master")
    }

    @Test("Bitbucket Cloud: web URL, derived SSH URL, updated and deleted refs")
    func bitbucket() throws {
        let push = try push(WebhookFixtures.bitbucketPush, .bitbucket)
        #expect(
            push.repositoryURLs == [
                "https://bitbucket.org/team/moor-demo", "git@bitbucket.org:team/moor-demo.git",
            ])
        #expect(push.refs == ["refs/heads/main", "refs/tags/v0.9.0"])
        #expect(push.defaultBranch == nil)
    }

    @Test("Bitbucket Server: clone links and changed refs")
    func bitbucketServer() throws {
        let push = try push(WebhookFixtures.bitbucketServerPush, .bitbucketServer)
        #expect(
            push.repositoryURLs == [
                "ssh://git@bitbucket.example.com:7999/proj/repository.git",
                "https://bitbucket.example.com/scm/proj/repository.git",
            ])
        #expect(push.refs == ["refs/heads/master"])
    }

    @Test("Pull and merge requests: number, action and branches")
    func pullRequests() throws {
        let now = Date()
        let github = WebhookPayload.pullRequest(
            try JSONValue(parsing: WebhookFixtures.githubPullRequest), from: .github,
            event: "pull_request",
            receivedAt: now)
        #expect(github.action == "opened" && github.number == 2)
        #expect(github.sourceBranch == "changes" && github.targetBranch == "main")
        #expect(github.repositoryURLs.contains("https://github.com/octo-org/moor-demo.git"))
        let gitlab = WebhookPayload.pullRequest(
            try JSONValue(parsing: WebhookFixtures.gitlabMergeRequest), from: .gitlab,
            event: "Merge Request Hook",
            receivedAt: now)
        #expect(gitlab.action == "open" && gitlab.number == 1)
        #expect(gitlab.sourceBranch == "ms-viewport" && gitlab.targetBranch == "master")
        let bitbucket = WebhookPayload.pullRequest(
            try JSONValue(parsing: WebhookFixtures.bitbucketPullRequest), from: .bitbucket,
            event: "pullrequest:created", receivedAt: now)
        #expect(bitbucket.action == "pullrequest:created" && bitbucket.number == 7)
        #expect(bitbucket.sourceBranch == "bump" && bitbucket.targetBranch == "main")
    }

    @Test(
        "Provider and event kind from the headers",
        arguments: [
            (["X-GitHub-Event": "push"], WebhookProvider.github, WebhookProvider.EventKind.push),
            (["X-GitHub-Event": "ping"], .github, .ping),
            (["X-GitHub-Event": "pull_request"], .github, .pullRequest),
            (["X-GitHub-Event": "issues"], .github, .other),
            (["X-Gitlab-Event": "Push Hook"], .gitlab, .push),
            (["X-Gitlab-Event": "Tag Push Hook"], .gitlab, .push),
            (["X-Gitlab-Event": "Merge Request Hook"], .gitlab, .pullRequest),
            (["X-Gitea-Event": "push", "X-GitHub-Event": "push"], .gitea, .push),
            (["X-Forgejo-Event": "pull_request", "X-Gitea-Event": "pull_request"], .gitea, .pullRequest),
            (["X-Event-Key": "repo:push"], .bitbucket, .push),
            (["X-Event-Key": "pullrequest:created"], .bitbucket, .pullRequest),
            (["X-Event-Key": "repo:refs_changed"], .bitbucketServer, .push),
            (["X-Event-Key": "pr:opened"], .bitbucketServer, .pullRequest),
            (["X-Event-Key": "diagnostics:ping"], .bitbucketServer, .ping),
        ])
    func detection(
        headers: [String: String], provider: WebhookProvider, kind: WebhookProvider.EventKind
    ) throws {
        let lowercased = Dictionary(
            uniqueKeysWithValues: headers.map { ($0.key.lowercased(), $0.value) })
        let detected = try #require(WebhookProvider.detect(lowercased))
        #expect(detected.provider == provider)
        #expect(provider.kind(of: detected.event) == kind)
    }

    @Test("A pull-request store keeps the last events only")
    func pullRequestStore() async {
        let store = WebhookPullRequests(capacity: 3)
        for number in 1...5 {
            await store.add(
                WebhookPullRequest(
                    provider: .github, action: "opened", number: number, repositoryURLs: [],
                    sourceBranch: "b",
                    targetBranch: "main", receivedAt: Date()))
        }
        #expect(await store.recent().map(\.number) == [3, 4, 5])
    }
}

/// Webhook payloads in the shapes the providers document (trimmed of fields Moor does not read,
/// but keeping neighbours that could be confused with the ones it reads).
enum WebhookFixtures {
    /// GitHub `push` (docs: "Webhook events and payloads" → push).
    static let githubPush = """
        {
          "ref": "refs/heads/main",
          "before": "6113728f27ae82c7b1a177c8d03f9e96e0adf246",
          "after": "0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c",
          "repository": {
            "id": 186853002, "node_id": "MDEwOlJlcG9zaXRvcnkxODY4NTMwMDI=", "name": "moor-demo",
            "full_name": "octo-org/moor-demo", "private": false,
            "owner": {"name": "octo-org", "email": null, "login": "octo-org", "id": 21031067},
            "html_url": "https://github.com/octo-org/moor-demo",
            "url": "https://github.com/octo-org/moor-demo",
            "git_url": "git://github.com/octo-org/moor-demo.git",
            "ssh_url": "git@github.com:octo-org/moor-demo.git",
            "clone_url": "https://github.com/octo-org/moor-demo.git",
            "svn_url": "https://github.com/octo-org/moor-demo",
            "default_branch": "main", "master_branch": "main", "pushed_at": 1557933657
          },
          "pusher": {"name": "octocat", "email": "octocat@github.com"},
          "sender": {"login": "octocat", "id": 1, "type": "User"},
          "created": false, "deleted": false, "forced": false, "base_ref": null,
          "compare": "https://github.com/octo-org/moor-demo/compare/6113728f27ae...0d1a26e67d8f",
          "commits": [{
            "id": "0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c", "tree_id": "f9d2a07e9488b91af2641b26b9407fe22a451433",
            "distinct": true, "message": "Update README.md", "timestamp": "2019-05-15T15:20:41Z",
            "url": "https://github.com/octo-org/moor-demo/commit/0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c",
            "author": {"name": "Codertocat", "email": "21031067+Codertocat@users.noreply.github.com"},
            "added": [], "removed": [], "modified": ["README.md"]
          }],
          "head_commit": {"id": "0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c", "message": "Update README.md"}
        }
        """

    /// GitHub `pull_request` with action `opened`.
    static let githubPullRequest = """
        {
          "action": "opened", "number": 2,
          "pull_request": {
            "url": "https://api.github.com/repos/octo-org/moor-demo/pulls/2", "number": 2, "state": "open",
            "title": "Update the README with new information.",
            "head": {"label": "octo-org:changes", "ref": "changes", "sha": "ec26c3e57ca3a959ca5aad62de7213c562f8c821"},
            "base": {"label": "octo-org:main", "ref": "main", "sha": "f95f852bd8fca8fcc58a9a2d6c842781e32a215e"}
          },
          "repository": {
            "full_name": "octo-org/moor-demo", "html_url": "https://github.com/octo-org/moor-demo",
            "url": "https://api.github.com/repos/octo-org/moor-demo",
            "clone_url": "https://github.com/octo-org/moor-demo.git",
            "ssh_url": "git@github.com:octo-org/moor-demo.git",
            "default_branch": "main"
          }
        }
        """

    /// GitLab `Push Hook` (docs: "Webhook events" → Push events).
    static let gitlabPush = """
        {
          "object_kind": "push", "event_name": "push",
          "before": "95790bf891e76fee5e1747ab589903a6a1f80f22",
          "after": "da1560886d4f094c3e6c9ef40349f7d38b5d27d7",
          "ref": "refs/heads/master", "ref_protected": true,
          "checkout_sha": "da1560886d4f094c3e6c9ef40349f7d38b5d27d7",
          "user_id": 4, "user_name": "John Smith", "user_username": "jsmith", "project_id": 15,
          "project": {
            "id": 15, "name": "Diaspora", "description": "", "web_url": "http://example.com/mike/diaspora",
            "avatar_url": null, "git_ssh_url": "git@example.com:mike/diaspora.git",
            "git_http_url": "http://example.com/mike/diaspora.git", "namespace": "Mike", "visibility_level": 0,
            "path_with_namespace": "mike/diaspora", "default_branch": "master",
            "homepage": "http://example.com/mike/diaspora", "url": "git@example.com:mike/diaspora.git",
            "ssh_url": "git@example.com:mike/diaspora.git", "http_url": "http://example.com/mike/diaspora.git"
          },
          "commits": [{
            "id": "da1560886d4f094c3e6c9ef40349f7d38b5d27d7", "message": "fixed readme",
            "timestamp": "2011-12-12T14:27:31+02:00",
            "author": {"name": "GitLab dev user", "email": "gitlabdev@example.com"},
            "added": ["CHANGELOG"], "modified": ["app/controller/application.rb"], "removed": []
          }],
          "total_commits_count": 1,
          "repository": {
            "name": "Diaspora", "url": "git@example.com:mike/diaspora.git", "description": "",
            "homepage": "http://example.com/mike/diaspora", "git_http_url": "http://example.com/mike/diaspora.git",
            "git_ssh_url": "git@example.com:mike/diaspora.git", "visibility_level": 0
          }
        }
        """

    /// GitLab `Tag Push Hook`.
    static let gitlabTagPush = """
        {
          "object_kind": "tag_push", "event_name": "tag_push",
          "before": "0000000000000000000000000000000000000000",
          "after": "82b3d5ae55f7080f1e6022629cdb57bfae7cccc7", "ref": "refs/tags/v1.4.0",
          "checkout_sha": "82b3d5ae55f7080f1e6022629cdb57bfae7cccc7", "project_id": 1,
          "project": {
            "id": 1, "name": "Example", "web_url": "http://example.com/jsmith/example",
            "git_ssh_url": "git@example.com:jsmith/example.git",
            "git_http_url": "http://example.com/jsmith/example.git",
            "default_branch": "master", "path_with_namespace": "jsmith/example"
          },
          "commits": [], "total_commits_count": 0,
          "repository": {
            "name": "Example", "url": "ssh://git@example.com/jsmith/example.git",
            "homepage": "http://example.com/jsmith/example", "git_http_url": "http://example.com/jsmith/example.git",
            "git_ssh_url": "git@example.com:jsmith/example.git"
          }
        }
        """

    /// GitLab `Merge Request Hook`.
    static let gitlabMergeRequest = """
        {
          "object_kind": "merge_request", "event_type": "merge_request",
          "project": {"id": 1, "web_url": "http://example.com/gitlabhq/gitlab-test",
                      "git_http_url": "http://example.com/gitlabhq/gitlab-test.git", "default_branch": "master"},
          "object_attributes": {"id": 99, "iid": 1, "target_branch": "master", "source_branch": "ms-viewport",
                                "state": "opened", "action": "open", "title": "MS-Viewport"}
        }
        """

    /// Gitea `push` (docs: "Webhooks" → event information); Forgejo sends the same body.
    static let giteaPush = """
        {
          "ref": "refs/heads/develop",
          "before": "28e1879d029cb852e4844d9c718537df08844e03",
          "after": "bffeb74224043ba2feb48d137756c8a9331c449a",
          "compare_url": "http://localhost:3000/gitea/webhooks/compare/28e1879d029c...bffeb7422404",
          "commits": [{
            "id": "bffeb74224043ba2feb48d137756c8a9331c449a", "message": "Webhooks Yay!",
            "url": "http://localhost:3000/gitea/webhooks/commit/bffeb74224043ba2feb48d137756c8a9331c449a",
            "author": {"name": "Gitea", "email": "someone@gitea.io", "username": "gitea"},
            "timestamp": "2017-03-13T13:52:11-04:00"
          }],
          "repository": {
            "id": 140, "owner": {"id": 1, "login": "gitea", "full_name": "Gitea", "username": "gitea"},
            "name": "webhooks", "full_name": "gitea/webhooks", "private": false, "fork": false,
            "html_url": "http://localhost:3000/gitea/webhooks",
            "ssh_url": "ssh://gitea@localhost:2222/gitea/webhooks.git",
            "clone_url": "http://localhost:3000/gitea/webhooks.git", "default_branch": "master"
          },
          "pusher": {"id": 1, "login": "gitea", "username": "gitea"},
          "sender": {"id": 1, "login": "gitea", "username": "gitea"}
        }
        """

    /// Bitbucket Cloud `repo:push` (docs: "Event payloads" → Push), one branch updated and one tag deleted.
    static let bitbucketPush = """
        {
          "actor": {"type": "user", "display_name": "Moor Dev", "uuid": "{d301aafa-d676-4ee0-88be-962be7417567}"},
          "repository": {
            "type": "repository", "full_name": "team/moor-demo", "name": "moor-demo",
            "uuid": "{8b2de0f3-5f9a-4a4c-9b1f-3f27c7f3f9f1}", "scm": "git", "is_private": true,
            "links": {
              "self": {"href": "https://api.bitbucket.org/2.0/repositories/team/moor-demo"},
              "html": {"href": "https://bitbucket.org/team/moor-demo"},
              "avatar": {"href": "https://bytebucket.org/ravatar/%7B8b2de0f3%7D?ts=default"}
            }
          },
          "push": {
            "changes": [
              {
                "new": {"type": "branch", "name": "main",
                        "target": {"type": "commit", "hash": "709d658dc5b6d6afcd46049c2f332ee3f515a67d"}},
                "old": {"type": "branch", "name": "main",
                        "target": {"type": "commit", "hash": "1e65c05c1d5171631d92438a13901ca7dae9618c"}},
                "created": false, "forced": false, "closed": false, "truncated": false
              },
              {
                "new": null,
                "old": {"type": "tag", "name": "v0.9.0",
                        "target": {"type": "commit", "hash": "1e65c05c1d5171631d92438a13901ca7dae9618c"}},
                "created": false, "forced": false, "closed": true, "truncated": false
              }
            ]
          }
        }
        """

    /// Bitbucket Cloud `pullrequest:created`.
    static let bitbucketPullRequest = """
        {
          "repository": {
            "full_name": "team/moor-demo", "links": {"html": {"href": "https://bitbucket.org/team/moor-demo"}}
          },
          "pullrequest": {"id": 7, "title": "Bump replicas", "state": "OPEN",
                          "source": {"branch": {"name": "bump"}}, "destination": {"branch": {"name": "main"}}}
        }
        """

    /// Bitbucket Server / Data Center `repo:refs_changed` (docs: "Event payload" → Push).
    static let bitbucketServerPush = """
        {
          "eventKey": "repo:refs_changed", "date": "2017-09-19T09:45:32+1000",
          "actor": {"name": "admin", "emailAddress": "admin@example.com", "id": 1, "slug": "admin", "type": "NORMAL"},
          "repository": {
            "slug": "repository", "id": 84, "name": "repository", "scmId": "git", "state": "AVAILABLE",
            "forkable": true, "public": false,
            "project": {"key": "PROJ", "id": 84, "name": "project", "public": false, "type": "NORMAL"},
            "links": {
              "clone": [
                {"href": "ssh://git@bitbucket.example.com:7999/proj/repository.git", "name": "ssh"},
                {"href": "https://bitbucket.example.com/scm/proj/repository.git", "name": "http"}
              ],
              "self": [{"href": "https://bitbucket.example.com/projects/PROJ/repos/repository/browse"}]
            }
          },
          "changes": [{
            "ref": {"id": "refs/heads/master", "displayId": "master", "type": "BRANCH"},
            "refId": "refs/heads/master",
            "fromHash": "ecddabb624f6f5ba43816f5926e580a5f680a932",
            "toHash": "178864a7d521b6f5e720b386b2c2b0ef8563e0dc", "type": "UPDATE"
          }]
        }
        """

    /// The bytes of a fixture.
    static func bytes(_ text: String) -> [UInt8] {
        Array(text.utf8)
    }
}
