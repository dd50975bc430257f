import Controller
import Foundation
import KubeClient
import MoorCore
import MoorTestSupport
import MoorYAML
import Sync
import Testing

/// An app of apps whose children are Application resources in sync waves: a wave of children counts as
/// healthy only once the controller found each child Synced and Healthy.
@Suite("Child applications in sync waves")
struct ChildApplicationWaveTests {
    /// An Application resource manifest in wave `wave`, deploying `path` of the test repository.
    static func child(_ name: String, path: String, wave: Int, harness: ControllerHarness) -> String {
        """
        apiVersion: \(Application.apiVersion)
        kind: \(Application.kind)
        metadata:
          name: \(name)
          namespace: \(harness.namespace)
          annotations: {argocd.argoproj.io/sync-wave: "\(wave)"}
        spec:
          source: {repoURL: "\(harness.repository.fileURL)", targetRevision: main, path: \(path)}
          destination: {namespace: \(harness.namespace)}
          syncPolicy: {automated: {}}
        """
    }

    /// Syncs the parent's children (its desired objects) through an engine with `waveTimeout`, while the
    /// harness's controller reconciles the children it finds.
    static func syncParent(
        _ harness: ControllerHarness, _ documents: [String], waveTimeout: Duration
    ) async throws -> SyncResult {
        var engine = SyncEngine(client: harness.client)
        engine.pollInterval = .milliseconds(200)
        engine.waveTimeout = waveTimeout
        let desired = try YAMLReader.documents(documents.joined(separator: "\n---\n")).map {
            ManifestObject(object: $0.value, source: SourceLocation(file: "parent.yaml", line: $0.line))
        }
        let parent = Application(
            name: "parent-\(harness.namespace)",
            spec: ApplicationSpec(
                source: ApplicationSource(repoURL: harness.repository.fileURL, targetRevision: "main", path: "parent"),
                destination: ApplicationDestination(namespace: harness.namespace)))
        return try await engine.sync(parent, desired: desired)
    }

    /// Runs `body` with a controller that watches the test namespace's Application resources, after
    /// committing `files` (the children's sources) to the test repository.
    static func withChildren(
        _ files: [String: String], _ body: (ControllerHarness) async throws -> Void
    ) async throws {
        try await ControllerHarness.run { harness in
            try await harness.installApplicationDefinition()
            try await harness.controller.watchApplications(namespace: harness.namespace)
            try await harness.repository.commit("children", files: files)
            try await body(harness)
        }
    }

    @Test("wave 1 is applied after the wave-0 child is Synced and Healthy")
    func waitsForChild() async throws {
        let files = [
            "first/c.yaml": ControllerHarness.configMap("first", "1"),
            "second/c.yaml": ControllerHarness.configMap("second", "2"),
        ]
        try await Self.withChildren(files) { harness in
            let names = ["first", "second"].map { "\($0)-\(harness.namespace)" }
            let result = try await Self.syncParent(
                harness,
                [
                    Self.child(names[1], path: "second", wave: 1, harness: harness),
                    Self.child(names[0], path: "first", wave: 0, harness: harness),
                ], waveTimeout: Patience.timeout)
            #expect(result.succeeded, "\(result.message)")
            #expect(result.objects.map(\.ref.name) == names)
            #expect(try await harness.value(of: "first") == "1", "the wave-0 child had synced before wave 1")
            try await harness.eventually("the wave-1 child syncs too") { try await harness.value(of: "second") == "2" }
        }
    }

    @Test("a wave-0 child that never gets healthy stops the parent's sync at the wave timeout; wave 1 is not applied")
    func stuckChild() async throws {
        // No kubelet in the local plane: the Deployment's Pods stay Pending, so it stays Progressing.
        let files = [
            "stuck/d.yaml": FixtureManifests.deployment(), "later/c.yaml": ControllerHarness.configMap("later", "1"),
        ]
        try await Self.withChildren(files) { harness in
            let stuck = "stuck-\(harness.namespace)"
            let later = "later-\(harness.namespace)"
            let result = try await Self.syncParent(
                harness,
                [
                    Self.child(stuck, path: "stuck", wave: 0, harness: harness),
                    Self.child(later, path: "later", wave: 1, harness: harness),
                ], waveTimeout: .seconds(20))
            #expect(!result.succeeded)
            #expect(result.message.contains("wave 0 not healthy after 20 s"), "\(result.message)")
            #expect(result.message.contains(stuck), "\(result.message)")
            let ref = ObjectRef(
                apiVersion: Application.apiVersion, kind: Application.kind, namespace: harness.namespace, name: later)
            await #expect(throws: KubeAPIError.self) { _ = try await harness.client.get(ref) }
        }
    }
}
