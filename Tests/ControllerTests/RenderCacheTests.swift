import MoorCore
import Render
import Testing

@testable import Controller

/// The render cache's rules, driven with explicit times: nothing renders, nothing sleeps.
@Suite("Render cache")
struct RenderCacheTests {
    let start = ContinuousClock.now

    /// `count` ConfigMaps named `prefix-N`.
    static func objects(_ prefix: String, count: Int) -> [ManifestObject] {
        (0..<count).map { index in
            ManifestObject(
                object: ["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": .string("\(prefix)-\(index)")]],
                source: SourceLocation(file: "\(prefix).yaml", line: index + 1))
        }
    }

    /// The key of `path` at `commit` in one repository.
    static func key(_ path: String, commit: String = String(repeating: "a", count: 40)) -> RenderCache.Key {
        RenderCache.Key(repository: "https://git.example/repo", commit: commit, options: RenderOptions(path: path))
    }

    @Test("a render is served under its exact repository, commit and options only")
    func exactKey() async {
        let cache = RenderCache()
        let rendered = Self.objects("a", count: 2)
        await cache.store(rendered, for: Self.key("apps/a"), now: start)
        #expect(await cache.objects(Self.key("apps/a"), now: start) == rendered)
        #expect(await cache.objects(Self.key("apps/a", commit: String(repeating: "b", count: 40)), now: start) == nil)
        #expect(await cache.objects(Self.key("apps/b"), now: start) == nil)
        var helm = Self.key("apps/a")
        helm.options.source = .helm(HelmOptions())
        #expect(await cache.objects(helm, now: start) == nil)
        #expect(await cache.statistics == RenderCache.Statistics(hits: 1, misses: 3))
    }

    @Test("a render at a new commit replaces its source's render at the older commit; other revisions stay")
    func newCommitReplaces() async {
        let cache = RenderCache()
        let old = String(repeating: "a", count: 40)
        let new = String(repeating: "b", count: 40)
        await cache.store(Self.objects("old", count: 2), for: Self.key("apps/a", commit: old), now: start)
        var tag = Self.key("apps/a", commit: old)
        tag.revision = "v1.0.0"
        await cache.store(Self.objects("tag", count: 1), for: tag, now: start)
        await cache.store(Self.objects("new", count: 2), for: Self.key("apps/a", commit: new), now: start)
        #expect(await cache.count == 2, "one render per source as written")
        #expect(await cache.objects(Self.key("apps/a", commit: old), now: start) == nil)
        #expect(await cache.objects(Self.key("apps/a", commit: new), now: start) == Self.objects("new", count: 2))
        #expect(await cache.objects(tag, now: start) == Self.objects("tag", count: 1))
        #expect(
            await cache.bytes
                == RenderCache.estimatedBytes(of: Self.objects("new", count: 2))
                + RenderCache.estimatedBytes(of: Self.objects("tag", count: 1)))
    }

    @Test("an entry older than maxAge is rendered again")
    func maxAge() async {
        let cache = RenderCache(maxAge: .seconds(60))
        await cache.store(Self.objects("a", count: 1), for: Self.key("a"), now: start)
        #expect(await cache.objects(Self.key("a"), now: start + .seconds(59)) != nil)
        #expect(await cache.objects(Self.key("a"), now: start + .seconds(60)) == nil)
    }

    @Test("beyond its capacity in bytes the least recently used renders go first; an oversized one is not kept")
    func leastRecentlyUsed() async {
        let four = RenderCache.estimatedBytes(of: Self.objects("a", count: 4))
        let cache = RenderCache(capacity: four * 2 + four / 2)
        await cache.store(Self.objects("a", count: 4), for: Self.key("a"), now: start)
        await cache.store(Self.objects("b", count: 4), for: Self.key("b"), now: start)
        _ = await cache.objects(Self.key("a"), now: start)
        await cache.store(Self.objects("c", count: 4), for: Self.key("c"), now: start)
        #expect(await cache.objects(Self.key("b"), now: start) == nil, "b was used least recently")
        #expect(await cache.objects(Self.key("a"), now: start) != nil)
        #expect(await cache.objects(Self.key("c"), now: start) != nil)
        #expect(await cache.count == 2)
        #expect(await cache.bytes == four * 2)

        await cache.store(Self.objects("huge", count: 40), for: Self.key("huge"), now: start)
        #expect(await cache.objects(Self.key("huge"), now: start) == nil)
        #expect(await cache.bytes == four * 2)
    }

    @Test("storing under a key again replaces its render; an empty render still weighs its entry")
    func replaceAndEmpty() async {
        let cache = RenderCache(capacity: RenderCache.estimatedBytes(of: Self.objects("a", count: 2)) * 2)
        await cache.store(Self.objects("a", count: 2), for: Self.key("a"), now: start)
        await cache.store(Self.objects("a2", count: 1), for: Self.key("a"), now: start)
        #expect(await cache.objects(Self.key("a"), now: start) == Self.objects("a2", count: 1))
        #expect(await cache.bytes == RenderCache.estimatedBytes(of: Self.objects("a2", count: 1)))
        #expect(RenderCache.estimatedBytes(of: []) == RenderCache.entryBytes)
        for index in 0..<100 { await cache.store([], for: Self.key("empty-\(index)"), now: start) }
        #expect(await cache.bytes <= cache.capacity)
        #expect(await cache.objects(Self.key("a"), now: start) == nil, "empty renders pushed a out")
    }

    @Test("a render weighs more with more objects and with longer strings")
    func weight() {
        let small = RenderCache.estimatedBytes(of: Self.objects("a", count: 1))
        #expect(RenderCache.estimatedBytes(of: Self.objects("a", count: 2)) > small)
        let long = ManifestObject(
            object: [
                "apiVersion": "v1", "kind": "ConfigMap",
                "data": ["payload": .string(String(repeating: "x", count: 100))],
            ],
            source: SourceLocation(file: "a.yaml", line: 1))
        let short = ManifestObject(
            object: ["apiVersion": "v1", "kind": "ConfigMap", "data": ["payload": "x"]],
            source: SourceLocation(file: "a.yaml", line: 1))
        #expect(RenderCache.estimatedBytes(of: [long]) >= RenderCache.estimatedBytes(of: [short]) + 100)
    }
}
