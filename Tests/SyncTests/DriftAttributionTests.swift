import Foundation
import KubeClient
import MoorCore
import MoorTestSupport
import Testing

@testable import Sync

extension SyncEngineTests {
    /// A Deployment and three ConfigMaps synced, then drifted with the real kubectl: `scale`, `edit`
    /// (an editor that is `sed`), `patch`, and a second field manager's server-side apply.
    @Test("drift by kubectl scale, edit, patch and another manager's apply is attributed to each")
    func driftAttribution() async throws {
        let cluster = try await TestCluster.shared()
        try await withEngine { engine, _, ns in
            let app = Self.application("drifted", namespace: ns)
            let desired = try Self.manifests(
                [
                    Self.configMap("edited", "original"), Self.configMap("patched", "original"),
                    Self.configMap("applied", "original"),
                    FixtureManifests.deployment("web").replacingOccurrences(
                        of: "spec:\n  selector", with: "spec:\n  replicas: 1\n  selector"),
                ].joined(separator: "\n---\n"))
            let first = try await engine.sync(app, desired: desired)
            #expect(first.succeeded, "\(first.message)")

            try await cluster.kubectl(["-n", ns, "scale", "deployment/web", "--replicas=3"])
            try await cluster.kubectl(
                ["-n", ns, "edit", "configmap/edited"], environment: ["KUBE_EDITOR": "sed -i s/original/by-edit/"])
            try await cluster.kubectl(
                ["-n", ns, "patch", "configmap/patched", "--type=merge", "-p", #"{"data":{"key":"by-patch"}}"#])
            try await cluster.kubectl(
                [
                    "-n", ns, "apply", "--server-side", "--field-manager=intruder", "--force-conflicts", "-f", "-",
                ], input: "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: applied}\ndata: {key: by-intruder}\n")

            let comparison = try await engine.compare(app, desired: desired)
            func attributed(_ kind: String, _ name: String) -> [String] {
                (comparison.state(
                    of: Self.ref(kind, name, namespace: ns, apiVersion: kind == "Deployment" ? "apps/v1" : "v1"))?
                    .attributions ?? []).map { "\($0.path): \($0.manager ?? "-"), \($0.operation?.rawValue ?? "-")" }
            }
            // API servers before 1.21 record no managed fields for the scale subresource; later ones do.
            let scaled =
                comparison.state(of: Self.ref("Deployment", "web", namespace: ns, apiVersion: "apps/v1"))?
                .attributions ?? []
            #expect(scaled.map(\.path.description) == ["spec.replicas"])
            #expect(
                scaled.allSatisfy {
                    $0.manager == nil || ($0.manager?.hasPrefix("kubectl") == true && $0.subresource == "scale")
                },
                "\(scaled)")
            #expect(attributed("ConfigMap", "edited") == ["data.key: kubectl-edit, Update"])
            #expect(attributed("ConfigMap", "patched") == ["data.key: kubectl-patch, Update"])
            #expect(attributed("ConfigMap", "applied") == ["data.key: intruder, Apply"])
            let times = comparison.objects.filter { $0.ref.kind == "ConfigMap" }.flatMap(\.attributions).compactMap(
                \.time)
            #expect(times.count == 3 && times.allSatisfy { $0.hasSuffix("Z") }, "\(times)")
        }
    }
}
