import Foundation
import KubeClient
import MoorCore
import MoorTestSupport
import MoorYAML
import Testing

/// `moor sync`, `diff` and `status` as whole processes, from a real Git repository into the real
/// API server.
@Suite("moor sync, diff and status")
struct CommandLineTests {
    static let secretValue = "correct-horse-battery-staple"

    func withRepository(
        _ body: (GitTestRepository, String, [String: String], KubeClient) async throws -> Void
    ) async throws {
        let cluster = try await TestCluster.shared()
        let client = try cluster.adminClient()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("moor-cli-\(UUID().uuidString)")
        do {
            try await cluster.withNamespace(client) { ns in
                let repository = try await GitTestRepository.create(at: directory.appendingPathComponent("repo").path)
                let environment = [
                    "KUBECONFIG": cluster.adminKubeconfig, "MOOR_CACHE_DIR": directory.appendingPathComponent("cache").path,
                ]
                try await body(repository, ns, environment, client)
            }
        } catch {
            await client.shutdown()
            throw error
        }
        await client.shutdown()
        try? FileManager.default.removeItem(at: directory)
    }

    static func files(password: String, replicas: Int = 1) -> [String: String] {
        [
            "app/secret.yaml": """
            apiVersion: v1
            kind: Secret
            metadata: {name: db}
            stringData: {password: "\(password)"}
            """,
            "app/config.yaml": """
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: settings}
            data: {replicas: "\(replicas)"}
            """,
        ]
    }

    @Test("sync, status, diff exit codes and JSON; secret values never printed")
    func roundTrip() async throws {
        try await withRepository { repository, ns, environment, _ in
            try await repository.commit("first", files: Self.files(password: Self.secretValue))
            let app = ["--name", "cli", "--repo", repository.fileURL, "--revision", "main", "--path", "app",
                       "--dest-namespace", ns]
            let sync = try MoorCommand.run(["sync"] + app, environment: environment)
            #expect(sync.status == 0, "\(sync.error)")
            #expect(sync.output.contains("Synced cli at"))
            #expect(sync.output.contains("created"))

            let inSync = try MoorCommand.run(["diff"] + app, environment: environment)
            #expect(inSync.status == 0, "\(inSync.output)\(inSync.error)")

            let status = try MoorCommand.run(["status", "-o", "json"] + app, environment: environment)
            #expect(status.status == 0)
            let report = try JSONValue(parsing: status.output)
            #expect(report["syncStatus"] == "Synced")
            #expect(report[path: "revision", "subject"] == "first")

            try await repository.commit("rotate", files: Self.files(password: "an0ther-" + Self.secretValue, replicas: 3))
            let changed = try MoorCommand.run(["diff", "--no-color"] + app, environment: environment)
            #expect(changed.status == 1)
            #expect(changed.output.contains("data.password"))
            #expect(changed.output.contains("replicas: \"3\""))
            let json = try MoorCommand.run(["diff", "-o", "json"] + app, environment: environment)
            #expect(json.status == 1)
            #expect(try JSONValue(parsing: json.output)["syncStatus"] == "OutOfSync")
            let second = try MoorCommand.run(["sync", "-o", "json"] + app, environment: environment)
            #expect(second.status == 0)
            #expect(try JSONValue(parsing: second.output)["writes"] == 2)

            for run in [sync, inSync, status, changed, json, second] {
                for text in [Self.secretValue, Data(Self.secretValue.utf8).base64EncodedString()] {
                    #expect(!run.output.contains(text) && !run.error.contains(text))
                }
            }
        }
    }

