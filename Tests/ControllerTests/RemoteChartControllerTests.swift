import ChartSource
import Controller
import Foundation
import GitSource
import KubeClient
import MoorCore
import MoorTestSupport
import Sync
import Testing

/// The controller syncing a chart from a real Helm repository (nginx on loopback, basic
/// authentication) with its credential in an Argo CD repository Secret in the cluster.
@Suite("Remote charts in the controller")
struct RemoteChartControllerTests {
    @Test(
        "a chart from a repository Secret's repository: synced at its version; a version that does not exist changes nothing"
    )
    func helmRepositorySecret() async throws {
        try await ChartRepositoryServer.start(username: "ci", password: "chart-secret").stopping { server in
            let packages = [
                try await FixtureCharts.package("webapp", version: "1.0.0", into: server.root),
                try await FixtureCharts.package("webapp", version: "1.1.0", into: server.root),
            ]
            try Data(FixtureCharts.index(packages).utf8).write(to: URL(fileURLWithPath: server.root + "/index.yaml"))
            try await ControllerHarness.run { harness in
                _ = try await harness.client.create([
                    "apiVersion": "v1", "kind": "Secret",
                    "metadata": [
                        "name": "charts", "namespace": .string(harness.namespace),
                        "labels": ["argocd.argoproj.io/secret-type": "repository"],
                    ],
                    "stringData": [
                        "type": "helm", "url": .string(server.url), "username": "ci", "password": "chart-secret",
                    ],
                ])
                let directory = FileManager.default.temporaryDirectory.appendingPathComponent("moor-remote-\(UUID())")
                defer { try? FileManager.default.removeItem(at: directory) }
                var engine = SyncEngine(client: harness.client)
                engine.pollInterval = .milliseconds(100)
                let fetcher = SourceFetcher(
                    cache: try GitSourceCache(directory: directory.appendingPathComponent("git").path),
                    charts: try ChartCache(directory: directory.appendingPathComponent("charts").path),
                    repositoryCredentials: .secrets(client: harness.client, namespace: harness.namespace, reuse: .zero))
                let controller = ApplicationController(
                    engine: engine, fetcher: fetcher, configuration: .init(pollInterval: .milliseconds(500)))
                await controller.start()
                let name = "chart-\(harness.namespace)"
                let application = { (revision: String) in
                    Application(
                        name: name,
                        spec: ApplicationSpec(
                            source: ApplicationSource(
                                repoURL: server.url, targetRevision: revision,
                                options: ["chart": "webapp", "helm": ["releaseName": "shop"]]),
                            destination: ApplicationDestination(namespace: harness.namespace),
                            syncPolicy: SyncPolicy(automated: AutomatedSync(selfHeal: true))))
                }
                let deployment = ObjectRef(
                    apiVersion: "apps/v1", kind: "Deployment", namespace: harness.namespace, name: "shop-webapp")
                do {
                    try await controller.manage([application("1.x")])
                    try await harness.eventually("the highest 1.x is synced and recorded") {
                        let status = await controller.status(of: name)
                        return status?.sync.status == .synced && status?.sync.revision == "1.1.0"
                    }
                    let live = try await harness.client.get(deployment)
                    #expect(live[path: "metadata", "labels", "helm.sh/chart"]?.stringValue == "webapp-1.1.0")
                    #expect(await controller.status(of: name)?.history.first?.revision == "1.1.0")

                    try await controller.manage([application("5.0.0")])
                    try await harness.eventually("a version the repository lacks is a ComparisonError") {
                        await controller.status(of: name)?.conditions.contains {
                            $0.type == "ComparisonError" && $0.message.contains("no version matching \"5.0.0\"")
                        } ?? false
                    }
                    let after = try await harness.client.get(deployment)
                    #expect(after[path: "metadata", "uid"] == live[path: "metadata", "uid"], "nothing was pruned")
                    #expect(
                        await
                            !(controller.status(of: name)?.conditions.map(\.message).joined().contains("chart-secret")
                            ?? true))
                } catch {
                    await controller.stop(gracePeriod: .seconds(5))
                    throw error
                }
                await controller.stop(gracePeriod: .seconds(5))
            }
        }
    }
}

