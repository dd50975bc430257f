import ChartSource
import Controller
import Foundation
import GitSource
import KubeClient
import MoorCore
import MoorTestSupport
import Sync
import Testing

/// Applications of several sources (`spec.sources`): a chart from a real Helm repository (nginx on
/// loopback) whose values come from a Git repository through `$values`, plus Git paths.
@Suite("Multi-source applications")
struct MultiSourceTests {
    /// A Helm repository serving the webapp fixture at 1.4.0, and a Git repository with values and manifests.
    static func withSources(
        _ body: (ChartRepositoryServer, GitTestRepository, String) async throws -> Void
    ) async throws {
        try await ChartRepositoryServer.start().stopping { server in
            let package = try await FixtureCharts.package("webapp", version: "1.4.0", into: server.root)
            try Data(FixtureCharts.index([package]).utf8).write(to: URL(fileURLWithPath: server.root + "/index.yaml"))
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("moor-multi-\(UUID())").path
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let repository = try await GitTestRepository.create(at: directory + "/repo")
            try await body(server, repository, directory)
        }
    }

    static func configMap(_ value: String) -> String {
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: shared}\ndata: {from: \(value)}\n"
    }

    static func sources(_ server: ChartRepositoryServer, _ repository: GitTestRepository, valueFile: String)
        -> [ApplicationSource]
    {
        [
            ApplicationSource(
                repoURL: server.url, targetRevision: "1.4.0",
                options: ["chart": "webapp", "helm": ["releaseName": "shop", "valueFiles": [.string(valueFile)]]]),
            ApplicationSource(repoURL: repository.fileURL, targetRevision: "main", options: ["ref": "values"]),
            ApplicationSource(repoURL: repository.fileURL, targetRevision: "main", path: "extras"),
            ApplicationSource(repoURL: repository.fileURL, targetRevision: "main", path: "more"),
        ]
    }

    @Test("each source renders on its own; $values reads the ref's repository; a repeated object is the later source's")
    func fetch() async throws {
        try await Self.withSources { server, repository, directory in
            let commit = try await repository.commit(
                "values",
                files: [
                    "envs/prod.yaml": "replicaCount: 4\n", "extras/cm.yaml": Self.configMap("extras"),
                    "more/cm.yaml": Self.configMap("more"),
                ])
            let fetcher = SourceFetcher(
                cache: try GitSourceCache(directory: directory + "/git"),
                charts: try ChartCache(directory: directory + "/charts"))
            let fetched = try await fetcher.fetch(
                sources: Self.sources(server, repository, valueFile: "$values/envs/prod.yaml"))
            #expect(fetched.revisions == ["1.4.0", commit, commit, commit])
            let deployment = fetched.objects.first { $0.ref?.kind == "Deployment" }
            #expect(deployment?.object[path: "spec", "replicas"]?.intValue == 4)
            let shared = fetched.objects.filter { $0.ref?.kind == "ConfigMap" && $0.ref?.name == "shared" }
            #expect(shared.map { $0.object[path: "data", "from"]?.stringValue } == ["more"])
            #expect(
                fetched.warnings == [
                    "ConfigMap shared is rendered by more than one source; the one from \(repository.fileURL) is used"
                ])

            for (valueFile, message) in [
                (
                    "$nothing/envs/prod.yaml",
                    "names ref 'nothing', which no source of the application sets (refs: $values)"
                ),
                ("$values/../../../etc/passwd", "values file"),
            ] {
                await #expect {
                    try await fetcher.fetch(sources: Self.sources(server, repository, valueFile: valueFile))
                } throws: { error in
                    "\(error)".contains(message)
                }
            }
        }
    }

    @Test("synced with one revision per source; a values commit moves only that source's; rollback restores all")
    func controller() async throws {
        try await Self.withSources { server, repository, directory in
            try await ControllerHarness.run { harness in
                let first = try await repository.commit(
                    "four",
                    files: [
                        "envs/prod.yaml": "replicaCount: 4\n", "extras/cm.yaml": Self.configMap("extras"),
                        "more/cm.yaml": Self.configMap("more"),
                    ])
                var engine = SyncEngine(client: harness.client)
                engine.pollInterval = .milliseconds(100)
                let controller = ApplicationController(
                    engine: engine,
                    fetcher: SourceFetcher(
                        cache: try GitSourceCache(directory: directory + "/git"),
                        charts: try ChartCache(directory: directory + "/charts")),
                    configuration: .init(pollInterval: .milliseconds(300)))
                await controller.start()
                let name = "multi-\(harness.namespace)"
                let sources = Array(Self.sources(server, repository, valueFile: "$values/envs/prod.yaml").prefix(2))
                let deployment = ObjectRef(
                    apiVersion: "apps/v1", kind: "Deployment", namespace: harness.namespace, name: "shop-webapp")
                do {
                    try await controller.manage([
                        Application(
                            name: name,
                            spec: ApplicationSpec(
                                source: sources[0], sources: sources,
                                destination: ApplicationDestination(namespace: harness.namespace),
                                syncPolicy: SyncPolicy(automated: AutomatedSync(selfHeal: true))))
                    ])
                    try await harness.eventually("synced at the chart version and the values commit") {
                        let status = await controller.status(of: name)
                        return status?.sync.revisions == ["1.4.0", first] && status?.sync.status == .synced
                    }
                    #expect(try await harness.client.get(deployment)[path: "spec", "replicas"]?.intValue == 4)
                    let second = try await repository.commit("two", files: ["envs/prod.yaml": "replicaCount: 2\n"])
                    await controller.refresh(name)
                    try await harness.eventually("the values commit is synced") {
                        let replicas = try? await harness.client.get(deployment)[path: "spec", "replicas"]?.intValue
                        return await controller.status(of: name)?.sync.revisions == ["1.4.0", second] && replicas == 2
                    }
                    let history = try #require(await controller.status(of: name)?.history)
                    #expect(history.map(\.revisions) == [["1.4.0", second], ["1.4.0", first]])
                    #expect(history.first?.sources.map(\.repoURL) == [server.url, repository.fileURL])

                    let rolledBack = try await controller.rollback(name, to: .history(history[1].id))
                    #expect(rolledBack.operation.phase == .succeeded, "\(rolledBack.operation.message)")
                    #expect(try await harness.client.get(deployment)[path: "spec", "replicas"]?.intValue == 4)
                    #expect(await controller.status(of: name)?.history.first?.revisions == ["1.4.0", first])
                } catch {
                    await controller.stop(gracePeriod: .seconds(5))
                    throw error
                }
                await controller.stop(gracePeriod: .seconds(5))
            }
        }
    }

    @Test(
        "an Application resource of four sources: the repeated object is a RepeatedResourceWarning condition, and `moor app get` lists every source at its revision"
    )
    func resourceWithRepeatedObject() async throws {
        try await Self.withSources { server, repository, directory in
            try await ControllerHarness.run(fetchesCharts: true) { harness in
                let commit = try await repository.commit(
                    "values",
                    files: [
                        "envs/prod.yaml": "replicaCount: 4\n", "extras/cm.yaml": Self.configMap("extras"),
                        "more/cm.yaml": Self.configMap("more"),
                    ])
                try await harness.installApplicationDefinition()
                let git = { (fields: JSONValue) -> JSONValue in
                    var source = fields.objectValue ?? JSONObject()
                    source["repoURL"] = .string(repository.fileURL)
                    source["targetRevision"] = "main"
                    return .object(source)
                }
                let sources: JSONValue = [
                    [
                        "repoURL": .string(server.url), "targetRevision": "1.4.0", "chart": "webapp",
                        "helm": ["releaseName": "shop", "valueFiles": ["$values/envs/prod.yaml"]],
                    ],
                    git(["ref": "values"]), git(["path": "extras"]), git(["path": "more"]),
                ]
                let ref = ObjectRef(
                    apiVersion: Application.apiVersion, kind: Application.kind, namespace: harness.namespace,
                    name: "multi-get-\(harness.namespace)")
                _ = try await harness.other.create([
                    "apiVersion": .string(Application.apiVersion), "kind": .string(Application.kind),
                    "metadata": ["name": .string(ref.name), "namespace": .string(harness.namespace)],
                    "spec": [
                        "sources": sources, "destination": ["namespace": .string(harness.namespace)],
                        "syncPolicy": ["automated": ["prune": true]],
                    ],
                ])
                try await harness.controller.watchApplications(namespace: harness.namespace)
                try await harness.eventually("synced at one revision per source, with a RepeatedResourceWarning") {
                    let status = try await harness.other.get(ref)[path: "status"]
                    let conditions = status?["conditions"]?.arrayValue ?? []
                    return status?["sync"]?["status"] == "Synced"
                        && status?["sync"]?["revisions"] == [
                            "1.4.0", .string(commit), .string(commit), .string(commit),
                        ]
                        && conditions.contains {
                            $0["type"] == "RepeatedResourceWarning"
                                && $0["message"]?.stringValue?.contains(
                                    "ConfigMap shared is rendered by more than one source") == true
                        }
                }
                let shared = try await harness.other.get(
                    ObjectRef(apiVersion: "v1", kind: "ConfigMap", namespace: harness.namespace, name: "shared"))
                #expect(shared[path: "data", "from"] == "more", "the later source wins")

                let get = try await AppCommandTests.moor(
                    ["app", "get", ref.name, "-n", harness.namespace], cache: directory + "/cli")
                #expect(get.status == 0, "\(get.error)")
                let lines = get.output.split(separator: "\n").map(String.init)
                let listed = lines.filter { $0.hasPrefix("Source ") }
                #expect(listed.count == 4, "\(get.output)")
                #expect(
                    listed.first?.hasPrefix("Source 1:") == true && listed.first?.contains("webapp") == true,
                    "\(get.output)")
                #expect(listed.first?.hasSuffix(" at 1.4.0") == true, "\(get.output)")
                for (line, path) in zip(listed.dropFirst(), ["ref values", "path extras", "path more"]) {
                    #expect(line.contains(repository.fileURL) && line.contains("(\(path), revision main)"), "\(line)")
                    #expect(line.hasSuffix(" at \(commit.prefix(12))"), "\(line)")
                }
                #expect(
                    lines.contains { $0.hasPrefix("Condition:   RepeatedResourceWarning: ConfigMap shared") },
                    "\(get.output)")
            }
        }
    }
}
