import Foundation
import MoorCore
import Render
import Testing

/// What a chart learns about its destination (release namespace, capabilities) and what it must
/// have before it renders (a supported Kubernetes version, its dependencies).
@Suite("Helm sources and their destination")
struct HelmDestinationTests {
    static func render(
        _ helm: HelmOptions = HelmOptions(), environment: RenderEnvironment, extraFiles: [String: String] = [:]
    ) async throws -> [ManifestObject] {
        let tree = try TestTree(HelmRendererTests.chart.merging(extraFiles) { $1 })
        defer { tree.remove() }
        return try await tree.render(RenderOptions(path: "charts/web", source: .helm(helm), environment: environment))
    }

    static func renderError(
        _ helm: HelmOptions = HelmOptions(), environment: RenderEnvironment = RenderEnvironment(),
        extraFiles: [String: String]
    ) async throws -> RenderError? {
        let tree = try TestTree(HelmRendererTests.chart.merging(extraFiles) { $1 })
        defer { tree.remove() }
        return await tree.renderError(RenderOptions(path: "charts/web", source: .helm(helm), environment: environment))
    }

    static func namespace(of objects: [ManifestObject]) -> String? {
        objects.first { $0.object["kind"] == "Deployment" }?.object[path: "metadata", "namespace"]?.stringValue
    }

    @Test(
        "the release namespace is helm.namespace, else the destination namespace, else default",
        arguments: [
            (helm: String?.none, destination: "shop", expected: "shop"),
            (helm: "billing", destination: "shop", expected: "billing"),
            (helm: nil, destination: "", expected: "default"),
        ])
    func releaseNamespace(helm: String?, destination: String, expected: String) async throws {
        let objects = try await Self.render(
            HelmOptions(namespace: helm), environment: RenderEnvironment(namespace: destination))
        #expect(Self.namespace(of: objects) == expected)
    }

    @Test("the destination cluster's version and API versions are .Capabilities unless the source sets them")
    func capabilities() async throws {
        let cluster = RenderEnvironment(
            namespace: "shop", kubeVersion: "v1.20.2",
            apiVersions: ["apps/v1", "apps/v1/Deployment", "monitoring.coreos.com/v1", "v1", "v1/Service"])
        let values = HelmOptions(values: "monitoring: true")
        let fromCluster = try await Self.render(values, environment: cluster)
        #expect(fromCluster.names.contains("ServiceMonitor/web-web"))
        let service = fromCluster.first { $0.object["kind"] == "Service" }
        #expect(service?.object[path: "metadata", "annotations", "kube-version"] == "v1.20.2")

        var own = values
        own.kubeVersion = "v1.31.4"
        own.apiVersions = ["example.com/v1"]
        let fromSource = try await Self.render(own, environment: cluster)
        #expect(!fromSource.names.contains("ServiceMonitor/web-web"))
        let ownService = fromSource.first { $0.object["kind"] == "Service" }
        #expect(ownService?.object[path: "metadata", "annotations", "kube-version"] == "v1.31.4")
    }

    static let requiresNewer = [
        "charts/web/Chart.yaml": "apiVersion: v2\nname: web\nversion: 1.0.0\nkubeVersion: \">=1.22.0-0\"\n"
    ]

    @Test("a chart whose kubeVersion the destination cluster does not satisfy is refused, with Helm's meaning")
    func kubeVersionRefused() async throws {
        let error = try await Self.renderError(
            environment: RenderEnvironment(kubeVersion: "v1.20.2"), extraFiles: Self.requiresNewer)
        #expect(error?.code == .invalidOptions)
        #expect(error?.location?.file == "charts/web/Chart.yaml")
        #expect(
            error?.message.hasPrefix(
                "chart web requires kubeVersion >=1.22.0-0; the destination cluster is v1.20.2. Nothing was applied")
                == true)
    }

    @Test(
        "a satisfied kubeVersion renders: a newer cluster, a pre-release build of one, or helm.kubeVersion",
        arguments: [("v1.27.3-gke.1700", nil), ("v1.22.0", nil), ("v1.20.2", "v1.25.0")] as [(String, String?)])
    func kubeVersionSatisfied(cluster: String, override: String?) async throws {
        let objects = try await Self.render(
            HelmOptions(kubeVersion: override), environment: RenderEnvironment(kubeVersion: cluster),
            extraFiles: Self.requiresNewer)
        #expect(objects.names.contains("Deployment/web-web"))
    }

    @Test("an unparsable kubeVersion constraint is named")
    func kubeVersionInvalid() async throws {
        let error = try await Self.renderError(
            environment: RenderEnvironment(kubeVersion: "v1.20.2"),
            extraFiles: ["charts/web/Chart.yaml": "apiVersion: v2\nname: web\nversion: 1.0.0\nkubeVersion: \">>1\"\n"])
        #expect(error?.message.contains("invalid kubeVersion constraint '>>1'") == true, "\(error?.message ?? "")")
    }

    static let withDependencies = [
        "charts/web/Chart.yaml": """
        apiVersion: v2
        name: web
        version: 1.0.0
        dependencies:
        - name: cache
          version: 0.1.0
          repository: file://charts/cache
        - name: postgresql
          version: 12.x.x
          repository: https://charts.example.com/stable
          condition: postgresql.enabled
        """
    ]

    @Test("a dependency missing from charts/ is an error naming it, its version and its repository")
    func missingDependency() async throws {
        let error = try await Self.renderError(extraFiles: Self.withDependencies)
        #expect(error?.code == .notFound)
        #expect(error?.location?.description == "charts/web/Chart.yaml:8")
        #expect(
            error?.message.hasPrefix(
                "chart web depends on postgresql 12.x.x from https://charts.example.com/stable, which is not in its "
                    + "charts/ directory and could not be fetched") == true)
    }

    @Test("vendored dependencies render: a directory, or an archive as helm dependency build leaves it")
    func vendoredDependency() async throws {
        var files = Self.withDependencies
        files["charts/web/charts/postgresql/Chart.yaml"] = "apiVersion: v2\nname: postgresql\nversion: 12.1.0\n"
        files["charts/web/charts/postgresql/templates/cm.yaml"] =
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-postgresql\n"
        let tree = try TestTree(HelmRendererTests.chart.merging(files) { $1 })
        defer { tree.remove() }
        let options = RenderOptions(path: "charts/web", source: .helm(HelmOptions()))
        #expect(try await tree.render(options).names.contains("ConfigMap/web-postgresql"))

        // The same dependency as an archive: charts/postgresql-12.1.0.tgz.
        let archive = Process()
        archive.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        archive.arguments = [
            "tar", "-czf", "\(tree.root)/charts/web/charts/postgresql-12.1.0.tgz", "-C",
            "\(tree.root)/charts/web/charts",
            "postgresql",
        ]
        try archive.run()
        archive.waitUntilExit()
        try #require(archive.terminationStatus == 0)
        try FileManager.default.removeItem(atPath: "\(tree.root)/charts/web/charts/postgresql")
        #expect(try await tree.render(options).names.contains("ConfigMap/web-postgresql"))
    }
}
