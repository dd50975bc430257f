import Foundation
import KubeClient
import MoorCore
import MoorTestSupport
import Testing

@testable import KubeCache

/// These run against a real kube-apiserver (see `TestCluster`), never a fake. Serialized: the
/// relist test compacts etcd, which must not disturb the steady-state test.
@Suite("LiveObjectCache against a real API server", .serialized)
struct LiveObjectCacheIntegrationTests {
    static let configMaps = [("v1", "ConfigMap")]

    @Test("a labelled object enters the cache with its application; an unlabelled one never does")
    func labelledOnly() async throws {
        try await CacheHarness.run(watching: Self.configMaps) { h in
            let ns = h.namespace
            _ = try await h.writer.create(Fixtures.configMap("hidden", namespace: ns, app: "shop", labelled: false))
            _ = try await h.writer.create(Fixtures.configMap("seen", namespace: ns, app: "shop"))
            let seen = Fixtures.configMapRef("seen", namespace: ns)
            #expect(try await CacheHarness.eventually { await h.cache.object(seen) != nil })
            // Events of one type arrive in order, so "hidden" (created first) would be here by now.
            #expect(await h.cache.object(Fixtures.configMapRef("hidden", namespace: ns)) == nil)
            #expect(await h.names(application: "shop") == ["seen"])
            #expect(try await CacheHarness.eventually { await !h.log.changes(in: ns).isEmpty })
            let changes = await h.log.changes(in: ns)
            #expect(changes.map(\.kind) == [.added])
            #expect(changes.first?.ref == seen)
            #expect(changes.first?.origin == .watch)
            #expect(changes.first?.applications == ["shop"])
        }
    }

    @Test("an edit by another client is a modified change naming the application")
    func editByOthers() async throws {
        try await CacheHarness.run(watching: Self.configMaps) { h in
            let ref = Fixtures.configMapRef("web", namespace: h.namespace)
            let web = Fixtures.configMap("web", namespace: h.namespace, app: "shop")
            _ = try await h.writer.apply(web, fieldManager: "moor")
            #expect(try await CacheHarness.eventually { await h.cache.object(ref) != nil })
            // What `kubectl edit` sends: a merge patch from another field manager.
            _ = try await h.writer.mergePatch(ref, patch: ["data": ["k": "edited"]])
            #expect(try await CacheHarness.eventually { await h.cache.object(ref)?["data"] == ["k": "edited"] })
            // The log hears of changes through the cache's change stream, a moment after the store.
            #expect(try await CacheHarness.eventually { await h.log.changes(in: h.namespace).count >= 2 })
            let changes = await h.log.changes(in: h.namespace)
            #expect(changes.map(\.kind) == [.added, .modified])
            #expect(changes.last?.applications == ["shop"])
            #expect(changes.last?.object["data"] == ["k": "edited"])
        }
    }

    @Test("a deletion, and removing the managed-by label, are deleted changes")
    func deletion() async throws {
        try await CacheHarness.run(watching: Self.configMaps) { h in
            let gone = Fixtures.configMapRef("gone", namespace: h.namespace)
            let released = Fixtures.configMapRef("released", namespace: h.namespace)
            _ = try await h.writer.create(Fixtures.configMap("gone", namespace: h.namespace, app: "shop"))
            _ = try await h.writer.create(Fixtures.configMap("released", namespace: h.namespace, app: "shop"))
            #expect(try await CacheHarness.eventually { await h.log.changes(in: h.namespace).count == 2 })
            try await h.writer.delete(gone)
            _ = try await h.writer.mergePatch(
                released, patch: ["metadata": ["labels": ["app.kubernetes.io/managed-by": .null]]])
            #expect(try await CacheHarness.eventually { await h.log.changes(in: h.namespace).count == 4 })
            let changes = await h.log.changes(in: h.namespace)
            #expect(changes.map(\.kind) == [.added, .added, .deleted, .deleted])
            #expect(changes.suffix(2).map(\.ref.name) == ["gone", "released"])
            #expect(changes.suffix(2).allSatisfy { $0.applications == ["shop"] })
            #expect(await h.cache.object(gone) == nil)
            #expect(await h.cache.object(released) == nil)
        }
    }