/// The fetcher fetching the dependencies of a chart committed to Git before rendering it.
@Suite("Chart dependencies of Git charts")
struct GitChartDependencyTests {
    @Test("a chart in Git whose charts/ is not committed renders with its dependencies fetched from their repository")
    func fetchedDependencies() async throws {
        try await ChartRepositoryServer.start().stopping { server in
            let redis = try await FixtureCharts.package("platform/charts/redis", version: "18.1.5", into: server.root)
            try Data(FixtureCharts.index([redis]).utf8).write(to: URL(fileURLWithPath: server.root + "/index.yaml"))
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("moor-gitdeps-\(UUID())").path
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let repository = try await GitTestRepository.create(at: directory + "/repo")
            var files: [String: String] = [:]
            for (path, text) in try FixtureCharts.files("platform", under: "platform")
            where !path.contains("/charts/") && !path.hasSuffix("Chart.lock") {
                // Only the Helm repository dependency: the exporter (disabled by its condition) goes.
                files[path] =
                    path.hasSuffix("platform/Chart.yaml")
                    ? String(text[..<text.range(of: "- name: exporter")!.lowerBound])
                        .replacingOccurrences(of: "https://charts.example.com/stable", with: server.url)
                    : text
            }
            try await repository.commit("platform without charts/", files: files)
            let source = ApplicationSource(
                repoURL: repository.fileURL, targetRevision: "main", path: "platform",
                options: ["helm": ["releaseName": "platform"]])
            let git = try GitSourceCache(directory: directory + "/git")
            let fetcher = SourceFetcher(
                cache: git, renders: nil, charts: try ChartCache(directory: directory + "/charts"))
            let fetched = try await fetcher.fetch(source)
            #expect(
                fetched.objects.compactMap { $0.ref.map { "\($0.kind)/\($0.name)" } }.sorted()
                    == ["ResourceQuota/platform-quota", "StatefulSet/platform-cache"])
            await #expect {
                try await SourceFetcher(cache: git, renders: nil).fetch(source)
            } throws: { error in
                "\(error)".contains("depends on redis 18.1.x from \(server.url), which is not in its charts/ directory")
            }
        }
    }
}

/// The Helm options of a remote chart, as for the same chart from Git.
@Suite("Helm options of remote charts")
struct RemoteChartOptionsTests {
    @Test("a chart from a Helm repository honours skipCrds, valuesObject and parameters, rendering as from Git")
    func options() async throws {
        try await ChartRepositoryServer.start().stopping { server in
            let packages = [
                try await FixtureCharts.package("webapp", version: "1.4.2", into: server.root),
                try await FixtureCharts.package("operator", version: "1.12.0", into: server.root),
            ]
            try Data(FixtureCharts.index(packages).utf8).write(to: URL(fileURLWithPath: server.root + "/index.yaml"))
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("moor-chartopts-\(UUID())")
                .path
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let repository = try await GitTestRepository.create(at: directory + "/repo")
            try await repository.commit(
                "charts",
                files: try FixtureCharts.files("webapp", under: "webapp")
                    .merging(try FixtureCharts.files("operator", under: "operator")) { $1 })
            let fetcher = SourceFetcher(
                cache: try GitSourceCache(directory: directory + "/git"), renders: nil,
                charts: try ChartCache(directory: directory + "/charts"))
            // Each chart rendered from the repository and from Git with the same options.
            let render = { (chart: String, version: String, helm: JSONValue) async throws -> [JSONValue] in
                let remote = try await fetcher.fetch(
                    ApplicationSource(
                        repoURL: server.url, targetRevision: version, options: ["chart": .string(chart), "helm": helm]))
                let git = try await fetcher.fetch(
                    ApplicationSource(
                        repoURL: repository.fileURL, targetRevision: "main", path: chart, options: ["helm": helm]))
                #expect(remote.objects.map(\.object) == git.objects.map(\.object), "\(chart) renders as from Git")
                return remote.objects.map(\.object)
            }

            let names = { (objects: [JSONValue]) -> [String] in
                objects.compactMap { $0[path: "metadata", "name"]?.stringValue }
            }
            let crd = "issuers.operator.example.com"
            #expect(names(try await render("operator", "1.12.0", ["releaseName": "op"])).contains(crd))
            #expect(
                !names(try await render("operator", "1.12.0", ["releaseName": "op", "skipCrds": true])).contains(crd))

            let objects = try await render(
                "webapp", "1.4.2",
                [
                    "releaseName": "shop", "valuesObject": ["replicaCount": 5, "config": ["LOG_LEVEL": "debug"]],
                    "parameters": [["name": "image.tag", "value": "9.9"], ["name": "service.port", "value": "9090"]],
                ])
            let deployment = try #require(objects.first { $0["kind"] == "Deployment" })
            #expect(deployment[path: "spec", "replicas"] == 5)
            let container = deployment[path: "spec", "template", "spec", "containers"]?[0]
            #expect(container?["image"] == "registry.local/webapp:9.9")
            #expect(container?["ports"]?[0]?["containerPort"] == 9090)
            let config = try #require(objects.first { $0["kind"] == "ConfigMap" })
            #expect(config[path: "data"] == ["LOG_LEVEL": "debug", "FEATURE_X": "on"])
        }
    }
}

