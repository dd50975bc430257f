import Foundation
import GitSource
import MoorTestSupport
import Testing

/// Sharing one listing of a repository's refs between callers that accept refs listed since a given instant.
@Suite("Reusing recent listings (file://)", .timeLimit(.minutes(10)))
struct GitSourceCacheReuseTests {
    @Test("a listing started since the caller's instant serves it, with the commit resolved; an older one does not")
    func reusesRecentListing() async throws {
        try await GitWorkspace.with { workspace in
            let (repo, url) = try await workspace.repository("reuse")
            try await repo.tag("v1")
            let cache = workspace.cache
            let since = ContinuousClock.now
            let first = try await cache.resolve(url, revision: "main", listedSince: since)
            let next = try await repo.commit("next", files: ["new.txt": "new\n"])

            #expect(try await cache.resolve(url, revision: "main", listedSince: since) == first)
            #expect(try await cache.resolve(url, revision: "v1", listedSince: since).sha == first.sha)
            var statistics = await cache.statistics
            #expect(statistics.remoteListings == 1, "one ls-remote served all three resolves")
            #expect(statistics.coalescedRequests == 2)

            #expect(try await cache.resolve(url, revision: "main", listedSince: .now).sha == next)
            statistics = await cache.statistics
            #expect(statistics.remoteListings == 2, "a listing older than the caller's instant is not reused")
            #expect(statistics.fetches == 2)
            #expect(try await cache.resolve(url, revision: "main").sha == next)
            #expect(await cache.statistics.remoteListings == 3, "without an instant, a finished listing is not reused")
        }
    }

    @Test("a listing that failed is not reused once it finished")
    func failedListingIsNotReused() async throws {
        try await GitWorkspace.with { workspace in
            let path = workspace.repositories + "/late"
            let url = try GitRepositoryURL("file://" + path)
            let since = ContinuousClock.now
            await #expect(throws: GitError.self) { try await workspace.cache.resolve(url, revision: "main") }
            let repo = try await GitTestRepository.create(at: path)
            let head = try await repo.commit("initial", files: ["README.md": "hello\n"])
            #expect(try await workspace.cache.resolve(url, revision: "main", listedSince: since).sha == head)
            #expect(await workspace.cache.statistics.remoteListings == 2)
        }
    }
}