    @Test("a relist after etcd compaction reports exactly what the cache missed")
    func relistAfterCompaction() async throws {
        let cluster = try await TestCluster.shared()
        guard cluster.isLocal else { return }
        // Watches of PodTemplates reach etcd directly and send no bookmarks, so each renewal (every
        // second here) starts from the last event's version, which compaction then makes too old.
        try await CacheHarness.run(watching: [("v1", "PodTemplate")], watchTimeoutSeconds: 1) { h in
            let ns = h.namespace
            for name in ["same", "changed", "missed"] {
                _ = try await h.writer.create(Fixtures.podTemplate(name, namespace: ns, app: "relist", image: "a:1"))
            }
            #expect(try await CacheHarness.eventually { await h.names(application: "relist").count == 3 })
            let missed = try #require(await h.cache.object(Fixtures.podTemplateRef("missed", namespace: ns)))
            var stale = try #require(await h.cache.object(Fixtures.podTemplateRef("changed", namespace: ns)))
            stale[path: "template", "spec", "containers"] = [["name": "c", "image": "stale:0"]]
            let phantom = Fixtures.podTemplate("phantom", namespace: ns, app: "relist", image: "a:1")
            // Put the cache behind the cluster, as if it had missed these events while disconnected.
            let (relists, missedChanges) = await h.cache.fallBehind(
                [
                    .event(WatchEvent(kind: .modified, object: stale)),
                    .event(WatchEvent(kind: .added, object: phantom)),
                    .event(WatchEvent(kind: .deleted, object: missed)),
                ], type: GroupKind(Fixtures.podTemplateRef("x", namespace: ns)))
            let recorder = Task {
                var seen: [CacheChange] = []
                for await change in missedChanges where change.ref.namespace == ns { seen.append(change) }
                return seen
            }
            // Two more revisions, then compact up to the newest: the watch's version is now gone.
            _ = try await h.writer.create(Fixtures.configMap("bump-1", namespace: ns, app: nil, labelled: false))
            let last = try await h.writer.create(Fixtures.configMap("bump-2", namespace: ns, app: nil, labelled: false))
            let revision = try #require(last[path: "metadata", "resourceVersion"]?.stringValue)
            try await h.cluster.compactEtcd(revision: revision)
            #expect(try await CacheHarness.eventually { await h.cache.statistics().relists > relists })
            await h.cache.stop()
            let changes = await recorder.value.sorted { $0.ref < $1.ref }
            #expect(changes.map(\.ref.name) == ["changed", "missed", "phantom"])
            #expect(changes.map(\.kind) == [.modified, .added, .deleted])
            #expect(changes.allSatisfy { $0.origin == .list && $0.applications == ["relist"] })
            #expect(changes.first?.object[path: "template", "spec", "containers"]?[0]?["image"] == "a:1")
            #expect(await h.names(application: "relist") == ["changed", "missed", "same"])
        }
    }

    @Test("in a steady state the cache sends no lists, renews no watches and writes nothing")
    func steadyState() async throws {
        let kinds = [("v1", "ConfigMap"), ("v1", "PodTemplate"), ("apps/v1", "Deployment")]
        try await CacheHarness.run(watching: kinds) { h in
            _ = try await h.writer.create(Fixtures.configMap("steady", namespace: h.namespace, app: "shop"))
            let ref = Fixtures.configMapRef("steady", namespace: h.namespace)
            #expect(try await CacheHarness.eventually { await h.cache.object(ref) != nil })
            let before = h.cacheClient.requestCounts()
            #expect(before["list", default: 0] >= 3)
            #expect(before["watch", default: 0] >= 3)
            try await Task.sleep(for: .seconds(3))
            #expect(h.cacheClient.requestCounts() == before)
            #expect(h.cacheWrites().isEmpty)
            #expect(await h.cache.statistics().relists == 0)
            #expect(await h.cache.errors().isEmpty)
        }
    }

