import Foundation
import GitSource
import KubeCache
import KubeClient
import Logging
import MoorCore
import MoorTestSupport
import Sync
import Testing

@testable import Controller

/// Destinations in many clusters: a destination names the controller's own cluster or one
/// registered by a Secret labelled `moor.dev/secret-type: cluster`; objects land only there.
@Suite("Cluster destinations")
struct ClusterDestinationTests {
    @Test(
        "which destinations name the controller's own cluster",
        arguments: [
            (ApplicationDestination(), true),
            (ApplicationDestination(namespace: "web"), true),
            (ApplicationDestination(name: "in-cluster"), true),
            (ApplicationDestination(server: "https://kubernetes.default.svc"), true),
            (ApplicationDestination(server: "https://kubernetes.default.svc/"), true),
            (ApplicationDestination(server: "https://127.0.0.1:6443"), true),
            (ApplicationDestination(name: "second"), false),
            (ApplicationDestination(name: "second", server: "https://kubernetes.default.svc"), false),
            (ApplicationDestination(server: "https://10.1.2.3:6443"), false),
        ])
    func local(destination: ApplicationDestination, isLocal: Bool) async throws {
        let client = try KubeClient(connection: ClusterConnection(server: "https://127.0.0.1:6443"))
        let registry = ClusterRegistry(
            local: SyncEngine(client: client), cache: LiveObjectCache(client: client), namespace: "moor",
            logger: Logger(label: "test"))
        #expect(await registry.isLocal(destination) == isLocal)
        await client.shutdown()
    }

    @Test(
        "an application whose destination names a registered cluster deploys there, and only there; moved to another cluster, it leaves nothing behind with prune"
    )
    func secondCluster() async throws {
        try await SecondControlPlane.run(name: "controller-second") { plane in
            let second = try plane.adminClient()
            let outcome: Result<Void, any Error>
            do {
                try await Self.deploy(to: second, kubeconfig: plane.adminKubeconfigText())
                outcome = .success(())
            } catch {
                outcome = .failure(error)
            }
            await second.shutdown()
            try outcome.get()
        }
    }

    /// Runs applications whose destinations name the cluster `second` reaches, by name and by server URL.
    private static func deploy(to second: KubeClient, kubeconfig: String) async throws {
        try await ControllerHarness.multiCluster { harness in
            let namespace = harness.namespace
            _ = try await second.create(
                ["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": .string(namespace)]])
            try await harness.registerCluster("second", kubeconfig: kubeconfig)
            try await harness.repository.commit(
                "first",
                files: [
                    "app/a.yaml": ControllerHarness.configMap("a", "one"),
                    "other/b.yaml": ControllerHarness.configMap("b", "two"),
                ])
            let byName = harness.application(
                "named", path: "app", destination: .init(name: "second", namespace: namespace), selfHeal: true)
            let byServer = harness.application(
                "by-server", path: "other",
                destination: .init(server: second.connection.server, namespace: namespace), selfHeal: false)
            try await harness.controller.manage([byName, byServer])

            let a = ObjectRef(apiVersion: "v1", kind: "ConfigMap", namespace: namespace, name: "a")
            let b = ObjectRef(apiVersion: "v1", kind: "ConfigMap", namespace: namespace, name: "b")
            try await harness.eventually("both applications are synced") {
                let named = await harness.controller.status(of: byName.name)?.sync.status
                let byURL = await harness.controller.status(of: byServer.name)?.sync.status
                return named == .synced && byURL == .synced
            }
            #expect(try await second.get(a)[path: "data", "key"] == "one")
            #expect(try await second.get(b)[path: "data", "key"] == "two")
            for ref in [a, b] {
                await #expect(throws: KubeAPIError.self, "\(ref.name) is not in the controller's cluster") {
                    _ = try await harness.client.get(ref)
                }
            }
            #expect(harness.controllerWrites() == 0, "nothing is written to the controller's own cluster")

            // The poll interval is a minute: only the second cluster's live-object cache can see this edit.
            _ = try await second.mergePatch(a, patch: ["data": ["key": "by hand"]])
            try await harness.eventually("the edit in the second cluster is healed") {
                try await second.get(a)[path: "data", "key"] == "one"
            }
            #expect(harness.controllerWrites() == 0)

