import Foundation
import GitSource
import MoorTestSupport
import Testing

@Suite("Resolving and exporting (file://)", .timeLimit(.minutes(10)))
struct GitSourceCacheTests {
    @Test("branches, tags, SHAs, HEAD, semantic versions and pull-request refs resolve to full commit SHAs")
    func resolvesRevisions() async throws {
        try await GitWorkspace.with { workspace in
            let (repo, url) = try await workspace.repository("revisions")
            let first = try await repo.sha(of: "HEAD")
            try await repo.tag("v1.0.0")
            let second = try await repo.commit("second", files: ["app.yaml": "v: 2\n"])
            try await repo.tag("v1.2.0", annotated: true)
            try await repo.branch("feature")
            let third = try await repo.commit("third", files: ["app.yaml": "v: 3\n"])
            try await repo.tag("1.2.5")
            let candidate = try await repo.commit("fourth", files: ["app.yaml": "v: 4-rc\n"])
            try await repo.tag("v2.0.0-rc.1", annotated: true)
            let head = try await repo.commit("fifth", files: ["app.yaml": "v: 5\n"])
            try await repo.checkout("pull-7", creating: true)
            let pullRequest = try await repo.commit("pull request", files: ["pr.txt": "7\n"])
            try await repo.updateRef("refs/pull/7/head", to: pullRequest)
            let mergeRequest = try await repo.commit("merge request", files: ["mr.txt": "3\n"])
            try await repo.updateRef("refs/merge-requests/3/head", to: mergeRequest)
            try await repo.checkout("main")
            try await repo.git(["branch", "-D", "pull-7"])

            let expectations: [(revision: String, sha: String)] = [
                ("main", head), ("HEAD", head), ("", head), ("feature", second), ("refs/heads/feature", second),
                ("v1.0.0", first), ("v1.2.0", second), ("refs/tags/v1.2.0", second), ("1.2.5", third),
                (String(third.prefix(8)), third), (first, first), (first.uppercased(), first),
                ("1.2.*", third), (">=1.2.0 <2.0.0", third), ("^1.0", third), ("~1.2.0", third), ("~1.0", first),
                ("1.0.0", first), ("v1.2", third), ("*", third), (">=2.0.0-0", candidate),
                ("refs/pull/7/head", pullRequest), ("refs/merge-requests/3/head", mergeRequest),
            ]
            for (revision, sha) in expectations {
                let commit = try await workspace.cache.resolve(url, revision: revision)
                #expect(commit.sha == sha, "revision '\(revision)'")
                #expect(commit.sha.count == 40 && commit.sha.allSatisfy(\.isHexDigit))
            }
        }
    }

    @Test("pull-request refs are fetched explicitly, once")
    func pullRequestRefsAreFetchedOnRequest() async throws {
        try await GitWorkspace.with { workspace in
            let (repo, url) = try await workspace.repository("pulls")
            try await repo.checkout("pr", creating: true)
            let pullRequest = try await repo.commit("change", files: ["x": "1\n"])
            try await repo.checkout("main")
            try await repo.git(["branch", "-D", "pr"])
            try await repo.updateRef("refs/pull/12/head", to: pullRequest)
            let cache = workspace.cache

            _ = try await cache.resolve(url, revision: "main")
            #expect(await cache.statistics.fetches == 1)
            #expect(try await cache.resolve(url, revision: "refs/pull/12/head").sha == pullRequest)
            #expect(await cache.statistics.fetches == 2)
            #expect(try await cache.resolve(url, revision: "refs/pull/12/head").sha == pullRequest)
            #expect(await cache.statistics.fetches == 2)
            #expect(await cache.statistics.remoteListings == 3)
        }
    }