    @Test("stop ends every informer: no more requests, no more changes, finished streams")
    func stop() async throws {
        try await CacheHarness.run(watching: Self.configMaps) { h in
            let configMaps = try await h.writer.resource(apiVersion: "v1", kind: "ConfigMap")
            await h.cache.stop()
            let after = h.cacheClient.requestCounts()
            let ref = Fixtures.configMapRef("late", namespace: h.namespace)
            _ = try await h.writer.create(Fixtures.configMap("late", namespace: h.namespace, app: "shop"))
            await h.cache.watch([configMaps])
            for await change in await h.cache.changes() { Issue.record("a stopped cache published \(change)") }
            let error = await #expect(throws: CacheSyncError.self) { try await h.cache.waitUntilSynced([configMaps]) }
            #expect(error?.code == .stopped)
            try await Task.sleep(for: .seconds(1))
            #expect(h.cacheClient.requestCounts() == after)
            #expect(await h.cache.object(ref) == nil)
            #expect(await !h.cache.hasSynced(configMaps))
        }
    }

    @Test("a Forbidden resource type fails alone, is reported, and restarts once allowed")
    func forbiddenType() async throws {
        let cluster = try await TestCluster.shared()
        let admin = try cluster.adminClient()
        do {
            try await cluster.withNamespace(admin) { ns in
                let token = try await ServiceAccounts.token(admin, namespace: ns, name: "reader")
                let role = try await ServiceAccounts.allowClusterWide(
                    admin, namespace: ns, name: "reader", resources: ["configmaps"])
                do {
                    try await Self.watchWithPartialAccess(admin: admin, namespace: ns, token: token)
                } catch {
                    try? await ServiceAccounts.revoke(admin, role: role)
                    throw error
                }
                try await ServiceAccounts.revoke(admin, role: role)
            }
        } catch {
            await admin.shutdown()
            throw error
        }
        await admin.shutdown()
    }

    /// The body of ``forbiddenType()``: a cache reading as a user who may watch ConfigMaps but not PodTemplates.
    static func watchWithPartialAccess(admin: KubeClient, namespace ns: String, token: String) async throws {
        let asServiceAccount = { (cluster: TestCluster) throws -> KubeClient in
            var connection = try KubeConfig.load(files: [cluster.adminKubeconfig]).connection()
            connection.user = KubeConfig.User()
            connection.user.token = token
            return try KubeClient(connection: connection)
        }
        try await CacheHarness.run(watching: [], cacheClient: asServiceAccount) { h in
            let configMaps = try await h.writer.resource(apiVersion: "v1", kind: "ConfigMap")
            let templates = try await h.writer.resource(apiVersion: "v1", kind: "PodTemplate")
            await h.cache.watch([configMaps, templates])
            let failure = await #expect(throws: CacheSyncError.self) {
                try await h.cache.waitUntilSynced([configMaps, templates])
            }
            #expect(failure?.code == .watchFailed)
            #expect(failure?.resource == templates)
            #expect(failure?.cause?.code == .forbidden)
            #expect(await h.cache.errors().mapValues(\.code) == [templates: .forbidden])

            try await h.cache.waitUntilSynced([configMaps])
            let ref = Fixtures.configMapRef("still", namespace: h.namespace)
            _ = try await h.writer.create(Fixtures.configMap("still", namespace: h.namespace, app: "shop"))
            #expect(try await CacheHarness.eventually { await h.cache.object(ref) != nil })

            try await ServiceAccounts.allowClusterWide(
                admin, namespace: ns, name: "reader", resources: ["configmaps", "podtemplates"])
            // RBAC changes reach the authorizer shortly after; restart until one is let through.
            let synced = try await CacheHarness.eventually {
                await h.cache.watch([templates])
                do {
                    try await h.cache.waitUntilSynced([templates])
                    return true
                } catch {
                    return false
                }
            }
            #expect(synced)
            #expect(await h.cache.errors().isEmpty)
            #expect(await h.cache.resourceTypes() == [configMaps, templates])
        }
    }
}

extension LiveObjectCache {
    /// Feeds `changes` as if the informer of `type` had reported them, then returns the relist
    /// count and a change stream starting right after, in one step so no relist slips between.
    func fallBehind(_ changes: [ResourceChange], type: GroupKind) -> (Int, AsyncStream<CacheChange>) {
        for change in changes { receive(change, for: type) }
        return (statistics().relists, self.changes())
    }
}