            // A new destination cluster, the controller's own: with prune, what was left in the second goes.
            var moved = byName
            moved.spec.destination = .init(namespace: namespace)
            moved.spec.syncPolicy.automated = AutomatedSync(prune: true, selfHeal: true)
            try await harness.controller.manage([moved, byServer])
            try await harness.eventually("the application is synced into the controller's cluster") {
                let status = await harness.controller.status(of: moved.name)
                return status?.sync.status == .synced && status?.sync.destination == moved.spec.destination
            }
            #expect(try await harness.client.get(a)[path: "data", "key"] == "one")
            try await harness.eventually("the object left in the second cluster is pruned") {
                do {
                    _ = try await second.get(a)
                    return false
                } catch let error as KubeAPIError where error.code == .notFound {
                    return true
                }
            }
            #expect(try await second.get(b)[path: "data", "key"] == "two", "the other application's object stays")
        }
    }

    @Test("an unknown destination sets a ComparisonError and writes nothing; registering the cluster recovers")
    func unknownCluster() async throws {
        try await ControllerHarness.multiCluster(pollInterval: .milliseconds(500)) { harness in
            try await harness.repository.commit(
                "first", files: ["app/a.yaml": ControllerHarness.configMap("a", "one")])
            let application = harness.application(
                "unknown", path: "app", destination: .init(name: "later", namespace: harness.namespace),
                selfHeal: false)
            try await harness.controller.manage([application])
            try await harness.eventually("a ComparisonError is recorded") {
                await harness.controller.status(of: application.name)?.conditions.map(\.type) == ["ComparisonError"]
            }
            let message = try #require(await harness.controller.status(of: application.name)?.conditions.first?.message)
            #expect(message.contains("\"later\" is not registered"), "\(message)")
            #expect(message.contains(harness.namespace), "\(message)")
            #expect(await harness.controller.statistics().syncs == 0)
            #expect(harness.controllerWrites() == 0)
            let a = ObjectRef(apiVersion: "v1", kind: "ConfigMap", namespace: harness.namespace, name: "a")
            await #expect(throws: KubeAPIError.self) { _ = try await harness.client.get(a) }

            // The same cluster registered under the name `later`: the next reconcile finds it.
            let cluster = try await TestCluster.shared()
            try await harness.registerCluster(
                "later", kubeconfig: String(contentsOfFile: cluster.adminKubeconfig, encoding: .utf8))
            try await harness.eventually("the application is synced once its cluster is registered") {
                await harness.controller.status(of: application.name)?.sync.status == .synced
            }
            #expect(try await harness.client.get(a)[path: "data", "key"] == "one")
            #expect(await harness.controller.status(of: application.name)?.conditions.isEmpty == true)
        }
    }

    @Test("a cluster Secret whose kubeconfig does not parse is named in the condition, its contents are not")
    func invalidSecret() async throws {
        try await ControllerHarness.multiCluster { harness in
            try await harness.repository.commit("first", files: ["app/a.yaml": ControllerHarness.configMap("a", "1")])
            try await harness.registerCluster(
                "broken", kubeconfig: "users: [{name: u, user: {token: s3cr3t-value}}]\nclusters: [{unclosed: s3cr3t")
            let application = harness.application(
                "broken", path: "app", destination: .init(name: "broken", namespace: harness.namespace),
                selfHeal: false)
            try await harness.controller.manage([application])
            try await harness.eventually("a ComparisonError is recorded") {
                await harness.controller.status(of: application.name)?.conditions.map(\.type) == ["ComparisonError"]
            }
            let message = try #require(await harness.controller.status(of: application.name)?.conditions.first?.message)
            #expect(message.contains("cluster-broken"), "\(message)")
            #expect(!message.contains("s3cr3t"), "\(message)")
            #expect(harness.controllerWrites() == 0)
        }
    }
}

/// Multi-cluster helpers: the controller reads cluster Secrets from the test namespace.
extension ControllerHarness {
    /// Runs `body` with a started controller whose cluster Secrets live in the test namespace.
    static func multiCluster(
        pollInterval: Duration = .seconds(60), _ body: (ControllerHarness) async throws -> Void
    ) async throws {
        try await run(pollInterval: pollInterval, clusterSecretsInNamespace: true, body)
    }

    /// An application deploying `path` of the test repository's `main` to `destination`, with automated
    /// sync; its name carries the namespace, as tracking ids are cluster-wide.
    func application(
        _ prefix: String, path: String, destination: ApplicationDestination, selfHeal: Bool
    ) -> Application {
        Application(
            name: "\(prefix)-\(namespace)",
            spec: ApplicationSpec(
                source: ApplicationSource(repoURL: repository.fileURL, targetRevision: "main", path: path),
                destination: destination, syncPolicy: SyncPolicy(automated: AutomatedSync(selfHeal: selfHeal))))
    }

    /// Registers the cluster `name` by a Secret `cluster-<name>` in the test namespace.
    func registerCluster(_ name: String, kubeconfig: String) async throws {
        let data: JSONValue = [
            "name": .string(Data(name.utf8).base64EncodedString()),
            "kubeconfig": .string(Data(kubeconfig.utf8).base64EncodedString()),
        ]
        _ = try await other.create(
            [
                "apiVersion": "v1", "kind": "Secret",
                "metadata": [
                    "name": .string("cluster-\(name)"), "namespace": .string(namespace),
                    "labels": ["moor.dev/secret-type": "cluster"],
                ],
                "type": "Opaque", "data": data,
            ])
    }
}
