import Foundation
import KubeClient
import MoorCore
import MoorTestSupport
import Testing

/// `moor sync` of charts from a real Helm HTTP repository and a real OCI registry on loopback, with
/// credentials from a file of Argo CD repository Secrets.
@Suite("moor sync of remote charts")
struct RemoteChartSyncCommandTests {
    /// Writes `secrets` (Secret manifests) to a file under the command's cache directory and returns its path.
    static func credentialsFile(_ secrets: String, environment: [String: String]) throws -> String {
        let directory = environment["MOOR_CACHE_DIR"]!
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let path = directory + "/repositories.yaml"
        try Data(secrets.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test("a chart from a Helm repository behind basic authentication, the credential from an Argo CD Secret file")
    func helmRepository() async throws {
        try await ChartRepositoryServer.start(username: "ci", password: "chart-secret").stopping { server in
            let packages = [
                try await FixtureCharts.package("webapp", version: "1.4.0", into: server.root),
                try await FixtureCharts.package("webapp", version: "1.4.3", into: server.root),
            ]
            try Data(FixtureCharts.index(packages).utf8).write(to: URL(fileURLWithPath: server.root + "/index.yaml"))
            try await CommandLineTests().withRepository { _, ns, environment, client in
                let file = try Self.credentialsFile(
                    """
                    apiVersion: v1
                    kind: Secret
                    metadata:
                      name: charts
                      labels: {argocd.argoproj.io/secret-type: repository}
                    stringData: {type: helm, url: "\(server.url)", username: ci, password: chart-secret}
                    """, environment: environment)
                let app = [
                    "--name", "\(ns)-web", "--repo", server.url, "--chart", "webapp", "--release-name", "shop",
                    "--dest-namespace", ns, "--repo-credentials", file,
                ]
                let sync = try MoorCommand.run(["sync", "--revision", "~1.4"] + app, environment: environment)
                #expect(sync.status == 0, "\(sync.output)\(sync.error)")
                #expect(!(sync.output + sync.error).contains("chart-secret"))
                let deployment = try await client.get(
                    ObjectRef(apiVersion: "apps/v1", kind: "Deployment", namespace: ns, name: "shop-webapp"))
                #expect(deployment[path: "metadata", "labels", "helm.sh/chart"]?.stringValue == "webapp-1.4.3")

                let missing = try MoorCommand.run(["sync", "--revision", "2.x"] + app, environment: environment)
                #expect(missing.status != 0)
                #expect(
                    missing.error.contains("chart webapp in \(server.url) has no version matching \"2.x\""),
                    "\(missing.error)")
                _ = try await client.get(
                    ObjectRef(apiVersion: "apps/v1", kind: "Deployment", namespace: ns, name: "shop-webapp"))

                let anonymous = try MoorCommand.run(
                    ["sync", "--revision", "1.4.0"] + app.dropLast(2), environment: environment)
                #expect(anonymous.status != 0)
                #expect(anonymous.error.contains("HTTP 401; it needs credentials"), "\(anonymous.error)")
            }
        }
    }

    @Test("a chart archive with a link out of the chart is refused before anything is applied")
    func hostileArchive() async throws {
        try await ChartRepositoryServer.start().stopping { server in
            let hostile = try await FixtureCharts.linkArchive(into: server.root)
            try Data(FixtureCharts.index([hostile]).utf8).write(to: URL(fileURLWithPath: server.root + "/index.yaml"))
            try await CommandLineTests().withRepository { _, ns, environment, client in
                let sync = try MoorCommand.run(
                    ["sync", "--name", "\(ns)-evil", "--repo", server.url, "--chart", "evil", "--dest-namespace", ns],
                    environment: environment)
                #expect(sync.status != 0)
                #expect(sync.error.contains("templates/passwd.yaml"), "\(sync.error)")
                await #expect(throws: KubeAPIError.self, "the chart's ConfigMap was not applied") {
                    try await client.get(ObjectRef(apiVersion: "v1", kind: "ConfigMap", namespace: ns, name: "evil"))
                }
            }
        }
    }

    @Test("an Argo CD Application of an OCI chart (oci:// repoURL naming the chart) syncs from a plain-HTTP registry")
    func ociApplication() async throws {
        try await OCIRegistryServer.start(username: "ci", password: "registry-secret").stopping { registry in
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("moor-oci-\(UUID())").path
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let package = try await FixtureCharts.package("webapp", version: "3.2.1", into: directory)
            try await registry.push(chart: package.path, repository: "charts/webapp", tag: "3.2.1")
            try await CommandLineTests().withRepository { _, ns, environment, client in
                let file = try Self.credentialsFile(
                    """
                    apiVersion: v1
                    kind: Secret
                    metadata:
                      name: registry
                      labels: {argocd.argoproj.io/secret-type: repo-creds}
                    stringData:
                      url: oci://\(registry.host)
                      type: helm
                      enableOCI: "true"
                      insecureOCIForceHttp: "true"
                      username: ci
                      password: registry-secret
                    """, environment: environment)
                let application = directory + "/app.yaml"
                try Data(
                    """
                    apiVersion: argoproj.io/v1alpha1
                    kind: Application
                    metadata: {name: \(ns)-oci, namespace: argocd}
                    spec:
                      project: default
                      source:
                        repoURL: oci://\(registry.host)/charts/webapp
                        targetRevision: 3.2.1
                        path: .
                        helm: {releaseName: api}
                      destination: {server: "https://kubernetes.default.svc", namespace: \(ns)}
                    """.utf8
                ).write(to: URL(fileURLWithPath: application))
                let sync = try MoorCommand.run(
                    ["sync", "-f", application, "--repo-credentials", file], environment: environment)
                #expect(sync.status == 0, "\(sync.output)\(sync.error)")
                let deployment = try await client.get(
                    ObjectRef(apiVersion: "apps/v1", kind: "Deployment", namespace: ns, name: "api-webapp"))
                #expect(deployment[path: "metadata", "labels", "helm.sh/chart"]?.stringValue == "webapp-3.2.1")
            }
        }
    }
}
