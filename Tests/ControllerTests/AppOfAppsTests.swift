import Controller
import Foundation
import MoorCore
import MoorTestSupport
import Testing

/// Applications read from Application manifests in Git (`moor controller --apps-from-git`).
@Suite("App of apps")
struct AppOfAppsTests {
    /// An Application manifest deploying `path` of `repository` into `namespace`.
    static func manifest(_ name: String, path: String, prune: Bool, harness: ControllerHarness) -> String {
        """
        apiVersion: moor.dev/v1alpha1
        kind: Application
        metadata: {name: \(name)}
        spec:
          source: {repoURL: "\(harness.repository.fileURL)", targetRevision: main, path: \(path)}
          destination: {namespace: \(harness.namespace)}
          syncPolicy: {automated: {prune: \(prune)}}
        """
    }

    @Test("applications in Git are managed; one removed from Git goes, its objects pruned only with prune")
    func appOfApps() async throws {
        try await ControllerHarness.run { harness in
            let names = ["pruned", "kept", "stays"].map { "\($0)-\(harness.namespace)" }
            try await harness.repository.commit(
                "apps",
                files: [
                    "apps/pruned.yaml": Self.manifest(names[0], path: "one", prune: true, harness: harness),
                    "apps/kept.yaml": Self.manifest(names[1], path: "two", prune: false, harness: harness),
                    "apps/stays.yaml": Self.manifest(names[2], path: "three", prune: true, harness: harness),
                    "apps/notes.yaml": ControllerHarness.configMap("ignored", "not an application"),
                    "one/c.yaml": ControllerHarness.configMap("one", "1"),
                    "two/c.yaml": ControllerHarness.configMap("two", "2"),
                    "three/c.yaml": ControllerHarness.configMap("three", "3"),
                ])
            let source = ApplicationSource(repoURL: harness.repository.fileURL, targetRevision: "main", path: "apps")
            try await harness.controller.manageApplications(from: source)
            await #expect(throws: ApplicationError.self) {
                try await harness.controller.manageApplications(from: source)
            }
            try await harness.eventually("every application from Git is applied") {
                try await ApplicationSetControllerTests.values(harness, "one", "two", "three")
                    == ["1", "2", "3"]
            }
            #expect(await harness.controller.applications(from: source) == names.sorted())
            #expect(try await harness.value(of: "ignored") == nil, "only Application manifests are read")

            let repository = URL(fileURLWithPath: harness.repository.path)
            for file in ["apps/pruned.yaml", "apps/kept.yaml"] {
                try FileManager.default.removeItem(at: repository.appendingPathComponent(file))
            }
            try await harness.repository.commit(
                "remove two apps, move one",
                files: [
                    "apps/stays.yaml": Self.manifest(names[2], path: "four", prune: true, harness: harness),
                    "four/c.yaml": ControllerHarness.configMap("four", "4"),
                    "four/d.yaml": ControllerHarness.configMap("three", "3b"),
                ])
            try await harness.eventually("the removed applications go, the changed one is updated") {
                guard await harness.controller.applications(from: source) == [names[2]] else { return false }
                return try await ApplicationSetControllerTests.values(harness, "one", "three", "four")
                    == [nil, "3b", "4"]
            }
            #expect(try await harness.value(of: "two") == "2", "an application without prune leaves its objects")
        }
    }
}
