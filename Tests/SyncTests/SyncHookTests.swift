import Foundation
import KubeClient
import MoorCore
import MoorTestSupport
import Testing

@testable import Sync

/// Hooks as Helm charts and Argo CD users write them, against a real API server; hook Jobs run for real on
/// the plane with a kubelet (their Pods in the locally built busybox image).
@Suite("Sync hooks against a real API server")
struct SyncHookTests {
    static let helmMigration = """
        apiVersion: batch/v1
        kind: Job
        metadata:
          name: db-migrate
          annotations:
            helm.sh/hook: pre-install,pre-upgrade
            helm.sh/hook-weight: "-5"
            helm.sh/hook-delete-policy: before-hook-creation,hook-succeeded
        spec:
          backoffLimit: 0
          template:
            spec:
              restartPolicy: Never
              containers:
              - name: migrate
                image: moor.local/busybox:1
                imagePullPolicy: Never
                command: ["true"]
        """

    static let helmTestPod = """
        apiVersion: v1
        kind: Pod
        metadata:
          name: web-test-x7k2p
          annotations:
            helm.sh/hook: test
        spec:
          restartPolicy: Never
          containers:
          - name: wget
            image: busybox:1.36
            command: ["wget", "web:80"]
        """

    static let argoMigration = """
        apiVersion: batch/v1
        kind: Job
        metadata:
          generateName: schema-migrate-
          annotations:
            argocd.argoproj.io/hook: PreSync
        spec:
          backoffLimit: 0
          template:
            spec:
              restartPolicy: Never
              containers:
              - name: migrate
                image: moor.local/busybox:1
                imagePullPolicy: Never
                command: ["true"]
        """

    static func job(_ name: String, namespace: String) -> ObjectRef {
        SyncEngineTests.ref("Job", name, namespace: namespace, apiVersion: "batch/v1")
    }

    /// The Jobs of `namespace` whose name starts with `prefix`.
    static func jobs(_ client: KubeClient, _ namespace: String, prefix: String) async throws -> [String] {
        try await client.list(try await client.resource(apiVersion: "batch/v1", kind: "Job"), namespace: namespace)
            .items.compactMap { $0[path: "metadata", "name"]?.stringValue }.filter { $0.hasPrefix(prefix) }
    }

    @Test("a Helm chart's hooks run in weight order at their phase; its test Pod is never applied")
    func helmHooks() async throws {
        try await SyncEngineTests().withEngine(pods: true) { engine, client, ns in
            let seed = SyncEngineTests.configMap(
                "seed", annotations: "    helm.sh/hook: pre-install\n    helm.sh/hook-weight: \"0\"")
            let desired = try SyncEngineTests.manifests(
                [Self.helmMigration, seed, Self.helmTestPod, SyncEngineTests.configMap("app")]
                    .joined(separator: "\n---\n"))
            let app = SyncEngineTests.application("chart", namespace: ns)
            let recorder = EventRecorder()
            let result = try await engine.sync(app, desired: desired) { recorder.record($0) }
            #expect(result.succeeded, "\(result.message)")
            #expect(recorder.finishedNames() == ["db-migrate", "seed", "app"], "weight -5 completes before weight 0")
            #expect(result.objects.prefix(2).map(\.action) == [.hookSucceeded, .hookSucceeded])
            try await eventually { (try? await client.get(Self.job("db-migrate", namespace: ns))) == nil }
            let testPod = await #expect(throws: KubeAPIError.self) {
                _ = try await client.get(SyncEngineTests.ref("Pod", "web-test-x7k2p", namespace: ns))
            }
            #expect(testPod?.code == .notFound, "a helm test hook is not an application object")
            let comparison = try await engine.compare(app, desired: desired, prune: true)
            #expect(comparison.syncStatus == .synced)
            #expect(comparison.objects.map(\.ref.name) == ["app"])
        }
    }

    @Test("a finished hook is never extraneous nor pruned: only its delete policy removes it")
    func hooksAreNotPruned() async throws {
        try await SyncEngineTests().withEngine { engine, client, ns in
            let desired = try SyncEngineTests.manifests(
                [
                    SyncEngineTests.configMap("marker", annotations: "    argocd.argoproj.io/hook: PreSync"),
                    SyncEngineTests.configMap("app"),
                ].joined(separator: "\n---\n"))
            let app = SyncEngineTests.application("unpruned", namespace: ns, share: 1)
            let first = try await engine.sync(app, desired: desired, options: .init(prune: true))
            #expect(first.succeeded, "\(first.message)")
            let comparison = try await engine.compare(app, desired: desired, prune: true)
            #expect(comparison.syncStatus == .synced)
            #expect(!comparison.objects.contains { $0.state == .extraneous })
            let second = try await engine.sync(app, desired: desired, options: .init(prune: true))
            #expect(second.succeeded, "\(second.message)")
            #expect(!second.objects.contains { $0.action == .pruned })
            _ = try await client.get(SyncEngineTests.ref("ConfigMap", "marker", namespace: ns))
        }
    }

    @Test("a generateName hook is created at each run, followed by its server-given name, its last run replaced")
    func generateNameHook() async throws {
        try await SyncEngineTests().withEngine(pods: true) { engine, client, ns in
            let desired = try SyncEngineTests.manifests(
                Self.argoMigration + "\n---\n" + SyncEngineTests.configMap("app"))
            let app = SyncEngineTests.application("generated", namespace: ns, share: 1)
            let first = try await engine.sync(app, desired: desired, options: .init(prune: true))
            let firstRun = try #require(first.objects.first?.ref.name)
            #expect(first.succeeded, "\(first.message)")
            #expect(first.objects.first?.ref.kind == "Job")
            #expect(first.objects.first?.action == .hookSucceeded)
            #expect(firstRun.hasPrefix("schema-migrate-") && firstRun != "schema-migrate-")
            #expect(try await Self.jobs(client, ns, prefix: "schema-migrate-") == [firstRun])
            #expect(try await engine.compare(app, desired: desired, prune: true).syncStatus == .synced)

            let second = try await engine.sync(app, desired: desired, options: .init(prune: true))
            let secondRun = try #require(second.objects.first?.ref.name)
            #expect(second.succeeded, "\(second.message)")
            #expect(secondRun.hasPrefix("schema-migrate-") && secondRun != firstRun, "a new run, named by the server")
            #expect(!second.objects.contains { $0.action == .pruned })
            try await eventually { try await Self.jobs(client, ns, prefix: "schema-migrate-") == [secondRun] }
        }
    }

    @Test("a hook that does not complete fails after the hook timeout; the wait is reported meanwhile")
    func hookTimeout() async throws {
        try await SyncEngineTests().withEngine { engine, _, ns in
            var impatient = engine
            impatient.hookTimeout = .seconds(1)
            let desired = try SyncEngineTests.manifests(
                SyncEngineTests.job("never", hook: "PreSync") + "\n---\n" + SyncEngineTests.configMap("app"))
            let recorder = EventRecorder()
            let app = SyncEngineTests.application("slow", namespace: ns)
            let result = try await impatient.sync(app, desired: desired) { recorder.record($0) }
            #expect(!result.succeeded)
            #expect(result.objects.map(\.action) == [.hookFailed])
            #expect(result.message.contains("did not complete within 1 s"), "\(result.message)")
            #expect(result.message.contains("--hook-timeout"))
            let waits = recorder.waits()
            #expect(waits.first?.what == "hook Job \(ns)/never")
            #expect(waits.allSatisfy { $0.timeout == .seconds(1) })
        }
    }
}
