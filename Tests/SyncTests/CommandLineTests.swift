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
                    "KUBECONFIG": cluster.adminKubeconfig,
                    "MOOR_CACHE_DIR": directory.appendingPathComponent("cache").path,
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
            let app = [
                "--name", "cli", "--repo", repository.fileURL, "--revision", "main", "--path", "app",
                "--dest-namespace", ns,
            ]
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

            try await repository.commit(
                "rotate", files: Self.files(password: "an0ther-" + Self.secretValue, replicas: 3))
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

    @Test("diff and status say who changed a drifted field, how and when")
    func driftAttribution() async throws {
        try await withRepository { repository, ns, environment, _ in
            try await repository.commit("first", files: Self.files(password: "x"))
            let app = [
                "--name", "who", "--repo", repository.fileURL, "--revision", "main", "--path", "app",
                "--dest-namespace", ns,
            ]
            let sync = try MoorCommand.run(["sync"] + app, environment: environment)
            #expect(sync.status == 0, "\(sync.error)")
            try await TestCluster.shared().kubectl(
                ["-n", ns, "patch", "configmap/settings", "--type=merge", "-p", #"{"data":{"replicas":"9"}}"#])

            let diff = try MoorCommand.run(["diff", "--no-color"] + app, environment: environment)
            #expect(diff.status == 1)
            #expect(
                diff.output.contains(
                    "Changed in the cluster: ConfigMap \(ns)/settings\n  data.replicas: kubectl-patch, Update, 20"),
                "\(diff.output)")
            let status = try MoorCommand.run(["status"] + app, environment: environment)
            #expect(status.output.contains("  data.replicas: kubectl-patch, Update, 20"), "\(status.output)")
            let json = try JSONValue(
                parsing: try MoorCommand.run(["diff", "-o", "json"] + app, environment: environment).output)
            let settings = json["objects"]?.arrayValue?.first { $0[path: "ref", "name"] == "settings" }
            #expect(settings?["attributions"]?[0]?["manager"] == "kubectl-patch")
            #expect(settings?["attributions"]?[0]?["operation"] == "Update")
            #expect(settings?["attributions"]?[0]?["path"] == "data.replicas")
        }
    }

    @Test("a broken manifest names its file and line, changes nothing, and prunes nothing")
    func brokenRenderChangesNothing() async throws {
        try await withRepository { repository, ns, environment, client in
            try await repository.commit("good", files: Self.files(password: "x"))
            let app = ["--name", "broken", "--repo", repository.fileURL, "--path", "app", "--dest-namespace", ns]
            #expect(try MoorCommand.run(["sync"] + app, environment: environment).status == 0)
            try await repository.commit(
                "bad", files: ["app/config.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: [oops\n"])
            let failed = try MoorCommand.run(["sync", "--prune"] + app, environment: environment)
            #expect(failed.status != 0)
            #expect(failed.error.contains("app/config.yaml:"))
            let status = try MoorCommand.run(
                ["status", "-o", "json"] + app.filter { $0 != "--prune" },
                environment: environment)
            #expect(status.status != 0, "the broken commit cannot be rendered for status either")
            let kept = try await client.get(
                ObjectRef(apiVersion: "v1", kind: "ConfigMap", namespace: ns, name: "settings"))
            #expect(kept["data"] == ["replicas": "1"])
            _ = try await client.get(ObjectRef(apiVersion: "v1", kind: "Secret", namespace: ns, name: "db"))
        }
    }

    @Test("--hook-timeout bounds a hook's wait, and the wait is printed while it lasts")
    func hookTimeout() async throws {
        try await withRepository { repository, ns, environment, _ in
            try await repository.commit(
                "hook",
                files: [
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
                    """
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

    /// Runs `body` with a second namespace, deleted afterwards.
    func withSecondNamespace(_ client: KubeClient, _ ns: String, _ body: (String) async throws -> Void) async throws {
        let second = "\(ns)-b"
        _ = try await client.create(["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": .string(second)]])
        do {
            try await body(second)
        } catch {
            try? await client.delete(ObjectRef(apiVersion: "v1", kind: "Namespace", name: second))
            throw error
        }
        try? await client.delete(ObjectRef(apiVersion: "v1", kind: "Namespace", name: second))
    }

    @Test("two applications of one name in two namespaces: the second's prune keeps the first's objects, naming where")
    func sameNameElsewhere() async throws {
        try await withRepository { repository, ns, environment, client in
            try await repository.commit("first", files: Self.files(password: "x"))
            let app = ["--name", "twin-\(ns)", "--repo", repository.fileURL, "--path", "app"]
            let first = try MoorCommand.run(["sync"] + app + ["--dest-namespace", ns], environment: environment)
            #expect(first.status == 0)
            try await withSecondNamespace(client, ns) { second in
                let other = try MoorCommand.run(
                    ["sync", "--prune"] + app + ["--dest-namespace", second], environment: environment)
                #expect(other.status == 0, "\(other.output)\(other.error)")
                #expect(other.output.contains("namespace \(ns) is outside"), "\(other.output)")
                #expect(!other.output.contains("pruned"))
                for (kind, name) in [("ConfigMap", "settings"), ("Secret", "db")] {
                    _ = try await client.get(ObjectRef(apiVersion: "v1", kind: kind, namespace: ns, name: name))
                }
                _ = try await client.get(
                    ObjectRef(apiVersion: "v1", kind: "ConfigMap", namespace: second, name: "settings"))
            }
        }
    }

    @Test("flags without --name are refused before anything is written; the name used is printed")
    func nameRequired() async throws {
        try await withRepository { repository, ns, environment, client in
            try await repository.commit("first", files: Self.files(password: "x"))
            let app = ["--repo", repository.fileURL, "--path", "app", "--dest-namespace", ns]
            for command in ["sync", "diff", "status", "delete"] {
                let unnamed = try MoorCommand.run(
                    [command] + app + ["--yes"].filter { _ in command == "delete" },
                    environment: environment)
                #expect(unnamed.status != 0)
                #expect(unnamed.error.hasPrefix("Error: --name is required"), "\(command): \(unnamed.error)")
            }
            let configMaps = try await client.resource(apiVersion: "v1", kind: "ConfigMap")
            #expect(
                try await client.list(configMaps, namespace: ns).items
                    .allSatisfy { $0[path: "metadata", "name"] != "settings" })
            let bad = try MoorCommand.run(["sync", "--name", "Web:1"] + app, environment: environment)
            #expect(bad.status != 0 && bad.error.contains("Error: application name \"Web:1\" is not valid"))
            let named = try MoorCommand.run(["sync", "--name", "named-\(ns)"] + app, environment: environment)
            #expect(named.status == 0)
            #expect(named.error.contains("application: named-\(ns)\n"))
            let rendered = try MoorCommand.run(["render", "--repo", repository.fileURL, "--path", "app"])
            #expect(rendered.status == 0 && rendered.error.isEmpty, "render reaches no cluster and needs no name")
        }
    }

    /// An Application manifest named `filed` deploying `app/` of `repository`'s `main` into `namespace`,
    /// with `spec` lines appended to its spec.
    static func filedApplication(_ repository: GitTestRepository, _ namespace: String, spec: String = "") -> String {
        """
        apiVersion: moor.dev/v1alpha1
        kind: Application
        metadata: {name: filed}
        spec:
          source: {repoURL: "\(repository.fileURL)", targetRevision: main, path: app}
          destination: {namespace: \(namespace)}
        """ + (spec.isEmpty ? "" : "\n" + spec)
    }

    @Test("flags with -f override the file's fields and say so; --name and --repo with -f are refused")
    func fileWithFlags() async throws {
        try await withRepository { repository, ns, environment, client in
            try await repository.commit("first", files: Self.files(password: "x"))
            try await repository.commit(
                "next", files: ["next/extra.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: extra}\n"])
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("moor-app-\(UUID()).yaml")
            defer { try? FileManager.default.removeItem(at: file) }
            try Self.filedApplication(repository, ns).write(to: file, atomically: true, encoding: .utf8)
            let sync = try MoorCommand.run(
                ["sync", "-f", file.path, "--include", "*config.yaml"], environment: environment)
            #expect(sync.status == 0, "\(sync.error)")
            #expect(
                sync.error.contains("application: filed (from \(file.path); flags override source.directory.include)"))
            _ = try await client.get(ObjectRef(apiVersion: "v1", kind: "ConfigMap", namespace: ns, name: "settings"))
            await #expect(throws: KubeAPIError.self, "--include kept the Secret out") {
                _ = try await client.get(ObjectRef(apiVersion: "v1", kind: "Secret", namespace: ns, name: "db"))
            }
            let rendered = try MoorCommand.run(["render", "-f", file.path, "--path", "next"], environment: environment)
            #expect(rendered.output.contains("name: extra") && !rendered.output.contains("name: settings"))
            #expect(rendered.error.contains("flags override source.path"))
            for flag in [["--name", "other"], ["--repo", repository.fileURL]] {
                let refused = try MoorCommand.run(["sync", "-f", file.path] + flag, environment: environment)
                #expect(refused.status != 0)
                #expect(refused.error.contains("Error: -f and --name/--repo/--chart exclude each other"))
            }
        }
    }

    @Test(
        "a malformed -f file, or one with a sync option value it does not take, names the file and line; nothing is synced"
    )
    func badApplicationFile() async throws {
        try await withRepository { repository, ns, environment, client in
            try await repository.commit("first", files: Self.files(password: "x"))
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("moor-app-\(UUID()).yaml")
            defer { try? FileManager.default.removeItem(at: file) }
            let application =
                "# the team's application\n"
                + Self.filedApplication(repository, ns, spec: "  syncPolicy: {syncOptions: [Prune=flase]}")
            try application.write(to: file, atomically: true, encoding: .utf8)
            let refused = try MoorCommand.run(["sync", "-f", file.path], environment: environment)
            #expect(refused.status != 0)
            #expect(
                refused.error.contains("\(file.path):2: Application filed: unknown syncOptions Prune=flase"),
                "\(refused.error)")
            try (application + "\n  bad: [unclosed\n").write(to: file, atomically: true, encoding: .utf8)
            let malformed = try MoorCommand.run(["sync", "-f", file.path], environment: environment)
            #expect(malformed.status != 0)
            #expect(malformed.error.contains("\(file.path):"), "\(malformed.error)")
            #expect(malformed.error.contains("invalid YAML"), "\(malformed.error)")
            await #expect(throws: KubeAPIError.self, "nothing was synced") {
                _ = try await client.get(
                    ObjectRef(apiVersion: "v1", kind: "ConfigMap", namespace: ns, name: "settings"))
            }
        }
    }

    @Test("moor delete: asks on a terminal, needs --yes otherwise, --dry-run deletes nothing, Prune=false stays")
    func delete() async throws {
        try await withRepository { repository, ns, environment, client in
            var files = Self.files(password: "x")
            files["app/pinned.yaml"] = """
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: pinned, annotations: {moor.dev/sync-options: Prune=false}}
                """
            try await repository.commit("first", files: files)
            let app = ["--name", "gone-\(ns)", "--repo", repository.fileURL, "--path", "app", "--dest-namespace", ns]
            #expect(try MoorCommand.run(["sync"] + app, environment: environment).status == 0)
            let settings = ObjectRef(apiVersion: "v1", kind: "ConfigMap", namespace: ns, name: "settings")
            let db = ObjectRef(apiVersion: "v1", kind: "Secret", namespace: ns, name: "db")
            let pinned = ObjectRef(apiVersion: "v1", kind: "ConfigMap", namespace: ns, name: "pinned")

            let unconfirmed = try MoorCommand.run(["delete"] + app, environment: environment)
            #expect(unconfirmed.status != 0)
            #expect(unconfirmed.error.hasPrefix("Error: standard input is not a terminal"), "\(unconfirmed.error)")
            let dryRun = try MoorCommand.run(["delete", "--dry-run"] + app, environment: environment)
            #expect(dryRun.status == 0, "\(dryRun.error)")
            #expect(dryRun.output.contains("dry run: nothing was deleted"))
            #expect(dryRun.output.contains("2 deleted, 1 kept"))
            for ref in [settings, db, pinned] { _ = try await client.get(ref) }

            let declined = try MoorCommand.runOnTerminal(["delete"] + app, input: "n\n", environment: environment)
            #expect(declined.status != 0)
            #expect(declined.output.contains("Delete these 2 objects of application gone-\(ns)? [y/N]"))
            #expect(declined.output.contains("Error: not confirmed; nothing was deleted"))
            for ref in [settings, db, pinned] { _ = try await client.get(ref) }
            let confirmed = try MoorCommand.runOnTerminal(["delete"] + app, input: "y\n", environment: environment)
            #expect(confirmed.status == 0, "\(confirmed.output)")
            #expect(confirmed.output.contains("Deleted gone-\(ns): 2 deleted, 1 kept"))
            for ref in [settings, db] {
                await #expect(throws: KubeAPIError.self) { _ = try await client.get(ref) }
            }

            #expect(try MoorCommand.run(["sync"] + app, environment: environment).status == 0)
            let deleted = try MoorCommand.run(["delete", "--yes", "-o", "json"] + app, environment: environment)
            #expect(deleted.status == 0, "\(deleted.error)")
            let report = try JSONValue(parsing: deleted.output)
            let actions = report["objects"]?.arrayValue?.compactMap { object -> String? in
                guard let name = object[path: "ref", "name"]?.stringValue, let action = object["action"]?.stringValue
                else { return nil }
                return "\(name) \(action)"
            }
            #expect(actions == ["settings deleted", "db deleted", "pinned kept"], "reverse apply order")
            for ref in [settings, db] {
                await #expect(throws: KubeAPIError.self) { _ = try await client.get(ref) }
            }
            _ = try await client.get(pinned)
        }
    }

    @Test("moor install prints the CRDs, RBAC, controller Deployment and Service, which the API server accepts")
    func install() async throws {
        let crds = try MoorCommand.run(["install", "--crds-only"])
        #expect(
            try YAMLReader.documents(crds.output).map { $0.value[path: "metadata", "name"] }
                == [
                    "applications.moor.dev", "applicationsets.moor.dev", "appprojects.moor.dev",
                    "providers.moor.dev", "alerts.moor.dev",
                ])
        let install = try MoorCommand.run(["install", "--namespace", "moor-install-test"])
        #expect(install.status == 0)
        let objects = try YAMLReader.documents(install.output).map(\.value)
        #expect(
            objects.compactMap { $0["kind"]?.stringValue } == [
                "CustomResourceDefinition", "CustomResourceDefinition", "CustomResourceDefinition",
                "CustomResourceDefinition", "CustomResourceDefinition", "Namespace",
                "ServiceAccount", "ClusterRole", "ClusterRoleBinding", "Deployment", "Service",
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

    @Test("moor install --watch-namespace scopes the controller to one namespace; /tmp is an emptyDir")
    func installWatchNamespace() throws {
        let container = { (arguments: [String]) throws -> JSONValue? in
            let run = try MoorCommand.run(["install"] + arguments)
            let deployment = try YAMLReader.documents(run.output).map(\.value).first { $0["kind"] == "Deployment" }
            return deployment?[path: "spec", "template", "spec", "containers"]?.arrayValue?.first
        }
        let scoped = try container(["--watch-namespace", "apps"])
        #expect(scoped?["args"] == ["controller", "--watch-namespace", "apps", "--listen", "0.0.0.0:8080"])
        #expect(try container([])?["args"] == ["controller", "--all-namespaces", "--listen", "0.0.0.0:8080"])
        // The root filesystem is read-only; checkouts are exported under /tmp.
        #expect(scoped?["volumeMounts"]?.arrayValue?.contains { $0["mountPath"] == "/tmp" } == true)
        #expect(scoped?[path: "securityContext", "readOnlyRootFilesystem"] == true)
    }

    @Test("moor version prints the version")
    func version() throws {
        let version = try MoorCommand.run(["version"])
        #expect(version.output.hasPrefix("moor "))
    }
}
