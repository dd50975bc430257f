import KubeClient
import MoorCore
import Testing

@testable import KubeCache

/// Waiting and stopping while the API server cannot be reached: informers keep backing off and
/// never sync, so waits end only by cancellation or `stop()`.
@Suite("LiveObjectCache lifecycle with an unreachable API server")
struct LiveObjectCacheLifecycleTests {
    static let configMaps = APIResource(
        group: "", version: "v1", kind: "ConfigMap", name: "configmaps", namespaced: true, verbs: ["list", "watch"])

    /// Runs `body` with a cache whose client points at a closed loopback port.
    static func withUnreachableCache(_ body: (LiveObjectCache) async throws -> Void) async throws {
        let client = try KubeClient(connection: ClusterConnection(server: "https://127.0.0.1:1"))
        let cache = LiveObjectCache(client: client)
        do {
            try await body(cache)
        } catch {
            await cache.stop()
            await client.shutdown()
            throw error
        }
        await cache.stop()
        await client.shutdown()
    }

    @Test("a wait for a type never asked for fails at once")
    func notWatched() async throws {
        try await Self.withUnreachableCache { cache in
            let error = await #expect(throws: CacheSyncError.self) {
                try await cache.waitUntilSynced([Self.configMaps])
            }
            #expect(error?.code == .notWatched)
            #expect(error?.resource == Self.configMaps)
        }
    }

    @Test("cancelling a waiting task ends its wait; the informer goes on")
    func cancelledWait() async throws {
        try await Self.withUnreachableCache { cache in
            await cache.watch([Self.configMaps])
            let waiter = Task { try await cache.waitUntilSynced([Self.configMaps]) }
            waiter.cancel()
            let error = await #expect(throws: CacheSyncError.self) { try await waiter.value }
            #expect(error?.code == .cancelled)
            #expect(await cache.resourceTypes() == [Self.configMaps])
            #expect(await cache.errors().isEmpty, "an unreachable server is transient, not a failure")
            #expect(await !cache.hasSynced(Self.configMaps))
        }
    }

    @Test("stop ends pending waits and backing-off informers, and finishes change streams")
    func stopWhileWaiting() async throws {
        try await Self.withUnreachableCache { cache in
            await cache.watch([Self.configMaps])
            let stream = await cache.changes()
            let reader = Task {
                var count = 0
                for await _ in stream { count += 1 }
                return count
            }
            let waiter = Task { try await cache.waitUntilSynced([Self.configMaps]) }
            // Give the waiter time to suspend inside the cache (a wait begun after stop ends the same way).
            try await Task.sleep(for: .milliseconds(200))
            await cache.stop()
            let error = await #expect(throws: CacheSyncError.self) { try await waiter.value }
            #expect(error?.code == .stopped)
            #expect(await reader.value == 0)
        }
    }
}
