import Controller
import Foundation
import KubeClient
import MoorCore
import MoorTestSupport
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
                    ObjectRef(apiVersion: "apps/v1", kind: "Deployment", namespace: harness.namespace, name: "app-webapp"))
            }
        }
    }
}