    @Test("a pull request's changed paths run from its merge base with the base branch, whatever the base did since")
    func changedPaths() async throws {
        try await GitWorkspace.with { workspace in
            let (repo, url) = try await workspace.repository(
                "changes", files: ["a/one.yaml": "1\n", "b/two.yaml": "2\n", "old.yaml": "x\n"])
            let fork = try await repo.sha(of: "HEAD")
            try await repo.checkout("pr", creating: true)
            try await repo.commit("change a", files: ["a/one.yaml": "1b\n", "c/new.yaml": "n\n"])
            try await repo.git(["mv", "old.yaml", "renamed.yaml"])
            try await repo.git(["commit", "--quiet", "-m", "rename"])
            try await repo.updateRef("refs/pull/3/head", to: try await repo.sha(of: "HEAD"))
            try await repo.checkout("main")
            try await repo.git(["branch", "-D", "pr"])
            try await repo.commit("main moves on", files: ["b/two.yaml": "2b\n"])
            let cache = workspace.cache
            let base = try await cache.resolve(url, revision: "main").sha
            let head = try await cache.resolve(url, revision: "refs/pull/3/head").sha

            #expect(
                try await cache.changedPaths(url, base: base, head: head)
                    == ["a/one.yaml", "c/new.yaml", "old.yaml", "renamed.yaml"])
            #expect(try await cache.changedPaths(url, base: head, head: base) == ["b/two.yaml"])
            #expect(try await cache.changedPaths(url, base: base, head: fork) == [])
            #expect(try await cache.changedPaths(url, base: base, head: base) == [])
            let byName = await #expect(throws: GitError.self) {
                try await cache.changedPaths(url, base: "main", head: head)
            }
            #expect(byName?.code == .invalidRevision)
            let unknown = await #expect(throws: GitError.self) {
                try await cache.changedPaths(url, base: base, head: String(repeating: "e", count: 40))
            }
            #expect(unknown?.code == .revisionNotFound)
        }
    }

    @Test("an unchanged repository costs one ls-remote and no fetch; a new commit costs one fetch")
    func unchangedRepositoryIsNotFetched() async throws {
        try await GitWorkspace.with { workspace in
            let (repo, url) = try await workspace.repository("unchanged")
            let cache = workspace.cache
            let first = try await cache.resolve(url, revision: "main")
            let before = await cache.statistics
            #expect(before.fetches == 1 && before.remoteListings == 1)

            #expect(try await cache.resolve(url, revision: "main") == first)
            let unchanged = await cache.statistics
            #expect(unchanged.remoteListings == before.remoteListings + 1)
            #expect(unchanged.fetches == before.fetches)

            let next = try await repo.commit("next", files: ["new.txt": "new\n"])
            #expect(try await cache.resolve(url, revision: "main").sha == next)
            let changed = await cache.statistics
            #expect(changed.fetches == unchanged.fetches + 1)

            let mirrors = try FileManager.default.contentsOfDirectory(atPath: workspace.root + "/cache/mirrors")
            #expect(mirrors.count == 1)
            #expect(mirrors.first?.contains("repos-unchanged-") == true && mirrors.first?.hasSuffix(".git") == true)
        }
    }

    @Test("a commit's metadata is reported")
    func commitMetadata() async throws {
        try await GitWorkspace.with { workspace in
            let (repo, url) = try await workspace.repository("metadata")
            let sha = try await repo.commit("Add the web deployment\n\nLonger body.", files: ["web.yaml": "kind: x\n"])
            let seconds = try await repo.git(["show", "-s", "--format=%at", sha])
            let commit = try await workspace.cache.resolve(url, revision: "main")
            #expect(commit.sha == sha)
            #expect(commit.subject == "Add the web deployment")
            #expect(commit.authorName == "Moor Test")
            #expect(commit.authorEmail == "test@moor.invalid")
            #expect(
                commit.date
                    == Date(
                        timeIntervalSince1970: try #require(
                            TimeInterval(seconds.trimmingCharacters(in: .whitespacesAndNewlines)))))
            #expect(try await workspace.cache.commitInfo(url, commit: sha) == commit)
        }
    }

    @Test(
        "unknown revisions are reported as revisionNotFound",
        arguments: [
            "no-such-branch", "v9.9.9", "^7", "refs/pull/99/head", "abcdef1",
            "0123456789012345678901234567890123456789",
        ])
    func unknownRevision(revision: String) async throws {
        try await GitWorkspace.with { workspace in
            let (_, url) = try await workspace.repository("unknown")
            let error = await #expect(throws: GitError.self) {
                try await workspace.cache.resolve(url, revision: revision)
            }
            #expect(error?.code == .revisionNotFound)
        }
    }

    @Test(
        "option-like revisions are refused before git runs",
        arguments: [
            "--upload-pack=evil", "-oProxyCommand=x",
            "main\nHEAD", "main..feature",
        ])
    func optionLikeRevision(revision: String) async throws {
        try await GitWorkspace.with { workspace in
            let (_, url) = try await workspace.repository("options")
            let error = await #expect(throws: GitError.self) {
                try await workspace.cache.resolve(url, revision: revision)
            }
            #expect(error?.code == .invalidRevision)
            #expect(await workspace.cache.statistics == GitSourceStatistics())
        }
    }

    @Test("a missing repository is reported as repositoryNotFound")
    func missingRepository() async throws {
        try await GitWorkspace.with { workspace in
            let url = try GitRepositoryURL("file://\(workspace.root)/no-such-repository")
            let error = await #expect(throws: GitError.self) {
                try await workspace.cache.resolve(url, revision: "main")
            }
            #expect(error?.code == .repositoryNotFound)
        }
    }

    @Test("export writes exactly the commit's files")
    func export() async throws {
        try await GitWorkspace.with { workspace in
            let (repo, url) = try await workspace.repository("export", files: ["a.yaml": "a: 1\n", "old.txt": "old\n"])
            let old = try await workspace.cache.resolve(url, revision: "main")
            try await repo.git(["rm", "--quiet", "old.txt"])
            try await repo.commit("change", files: ["a.yaml": "a: 2\n", "apps/web/deploy.yaml": "kind: Deployment\n"])
            let new = try await workspace.cache.resolve(url, revision: "main")

            let newTree = workspace.root + "/out/new"
            try await workspace.cache.export(url, commit: new.sha, to: newTree)
            #expect(try String(contentsOfFile: newTree + "/a.yaml", encoding: .utf8) == "a: 2\n")
            #expect(
                try String(contentsOfFile: newTree + "/apps/web/deploy.yaml", encoding: .utf8) == "kind: Deployment\n")
            let listing = try FileManager.default.contentsOfDirectory(atPath: newTree).sorted()
            #expect(listing == ["a.yaml", "apps"])

            let oldTree = workspace.root + "/out/old"
            try FileManager.default.createDirectory(atPath: oldTree, withIntermediateDirectories: true)
            try await workspace.cache.export(url, commit: old.sha, to: oldTree)
            #expect(try String(contentsOfFile: oldTree + "/a.yaml", encoding: .utf8) == "a: 1\n")
            #expect(FileManager.default.fileExists(atPath: oldTree + "/old.txt"))
            #expect(!FileManager.default.fileExists(atPath: oldTree + "/apps"))

            let notEmpty = await #expect(throws: GitError.self) {
                try await workspace.cache.export(url, commit: new.sha, to: oldTree)
            }
            #expect(notEmpty?.code == .directoryNotEmpty)
            let notFull = await #expect(throws: GitError.self) {
                try await workspace.cache.export(url, commit: "main", to: workspace.root + "/out/branch")
            }
            #expect(notFull?.code == .invalidRevision)
            let unknown = await #expect(throws: GitError.self) {
                try await workspace.cache.export(
                    url, commit: String(repeating: "ab", count: 20), to: workspace.root + "/out/x")
            }
            #expect(unknown?.code == .revisionNotFound)
        }
    }
}