/// Repository credentials (Argo CD's repository Secrets) serving Git repositories too.
@Suite("Repository credentials for Git")
struct GitRepositoryCredentialTests {
    @Test("a repository credential's user name and password reach git for its repository, and only there")
    func basicAuthentication() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("moor-gitcreds-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let repository = try await GitTestRepository.create(at: directory + "/repos/app")
        try await repository.commit("cm", files: ["c.yaml": ControllerHarness.configMap("c", "v1")])
        let password = "git-Secret-4711"
        try await GitHTTPServer.start(basePath: directory + "/repos", username: "deploy", password: password)
            .stopping { server in
                let source = ApplicationSource(repoURL: server.url(for: "app"), targetRevision: "main")
                let git = try GitSourceCache(directory: directory + "/git")
                let secret: JSONValue = [
                    "apiVersion": "v1", "kind": "Secret",
                    "metadata": ["name": "app", "labels": ["argocd.argoproj.io/secret-type": "repo-creds"]],
                    "stringData": [
                        "type": "git", "url": .string(server.url(for: "")), "username": "deploy",
                        "password": .string(password),
                    ],
                ]
                let credentials = try RepositoryCredentials(secrets: [secret])
                let fetched = try await SourceFetcher(cache: git, repositoryCredentials: .fixed(credentials))
                    .fetch(source)
                #expect(fetched.objects.map { $0.ref?.name } == ["c"])
                let elsewhere = RepositoryCredentials([
                    RepositoryCredential(
                        url: "http://127.0.0.1:1/other", kind: .git, username: "deploy", password: password)
                ])
                await #expect {
                    try await SourceFetcher(cache: git, repositoryCredentials: .fixed(elsewhere)).fetch(source)
                } throws: { error in
                    (error as? GitError)?.code == .authenticationFailed && !"\(error)".contains(password)
                }
            }
    }
}

/// Credential Secrets that cannot be listed.
@Suite("Repository credential Secrets out of reach")
struct UnreachableCredentialSecretsTests {
    @Test("Secrets that cannot be listed leave the file's credentials instead of failing every fetch")
    func unreachable() async throws {
        let client = try KubeClient(
            connection: ClusterConnection(server: "http://127.0.0.1:\(try LoopbackPort.free())"), retry: .none,
            requestTimeout: .seconds(2))
        let base = RepositoryCredentials([RepositoryCredential(url: "https://charts.example.com", username: "ci")])
        let source = RepositoryCredentialSource.secrets(client: client, namespace: "moor", base: base)
        #expect(try await source.current() == base)
        #expect(try await source.current() == base, "and again from what was kept, without a new listing")
        await client.shutdown()
    }
}
