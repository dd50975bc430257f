import KubeClient
import MoorCore
import MoorTestSupport
import Testing

@testable import Sync

/// A comparison told what the live-object cache knows of managed objects (``ManagedObjects``), in process
/// against ``InMemoryCluster``: which untracked desired objects it still reads from the cluster.
@Suite("Managed objects spare a comparison's reads")
struct ManagedObjectsTests {
    static let namespace = "shop"

    /// `made-by-hand` exists unlabelled; `taken` is cached as another application's; Secrets are of a type
    /// the cache does not hold whole; every other ConfigMap is managed by no application.
    static func setUp() async throws -> (InMemoryCluster, ManagedObjects, [ManifestObject]) {
        let cluster = InMemoryCluster()
        let hand = try #require(try SyncEngineTests.manifests(SyncEngineTests.configMap("made-by-hand")).first)
        var existing = hand.object
        existing[path: "metadata", "namespace"] = .string(namespace)
        _ = try await cluster.apply(existing, fieldManager: "kubectl", force: false, dryRun: false)
        let takenRef = ObjectRef(apiVersion: "v1", kind: "ConfigMap", namespace: namespace, name: "taken")
        let taken = TrackingID(application: "other", ref: takenRef).stamp([
            "apiVersion": "v1", "kind": "ConfigMap",
            "metadata": ["name": "taken", "namespace": .string(namespace)], "data": ["key": "theirs"],
        ])
        let managed = ManagedObjects { ref in
            if ref.name == "taken" { return .managed(taken) }
            return ref.kind == "Secret" ? .unknown : .unmanaged
        }
        let desired = try SyncEngineTests.manifests(
            [
                SyncEngineTests.configMap("new"), SyncEngineTests.configMap("made-by-hand"),
                SyncEngineTests.configMap("taken"),
                SyncEngineTests.configMap(
                    "replaced", annotations: "    argocd.argoproj.io/sync-options: Replace=true"),
                "apiVersion: v1\nkind: Secret\nmetadata: {name: token}\nstringData: {key: v}",
            ].joined(separator: "\n---\n"))
        return (cluster, managed, desired)
    }

    @Test(
        "an automated application reads only what the cache cannot answer (a type it does not hold whole, Replace=true); another application's cached object is shared"
    )
    func automated() async throws {
        let (cluster, managed, desired) = try await Self.setUp()
        var application = SyncEngineTests.application("auto", namespace: Self.namespace)
        application.spec.syncPolicy.automated = AutomatedSync()
        let comparison = try await SyncEngine(client: cluster).compare(
            application, desired: desired, tracked: [], managed: managed)
        let gets = cluster.requestCounts()["get", default: 0]
        #expect(gets == 2, "the Secret and the Replace=true ConfigMap only")
        #expect(comparison.state(of: Self.ref("ConfigMap", "new"))?.state == .missing)
        #expect(comparison.state(of: Self.ref("ConfigMap", "made-by-hand"))?.state == .missing, "adopted by the apply")
        let taken = try #require(comparison.state(of: Self.ref("ConfigMap", "taken")))
        #expect(taken.state == .outOfSync && taken.ownership == .shared(with: "other"))
        #expect(comparison.state(of: Self.ref("Secret", "token"))?.state == .missing)

        _ = await SyncEngine(client: cluster).sync(comparison, of: application.name)
        let adopted = try #require(cluster.object(Self.ref("ConfigMap", "made-by-hand")))
        #expect(TrackingID.application(of: adopted) == application.name, "the apply adopted the hand-made object")
        #expect(cluster.object(Self.ref("ConfigMap", "taken")) == nil, "the other application's object is not written")
    }

    @Test("an application synced by hand reads every untracked object the cache does not hold, to show its diff")
    func manual() async throws {
        let (cluster, managed, desired) = try await Self.setUp()
        let application = SyncEngineTests.application("manual", namespace: Self.namespace)
        let comparison = try await SyncEngine(client: cluster).compare(
            application, desired: desired, tracked: [], managed: managed)
        #expect(cluster.requestCounts()["get", default: 0] == 4, "all but the cached one")
        #expect(comparison.state(of: Self.ref("ConfigMap", "made-by-hand"))?.state == .outOfSync)
        #expect(comparison.state(of: Self.ref("ConfigMap", "new"))?.state == .missing)
    }

    static func ref(_ kind: String, _ name: String) -> ObjectRef {
        ObjectRef(apiVersion: "v1", kind: kind, namespace: namespace, name: name)
    }
}