    @Test("a broken manifest names its file and line, changes nothing, and prunes nothing")
    func brokenRenderChangesNothing() async throws {
        try await withRepository { repository, ns, environment, client in
            try await repository.commit("good", files: Self.files(password: "x"))
            let app = ["--name", "broken", "--repo", repository.fileURL, "--path", "app", "--dest-namespace", ns]
            #expect(try MoorCommand.run(["sync"] + app, environment: environment).status == 0)
            try await repository.commit("bad", files: ["app/config.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: [oops\n"])
            let failed = try MoorCommand.run(["sync", "--prune"] + app, environment: environment)
            #expect(failed.status != 0)
            #expect(failed.error.contains("app/config.yaml:"))
            let status = try MoorCommand.run(["status", "-o", "json"] + app.filter { $0 != "--prune" },
                                             environment: environment)
            #expect(status.status != 0, "the broken commit cannot be rendered for status either")
            let kept = try await client.get(ObjectRef(apiVersion: "v1", kind: "ConfigMap", namespace: ns, name: "settings"))
            #expect(kept["data"] == ["replicas": "1"])
            _ = try await client.get(ObjectRef(apiVersion: "v1", kind: "Secret", namespace: ns, name: "db"))
        }
    }

    @Test("--hook-timeout bounds a hook's wait, and the wait is printed while it lasts")
    func hookTimeout() async throws {
        try await withRepository { repository, ns, environment, _ in
            try await repository.commit("hook", files: [
                "app/migrate.yaml": """
                apiVersion: batch/v1
                kind: Job
                metadata:
                  generateName: schema-migrate-
                  annotations: {argocd.argoproj.io/hook: PreSync}
                spec:
                  backoffLimit: 0
                  template:
                    spec:
                      restartPolicy: Never
                      containers: [{name: migrate, image: "busybox:1.36", command: ["true"]}]
                """,
            ])
            let app = ["--name", "hooked", "--repo", repository.fileURL, "--path", "app", "--dest-namespace", ns]
            let sync = try MoorCommand.run(["sync", "--hook-timeout", "1"] + app, environment: environment)
            #expect(sync.status == 1)
            #expect(sync.error.contains("  waiting for hook Job \(ns)/schema-migrate-"), "\(sync.error)")
            #expect(sync.error.contains(" s of 1 s)"))
            #expect((sync.output + sync.error).contains("did not complete within 1 s"))
            let refused = try MoorCommand.run(["sync", "--hook-timeout", "0"] + app, environment: environment)
            #expect(refused.status != 0)
            #expect(refused.error.contains("--hook-timeout must be positive"), "\(refused.error)")
        }
    }

    @Test("moor install prints the CRDs, RBAC, controller Deployment and Service, which the API server accepts")
    func install() async throws {
        let crds = try MoorCommand.run(["install", "--crds-only"])
        #expect(
            try YAMLReader.documents(crds.output).map { $0.value[path: "metadata", "name"] }
                == ["applications.moor.dev", "applicationsets.moor.dev"])
        let install = try MoorCommand.run(["install", "--namespace", "moor-install-test"])
        #expect(install.status == 0)
        let objects = try YAMLReader.documents(install.output).map(\.value)
        #expect(objects.compactMap { $0["kind"]?.stringValue } == [
            "CustomResourceDefinition", "CustomResourceDefinition", "Namespace", "ServiceAccount", "ClusterRole",
            "ClusterRoleBinding", "Deployment", "Service",
        ])
        let cluster = try await TestCluster.shared()
        let client = try cluster.adminClient()
        do {
            for object in objects {
                // Cluster-wide objects are checked by a dry run; the namespace must exist for the rest.
                let dryRun = object["kind"] != "CustomResourceDefinition" && object["kind"] != "Namespace"
                _ = try await client.apply(object, fieldManager: "moor-install-test", dryRun: dryRun)
            }
            try await client.delete(ObjectRef(apiVersion: "v1", kind: "Namespace", name: "moor-install-test"))
        } catch {
            await client.shutdown()
            throw error
        }
        await client.shutdown()
    }

    @Test("moor version prints the version")
    func version() throws {
        let version = try MoorCommand.run(["version"])
        #expect(version.output.hasPrefix("moor "))
    }
}
