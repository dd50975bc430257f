import Foundation
import KubeClient
import MoorCore
import MoorTestSupport
import Testing

/// `moor sync` of real-shaped Helm charts (the fixtures of `Tests/RenderTests/Charts`) from a Git
/// repository into the real API server: the release namespace, the cluster's capabilities, and
/// charts refused before anything is applied.
@Suite("moor sync of Helm charts")
struct HelmSyncCommandTests {
    /// The files of fixture chart `name`, placed under `chart/` in the repository.
    static func chartFiles(_ name: String) throws -> [String: String] {
        try FixtureCharts.files(name, under: "chart")
    }

    func withRepository(
        _ body: (GitTestRepository, String, [String: String], KubeClient) async throws -> Void
    ) async throws {
        try await CommandLineTests().withRepository(body)
    }

    static func app(_ repository: GitTestRepository, name: String, namespace: String) -> [String] {
        [
            "--name", name, "--repo", repository.fileURL, "--revision", "main", "--path", "chart",
            "--dest-namespace", namespace,
        ]
    }

    @Test("a chart deploys into the destination namespace, RBAC subjects included, also a namespace it creates")
    func releaseNamespace() async throws {
        try await withRepository { repository, ns, environment, client in
            try await repository.commit("webapp", files: try Self.chartFiles("webapp"))
            let created = "\(ns)-web"
            let sync = try MoorCommand.run(
                ["sync", "--release-name", "shop", "--sync-option", "CreateNamespace=true"]
                    + Self.app(repository, name: "\(ns)-web", namespace: created), environment: environment)
            #expect(sync.status == 0, "\(sync.output)\(sync.error)")
            let binding = try await client.get(
                ObjectRef(
                    apiVersion: "rbac.authorization.k8s.io/v1", kind: "RoleBinding", namespace: created,
                    name: "shop-webapp"))
            #expect(binding[path: "subjects"]?[0]?["namespace"]?.stringValue == created)
            let deployment = try await client.get(
                ObjectRef(apiVersion: "apps/v1", kind: "Deployment", namespace: created, name: "shop-webapp"))
            let env = deployment[path: "spec", "template", "spec", "containers"]?[0]?["env"]?[0]
            #expect(env?["value"]?.stringValue == created)
            await #expect(throws: KubeAPIError.self) {
                try await client.get(
                    ObjectRef(apiVersion: "v1", kind: "ServiceAccount", namespace: "default", name: "shop-webapp"))
            }
            try? await client.delete(ObjectRef(apiVersion: "v1", kind: "Namespace", name: created))
        }
    }

    @Test("the destination cluster's version and API versions choose the chart's API versions")
    func capabilities() async throws {
        try await withRepository { repository, ns, environment, client in
            try await repository.commit("capabilities", files: try Self.chartFiles("capabilities"))
            let sync = try MoorCommand.run(
                ["sync", "--release-name", "caps"] + Self.app(repository, name: "\(ns)-caps", namespace: ns),
                environment: environment)
            #expect(sync.status == 0, "\(sync.output)\(sync.error)")
            let version = try await client.serverVersion()
            // The chart asks for policy/v1 from Kubernetes 1.21 on, policy/v1beta1 before.
            let minor = Int(version.split(separator: ".")[1].prefix { $0.isNumber }) ?? 0
            let budget = try await client.get(
                ObjectRef(
                    apiVersion: minor >= 21 ? "policy/v1" : "policy/v1beta1", kind: "PodDisruptionBudget",
                    namespace: ns, name: "caps"))
            #expect(budget[path: "metadata", "annotations", "rendered-for"]?.stringValue == version)
        }
    }

    /// A constraint the test cluster does not satisfy: one minor version above it.
    static func newerThan(_ version: String) -> String {
        let parts = version.dropFirst().split(separator: ".").prefix(2).compactMap { Int($0.prefix { $0.isNumber }) }
        return ">=\(parts[0]).\(parts[1] + 1).0-0"
    }

    @Test("a chart whose kubeVersion the cluster does not satisfy is refused before anything is applied")
    func kubeVersionRefused() async throws {
        try await withRepository { repository, ns, environment, client in
            let version = try await client.serverVersion()
            var files = try Self.chartFiles("webapp")
            files["chart/Chart.yaml"] = files["chart/Chart.yaml"]!.replacingOccurrences(
                of: "kubeVersion: \">=1.19.0-0\"", with: "kubeVersion: \"\(Self.newerThan(version))\"")
            try await repository.commit("too new", files: files)
            let sync = try MoorCommand.run(
                ["sync", "--release-name", "shop"] + Self.app(repository, name: "\(ns)-web", namespace: ns),
                environment: environment)
            #expect(sync.status != 0)
            #expect(
                sync.error.contains(
                    "chart webapp requires kubeVersion \(Self.newerThan(version)); the destination cluster is \(version)"
                ),
                "\(sync.error)")
            await #expect(throws: KubeAPIError.self) {
                try await client.get(
                    ObjectRef(apiVersion: "apps/v1", kind: "Deployment", namespace: ns, name: "shop-webapp"))
            }
        }
    }

    @Test("a dependency missing from charts/ that cannot be fetched fails the sync and prunes nothing")
    func missingDependency() async throws {
        try await withRepository { repository, ns, environment, client in
            try await repository.commit("platform", files: try Self.chartFiles("platform"))
            let app = ["--release-name", "base"] + Self.app(repository, name: "\(ns)-platform", namespace: ns)
            let first = try MoorCommand.run(["sync", "--prune"] + app, environment: environment)
            #expect(first.status == 0, "\(first.output)\(first.error)")
            try await repository.git(["rm", "-r", "-q", "chart/charts/exporter"])
            try await repository.commit("drop the vendored exporter", files: [:])
            let second = try MoorCommand.run(["sync", "--prune"] + app, environment: environment)
            #expect(second.status != 0)
            #expect(
                second.error.contains(
                    "chart platform depends on exporter 0.3.1 from oci://registry.example.com/charts, which could "
                        + "not be fetched: the manifest of chart exporter 0.3.1"), "\(second.error)")
            let quota = try await client.get(
                ObjectRef(apiVersion: "v1", kind: "ResourceQuota", namespace: ns, name: "base-quota"))
            #expect(quota[path: "metadata", "name"] == "base-quota")
        }
    }
}
