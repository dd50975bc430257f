import ChartSource
import Controller
import Foundation
import KubeClient
import MoorCore
import MoorTestSupport
import Render
import Testing

/// The controller renders charts for their destination: the release namespace and the cluster's
/// capabilities, as `moor sync` does.
@Suite("Helm charts in the controller")
struct HelmControllerTests {
    typealias Harness = ControllerHarness

    static func chart(_ name: String) throws -> [String: String] {
        try FixtureCharts.files(name, under: "app")
    }

    @Test("a chart's objects and RBAC subjects land in the destination namespace")
    func releaseNamespace() async throws {
        try await Harness.run { harness in
            try await harness.repository.commit("webapp", files: try Self.chart("webapp"))
            try await harness.controller.manage([harness.application("webapp", automated: AutomatedSync())])
            let ref = ObjectRef(
                apiVersion: "rbac.authorization.k8s.io/v1", kind: "RoleBinding", namespace: harness.namespace,
                name: "app-webapp")
            try await harness.eventually("the chart is applied in the destination namespace") {
                let binding = try? await harness.other.get(ref)
                return binding?[path: "subjects"]?[0]?["namespace"]?.stringValue == harness.namespace
            }
        }
    }

    @Test("a chart that allocates without bound fails only its own application; the other stays synced and healed")
    func renderBomb() async throws {
        let rendering = RenderConfiguration(
            helmIsolation: HelmIsolation(executable: try MoorCommand.binary()), toolMemoryLimit: 512 << 20)
        try await Harness.run(rendering: rendering) { harness in
            var files = try Self.chart("webapp")
            files["bomb/Chart.yaml"] = "apiVersion: v2\nname: bomb\nversion: 0.1.0\n"
            // Doubles a string 40 times: a terabyte, unless something stops it.
            files["bomb/templates/bomb.yaml"] = """
                {{- $s := "0123456789abcdef" }}
                {{- range until 40 }}{{ $s = print $s $s }}{{ end }}
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: bomb}
                data: {size: {{ len $s | quote }}}
                """
            try await harness.repository.commit("a chart and a bomb", files: files)
            var bomb = harness.application("bomb", automated: AutomatedSync())
            bomb.spec.source.path = "bomb"
            try await harness.controller.manage([
                harness.application("webapp", automated: AutomatedSync(prune: true, selfHeal: true)), bomb,
            ])
            try await harness.eventually("the bomb's application fails naming the limit") {
                await harness.controller.status(of: "bomb")?.conditions.contains {
                    $0.type == "ComparisonError" && $0.message.contains("more than its memory limit of 512 MiB")
                } == true
            }
            let settings = ObjectRef(
                apiVersion: "v1", kind: "ConfigMap", namespace: harness.namespace, name: "app-webapp-env")
            try await harness.eventually("the other chart is synced") {
                await harness.controller.status(of: "webapp")?.sync.status == .synced
            }
            _ = try await harness.other.mergePatch(settings, patch: ["data": ["LOG_LEVEL": "debug"]])
            try await harness.eventually("and its drift is healed") {
                try await harness.other.get(settings)[path: "data", "LOG_LEVEL"] == "info"
            }
            await #expect(throws: KubeAPIError.self, "nothing of the bomb was applied") {
                try await harness.other.get(
                    ObjectRef(apiVersion: "v1", kind: "ConfigMap", namespace: harness.namespace, name: "bomb"))
            }
        }
    }

    @Test("a chart the cluster's version does not satisfy is a ComparisonError and nothing is applied")
    func kubeVersionRefused() async throws {
        try await Harness.run { harness in
            var files = try Self.chart("webapp")
            files["app/Chart.yaml"] = files["app/Chart.yaml"]!.replacingOccurrences(
                of: "kubeVersion: \">=1.19.0-0\"", with: "kubeVersion: \">=1.99.0-0\"")
            try await harness.repository.commit("too new", files: files)
            try await harness.controller.manage([harness.application("toonew", automated: AutomatedSync())])
            try await harness.eventually("the refusal is a ComparisonError naming the constraint") {
                let status = await harness.controller.status(of: "toonew")
                return status?.conditions.contains {
                    $0.type == "ComparisonError" && $0.message.contains("requires kubeVersion >=1.99.0-0")
                } == true
            }
            await #expect(throws: KubeAPIError.self) {
                try await harness.other.get(
                    ObjectRef(
                        apiVersion: "apps/v1", kind: "Deployment", namespace: harness.namespace, name: "app-webapp"))
            }
        }
    }

    @Test("a chart dependency neither vendored nor fetchable is a ComparisonError naming it, and nothing is pruned")
    func missingDependency() async throws {
        try await ChartRepositoryServer.start().stopping { server in
            // A real repository that serves another chart and lacks the dependency.
            let other = try await FixtureCharts.package("webapp", version: "1.0.0", into: server.root)
            try Data(FixtureCharts.index([other]).utf8).write(to: URL(fileURLWithPath: server.root + "/index.yaml"))
            try await Harness.run(fetchesCharts: true) { harness in
                let name = "helm-missing-dependency"
                let chart = try Self.chart("webapp")
                try await harness.repository.commit("webapp", files: chart)
                try await harness.controller.manage([harness.application(name, automated: AutomatedSync(prune: true))])
                let deployment = ObjectRef(
                    apiVersion: "apps/v1", kind: "Deployment", namespace: harness.namespace, name: "app-webapp")
                try await harness.eventually("the chart is synced") {
                    let live = try? await harness.other.get(deployment)
                    return await harness.controller.status(of: name)?.sync.status == .synced && live != nil
                }
                let synced = try await harness.other.get(deployment)
                let objects = await harness.controller.status(of: name)?.resources.map(\.ref) ?? []
                #expect(objects.count > 1)
                for (repository, message) in [
                    (server.url, "depends on redis 18.1.5 from \(server.url), which could not be fetched"),
                    ("", "depends on redis 18.1.5 has no repository and is not in charts/"),
                ] {
                    var files = chart
                    files["app/Chart.yaml"]! +=
                        "dependencies:\n- {name: redis, version: 18.1.5, repository: \"\(repository)\"}\n"
                    try await harness.repository.commit("depend on redis from \(repository)", files: files)
                    try await harness.eventually("the missing dependency is a ComparisonError naming it") {
                        await harness.controller.status(of: name)?.conditions.contains {
                            $0.type == "ComparisonError" && $0.message.contains(message)
                        } == true
                    }
                    let live = try await harness.other.get(deployment)
                    #expect(live[path: "metadata", "uid"] == synced[path: "metadata", "uid"], "nothing was pruned")
                    for ref in objects {
                        #expect(try await harness.other.get(ref)[path: "metadata", "name"] != nil, "\(ref.name) stays")
                    }
                }
            }
        }
    }
}
