import Foundation
import GitSource
import MoorTestSupport
import Testing

@testable import Controller

/// Sharing exported commits between renders, against a real Git repository.
@Suite("Checkout cache")
struct CheckoutCacheTests {
    /// Runs `body` with a repository of two commits (returned oldest first) resolved into a fresh Git cache.
    static func withRepository(
        _ body: (GitSourceCache, GitRepositoryURL, [String]) async throws -> Void
    ) async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("moor-checkouts-test-\(UUID())")
        defer { try? FileManager.default.removeItem(at: root) }
        let repository = try await GitTestRepository.create(at: root.appendingPathComponent("repo").path)
        let git = try GitSourceCache(directory: root.appendingPathComponent("cache").path)
        let url = try GitRepositoryURL(repository.fileURL)
        var commits: [String] = []
        for value in ["one", "two"] {
            commits.append(try await repository.commit(value, files: ["app/a.txt": value]))
            _ = try await git.resolve(url, revision: "main")
        }
        try await body(git, url, commits)
    }

    static func contents(_ checkout: String) throws -> String {
        try String(contentsOfFile: checkout + "/app/a.txt", encoding: .utf8)
    }

    @Test("renders of one commit share one checkout, deleted once unheld beyond the retained ones")
    func shared() async throws {
        try await Self.withRepository { git, url, commits in
            let checkouts = CheckoutCache(git: git, retained: 0)
            let first = try await checkouts.acquire(url, commit: commits[1])
            let second = try await checkouts.acquire(url, commit: commits[1])
            #expect(first == second)
            #expect(try Self.contents(first) == "two")
            await checkouts.release(url, commit: commits[1])
            #expect(FileManager.default.fileExists(atPath: first), "still held by the second render")
            await checkouts.release(url, commit: commits[1])
            #expect(!FileManager.default.fileExists(atPath: first))
        }
    }

    @Test("the most recently used unheld checkouts are kept; each commit has its own tree")
    func retained() async throws {
        try await Self.withRepository { git, url, commits in
            let checkouts = CheckoutCache(git: git, retained: 1)
            let old = try await checkouts.acquire(url, commit: commits[0])
            await checkouts.release(url, commit: commits[0])
            #expect(try Self.contents(old) == "one")
            let new = try await checkouts.acquire(url, commit: commits[1])
            await checkouts.release(url, commit: commits[1])
            #expect(try Self.contents(new) == "two")
            #expect(!FileManager.default.fileExists(atPath: old))
            #expect(try await checkouts.acquire(url, commit: commits[1]) == new, "the kept checkout serves again")
            await checkouts.release(url, commit: commits[1])
        }
    }

    @Test("a failed export holds nothing and is tried again")
    func failedExport() async throws {
        try await Self.withRepository { git, url, commits in
            let checkouts = CheckoutCache(git: git, retained: 1)
            let unknown = String(repeating: "0", count: 40)
            await #expect(throws: GitError.self) { try await checkouts.acquire(url, commit: unknown) }
            await #expect(throws: GitError.self) { try await checkouts.acquire(url, commit: unknown) }
            let checkout = try await checkouts.acquire(url, commit: commits[0])
            #expect(try Self.contents(checkout) == "one")
            await checkouts.release(url, commit: commits[0])
        }
    }

    @Test("removing the unheld checkouts deletes them and, once none is held, the directory; exports still work")
    func removeUnheld() async throws {
        try await Self.withRepository { git, url, commits in
            let checkouts = CheckoutCache(git: git, retained: 2)
            var paths: [String] = []
            for commit in commits { paths.append(try await checkouts.acquire(url, commit: commit)) }
            await checkouts.release(url, commit: commits[1])
            await checkouts.removeUnheld()
            #expect(!FileManager.default.fileExists(atPath: paths[1]))
            #expect(try Self.contents(paths[0]) == "one", "a checkout a render holds stays")
            await checkouts.release(url, commit: commits[0])
            await checkouts.removeUnheld()
            let directory = URL(fileURLWithPath: paths[0]).deletingLastPathComponent().path
            #expect(!FileManager.default.fileExists(atPath: directory))
            let again = try await checkouts.acquire(url, commit: commits[1])
            #expect(try Self.contents(again) == "two")
            await checkouts.release(url, commit: commits[1])
            await checkouts.removeUnheld()
        }
    }
}
