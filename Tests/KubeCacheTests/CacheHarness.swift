import KubeClient
import MoorCore
import MoorTestSupport
import Testing

@testable import KubeCache

/// Every change a cache publishes, recorded by a task reading ``LiveObjectCache/changes()``.
actor ChangeLog {
    private(set) var changes: [CacheChange] = []

    func append(_ change: CacheChange) {
        changes.append(change)
    }

    /// The changes to objects in `namespace`.
    func changes(in namespace: String) -> [CacheChange] {
        changes.filter { $0.ref.namespace == namespace }
    }
}

/// A running cache with its own client (so its request counts are the cache's alone), a second
/// client standing for everyone else who writes to the cluster, and a fresh namespace.
struct CacheHarness {
    let cluster: TestCluster
    let cache: LiveObjectCache
    /// The client the cache reads through; nothing else uses it.
    let cacheClient: KubeClient
    /// The client that writes, like `kubectl` or another controller would.
    let writer: KubeClient
    let namespace: String
    let log: ChangeLog

    /// Runs `body` with a cache watching `kinds` (apiVersion, kind), synced before `body` starts,
    /// then stops the cache and shuts both clients down, whether `body` succeeds or throws.
    static func run(
        watching kinds: [(String, String)], cacheClient makeClient: ((TestCluster) throws -> KubeClient)? = nil,
        watchTimeoutSeconds: Int = 300, _ body: (CacheHarness) async throws -> Void
    ) async throws {
        let cluster = try await TestCluster.shared()
        let writer = try cluster.adminClient()
        let cacheClient: KubeClient
        do {
            cacheClient = try makeClient?(cluster) ?? cluster.adminClient()
        } catch {
            await writer.shutdown()
            throw error
        }
        let cache = LiveObjectCache(client: cacheClient, watchTimeoutSeconds: watchTimeoutSeconds)
        let log = ChangeLog()
        let stream = await cache.changes()
        let recorder = Task {
            for await change in stream { await log.append(change) }
        }
        do {
            try await cluster.withNamespace(writer) { namespace in
                var resources: [APIResource] = []
                for (apiVersion, kind) in kinds {
                    resources.append(try await writer.resource(apiVersion: apiVersion, kind: kind))
                }
                await cache.watch(resources)
                try await cache.waitUntilSynced(resources)
                try await body(
                    CacheHarness(
                        cluster: cluster, cache: cache, cacheClient: cacheClient, writer: writer,
                        namespace: namespace, log: log))
            }
        } catch {
            await cache.stop()
            await recorder.value
            await cacheClient.shutdown()
            await writer.shutdown()
            throw error
        }
        await cache.stop()
        await recorder.value
        await cacheClient.shutdown()
        await writer.shutdown()
    }

    /// Polls `condition` every 50 ms for up to ``Patience/timeout``; whether it became true.
    static func eventually(_ condition: () async throws -> Bool) async throws -> Bool {
        try await Patience.waitUntil(every: .milliseconds(50), condition)
    }

    /// The names of the cached objects of `application` in this harness's namespace, in order.
    func names(application: String) async -> [String] {
        await cache.objects(application: application)
            .filter { $0[path: "metadata", "namespace"]?.stringValue == namespace }
            .compactMap { $0[path: "metadata", "name"]?.stringValue }
    }

    /// The cache's requests that write (anything but `list`, `watch` and `get`).
    func cacheWrites() -> [String: Int] {
        cacheClient.requestCounts().filter { !["list", "watch", "get"].contains($0.key) }
    }
}
