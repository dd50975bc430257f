import KubeClient
import MoorCore
import MoorTestSupport
import Testing

@testable import Sync

/// An untracked object the live-object cache says no application manages (``ManagedObjects``) is
/// reported `Missing` without a read and created by a create-only apply; when it exists after all, it
/// is read and treated exactly as a `GET` would have had it. In process here; against the API server
/// in ``SyncEngineTests`` (the server's own precondition is what makes it safe).
@Suite("Create-only apply of unread objects")
struct CreateOnlyApplyTests {
    static let namespace = "shop"

    /// A cache that claims to lack every object, as one running behind the server would.
    static let lacksEverything = ManagedObjects { _ in true }

    static func application(_ name: String, automated: Bool = true) -> Application {
        var application = SyncEngineTests.application(name, namespace: namespace)
        if automated { application.spec.syncPolicy.automated = AutomatedSync(prune: false, selfHeal: false) }
        return application
    }

    static func desired() throws -> [ManifestObject] {
        try SyncEngineTests.manifests(
            [
                SyncEngineTests.configMap("fresh"), SyncEngineTests.configMap("taken"),
                SyncEngineTests.configMap("by-hand"),
            ]
            .joined(separator: "\n---\n"))
    }

    static func ref(_ name: String) -> ObjectRef {
        SyncEngineTests.ref("ConfigMap", name, namespace: namespace)
    }

    /// A cluster holding `taken`, synced by the application `owner`, and `by-hand`, made without Moor.
    static func cluster() async throws -> InMemoryCluster {
        let cluster = InMemoryCluster()
        let engine = SyncEngine(client: cluster)
        let owned = try SyncEngineTests.manifests(SyncEngineTests.configMap("taken", "owner's"))
        let first = try await engine.sync(application("owner"), desired: owned)
        #expect(first.succeeded, "\(first.message)")
        _ = try await cluster.create(
            [
                "apiVersion": "v1", "kind": "ConfigMap",
                "metadata": ["name": "by-hand", "namespace": .string(namespace)],
            ],
            fieldManager: "kubectl", dryRun: false)
        return cluster
    }

    /// ``cluster()``, an engine on it, the automated application `shop`, and its comparison of ``desired()``
    /// with a cache that lacks everything: every object unread.
    static func comparedUnread() async throws -> (
        InMemoryCluster, SyncEngine<InMemoryCluster>, Application, ApplicationComparison
    ) {
        let cluster = try await Self.cluster()
        let engine = SyncEngine(client: cluster)
        let application = Self.application("shop")
        let comparison = try await engine.compare(
            application, desired: try Self.desired(), tracked: [], managed: Self.lacksEverything)
        return (cluster, engine, application, comparison)
    }

    @Test("an unread object is created by one apply and no GET; one that exists is read, then refused or adopted")
    func unreadObjects() async throws {
        let (cluster, engine, application, comparison) = try await Self.comparedUnread()
        #expect(comparison.objects.map(\.ref.name) == ["by-hand", "fresh", "taken"])
        #expect(comparison.objects.map(\.unread) == [true, true, true])
        #expect(comparison.objects.map(\.state) == [.missing, .missing, .missing])
        let before = cluster.requestCounts()
        let result = await engine.sync(comparison, of: application.name)
        let after = cluster.requestCounts()

        #expect(result.objects.map(\.action) == [.configured, .created, .failed])
        #expect(result.objects[2].message.contains("owner"), "\(result.objects[2].message)")
        #expect(
            cluster.object(Self.ref("taken"))?[path: "data", "key"] == "owner's",
            "another application's object is left as it was")
        #expect(cluster.object(Self.ref("by-hand"))?[path: "data", "key"] == "v", "an object made by hand is adopted")
        #expect(
            cluster.object(Self.ref("fresh"))?[path: "metadata", "annotations", "moor.dev/tracking-id"]
                == .string("\(application.name):/ConfigMap:\(Self.namespace)/fresh"))
        #expect(after["get", default: 0] - before["get", default: 0] == 2, "only the two that existed are read")
        #expect(
            after["apply", default: 0] - before["apply", default: 0] == 5,
            "three create-only applies (two refused), then the adopted object's dry run and apply")
    }

    @Test("objects are read as without a cache when the application syncs by hand, or the cache holds them")
    func readObjects() async throws {
        let cluster = try await Self.cluster()
        let engine = SyncEngine(client: cluster)
        let readsBefore = cluster.requestCounts()["get", default: 0]
        let manual = try await engine.compare(
            Self.application("manual", automated: false), desired: try Self.desired(), tracked: [],
            managed: Self.lacksEverything)
        #expect(manual.objects.map(\.unread) == [false, false, false])
        let holding = try await engine.compare(
            Self.application("shop"), desired: try Self.desired(), tracked: [], managed: ManagedObjects { _ in false })
        #expect(holding.objects.map(\.unread) == [false, false, false])
        #expect(holding.objects.map(\.state) == [.outOfSync, .missing, .outOfSync])
        #expect(cluster.requestCounts()["get", default: 0] - readsBefore == 6)
    }

    @Test("a dry run of an unread object writes nothing")
    func dryRun() async throws {
        let (cluster, engine, application, comparison) = try await Self.comparedUnread()
        let writes = cluster.writes
        let result = await engine.sync(comparison, of: application.name, options: SyncRunOptions(dryRun: true))
        #expect(result.objects.map(\.action) == [.created, .created, .created])
        #expect(cluster.writes == writes)
    }
}

extension SyncEngineTests {
    @Test("against the API server, a create-only apply creates an absent object and leaves an existing one as it is")
    func createOnlyApply() async throws {
        try await withEngine { engine, client, ns in
            let owner = Self.application("owner", namespace: ns)
            let owned = try Self.manifests(Self.configMap("taken", "owner's"))
            let first = try await engine.sync(owner, desired: owned)
            #expect(first.succeeded, "\(first.message)")

            var application = Self.application("late", namespace: ns)
            application.spec.syncPolicy.automated = AutomatedSync(prune: false, selfHeal: false)
            let desired = try Self.manifests(
                [Self.configMap("fresh"), Self.configMap("taken")].joined(separator: "\n---\n"))
            let comparison = try await engine.compare(
                application, desired: desired, tracked: [], managed: ManagedObjects { _ in true })
            #expect(comparison.objects.map(\.unread) == [true, true])
            let result = await engine.sync(comparison, of: application.name)
            #expect(result.objects.map(\.action) == [.created, .failed])
            #expect(result.objects[1].message.contains(owner.name), "\(result.objects[1].message)")

            let taken = try await client.get(Self.ref("ConfigMap", "taken", namespace: ns))
            #expect(taken[path: "data", "key"] == "owner's")
            #expect(
                taken[path: "metadata", "annotations", "moor.dev/tracking-id"]
                    == .string("\(owner.name):/ConfigMap:\(ns)/taken"))
            let fresh = try await client.get(Self.ref("ConfigMap", "fresh", namespace: ns))
            let managers = fresh[path: "metadata", "managedFields"]?.arrayValue ?? []
            #expect(managers.map { $0["manager"]?.stringValue } == ["moor"])
            #expect(managers.map { $0["operation"]?.stringValue } == ["Apply"], "created as an apply, fields owned")
            #expect(fresh[path: "metadata", "resourceVersion"] != "1")
        }
    }
}
