import KubeClient
import MoorCore
import MoorTestSupport
import Testing

@testable import Sync

/// What a sync orchestrates — hook phases, waves, SyncFail, prune and its cap — run in process against
/// ``InMemoryCluster``. The same rules run against the real API server in ``SyncEngineTests`` and
/// ``SyncHookTests``; these check the order of every write, which a real cluster shows only in part.
@Suite("Sync orchestration in process")
struct SyncOrchestrationTests {
    static let namespace = "shop"

    /// A cluster whose Jobs finish at once: failed when their name starts with `fail`, never when it starts
    /// with `hang`, else complete; and whose Deployments named `stuck…` exceed their progress deadline
    /// while those named `slow…` never get an available replica (they stay Progressing).
    static func cluster() -> InMemoryCluster {
        InMemoryCluster { object in
            var object = object
            let name = object[path: "metadata", "name"]?.stringValue ?? ""
            switch object["kind"]?.stringValue {
            case "Job" where name.hasPrefix("hang"):
                break
            case "Job":
                let failed = name.hasPrefix("fail")
                object[path: "status", "conditions"] = [["type": failed ? "Failed" : "Complete", "status": "True"]]
            case "Deployment" where name.hasPrefix("stuck"):
                object[path: "status", "conditions"] = [
                    ["type": "Progressing", "status": "False", "reason": "ProgressDeadlineExceeded"]
                ]
            case "Deployment" where name.hasPrefix("slow"):
                object["status"] = ["replicas": 1, "updatedReplicas": 1, "availableReplicas": 0]
            default: break
            }
            return object
        }
    }

    static func engine(_ cluster: InMemoryCluster) -> SyncEngine<InMemoryCluster> {
        var engine = SyncEngine(client: cluster)
        engine.pollInterval = .milliseconds(1)
        return engine
    }

    static func application(_ name: String, share: Double = 0.5) -> Application {
        SyncEngineTests.application(name, namespace: namespace, share: share)
    }

    static func desired(_ documents: String...) throws -> [ManifestObject] {
        try SyncEngineTests.manifests(documents.joined(separator: "\n---\n"))
    }

    static func wave(_ wave: Int) -> String {
        "    argocd.argoproj.io/sync-wave: \"\(wave)\""
    }

    static let stuckDeployment = FixtureManifests.deployment("stuck-web")

    /// The names written (created, applied or replaced), in order, without deletions.
    static func written(_ cluster: InMemoryCluster) -> [String] {
        cluster.writes.filter { $0.verb != "delete" }.map(\.ref.name)
    }

    @Test("PreSync hooks, then waves in ascending order, then PostSync hooks: each write after the last")
    func phasesAndWaves() async throws {
        let cluster = Self.cluster()
        let desired = try Self.desired(
            SyncEngineTests.configMap("late", annotations: Self.wave(2)),
            SyncEngineTests.job("notify", hook: "PostSync", prefix: "argocd.argoproj.io"),
            SyncEngineTests.configMap("app"),
            SyncEngineTests.configMap("early", annotations: Self.wave(-1)),
            SyncEngineTests.job("migrate", hook: "PreSync", prefix: "argocd.argoproj.io"))
        let result = try await Self.engine(cluster).sync(Self.application("phases"), desired: desired)
        #expect(result.succeeded, "\(result.message)")
        #expect(Self.written(cluster) == ["migrate", "early", "app", "late", "notify"])
        #expect(result.objects.map(\.ref.name) == ["migrate", "early", "app", "late", "notify"])
        #expect(result.objects.filter { $0.ref.kind == "Job" }.map(\.action) == [.hookSucceeded, .hookSucceeded])
    }

    @Test("a failing PreSync hook fails the sync, runs SyncFail hooks and applies nothing else")
    func failingHook() async throws {
        let cluster = Self.cluster()
        let desired = try Self.desired(
            SyncEngineTests.job("fail-migrate", hook: "PreSync", prefix: "argocd.argoproj.io"),
            SyncEngineTests.configMap("app"),
            SyncEngineTests.configMap("alert", annotations: "    argocd.argoproj.io/hook: SyncFail"))
        let result = try await Self.engine(cluster).sync(Self.application("hookfail"), desired: desired)
        #expect(!result.succeeded)
        #expect(Self.written(cluster) == ["fail-migrate", "alert"])
        #expect(result.objects.map(\.action) == [.hookFailed, .hookSucceeded])
        #expect(cluster.object(SyncEngineTests.ref("ConfigMap", "app", namespace: Self.namespace)) == nil)
    }

    @Test("a wave that turns Degraded stops the sync: later waves and PostSync hooks are not attempted")
    func degradedWave() async throws {
        let cluster = Self.cluster()
        let desired = try Self.desired(
            Self.stuckDeployment, SyncEngineTests.configMap("late", annotations: Self.wave(1)),
            SyncEngineTests.job("notify", hook: "PostSync", prefix: "argocd.argoproj.io"),
            SyncEngineTests.configMap("alert", annotations: "    argocd.argoproj.io/hook: SyncFail"))
        let result = try await Self.engine(cluster).sync(Self.application("degraded"), desired: desired)
        #expect(!result.succeeded)
        #expect(result.message.contains("stuck-web"), "\(result.message)")
        #expect(Self.written(cluster) == ["stuck-web", "alert"])
    }

    @Test("prune deletes what Git dropped; over the cap nothing is deleted until mass prune is allowed")
    func pruneAndCap() async throws {
        let cluster = Self.cluster()
        let engine = Self.engine(cluster)
        let all = try Self.desired(
            SyncEngineTests.configMap("a"), SyncEngineTests.configMap("b"), SyncEngineTests.configMap("c"),
            SyncEngineTests.configMap("d"))
        let app = Self.application("prune")
        #expect(try await engine.sync(app, desired: all).succeeded)

        let dropOne = Array(all.dropLast())
        let pruned = try await engine.sync(app, desired: dropOne, options: SyncRunOptions(prune: true))
        #expect(pruned.succeeded, "\(pruned.message)")
        #expect(pruned.objects.filter { $0.action == .pruned }.map(\.ref.name) == ["d"])
        #expect(cluster.writes.filter { $0.verb == "delete" }.map(\.ref.name) == ["d"])

        let onlyA = Array(all.prefix(1))
        let refused = try await engine.sync(app, desired: onlyA, options: SyncRunOptions(prune: true))
        #expect(!refused.succeeded)
        #expect(refused.refusal != nil, "the cap is the only failure: \(refused.message)")
        #expect(cluster.writes.filter { $0.verb == "delete" }.map(\.ref.name) == ["d"], "nothing more pruned")

        let allowed = try await engine.sync(
            app, desired: onlyA, options: SyncRunOptions(prune: true, allowMassPrune: true))
        #expect(allowed.succeeded, "\(allowed.message)")
        #expect(cluster.writes.filter { $0.verb == "delete" }.map(\.ref.name).sorted() == ["b", "c", "d"])
    }

    @Test("a sync of a comparison just made reads no object again and applies what the comparison found missing")
    func syncOfComparison() async throws {
        let cluster = Self.cluster()
        let engine = Self.engine(cluster)
        let app = Self.application("compared")
        let desired = try Self.desired(SyncEngineTests.configMap("a"), SyncEngineTests.configMap("b"))
        let comparison = try await engine.compare(app, desired: desired, tracked: [])
        #expect(comparison.objects.map(\.state) == [.missing, .missing])
        let readsBefore = cluster.requestCounts()["get", default: 0]
        let result = await engine.sync(comparison, of: app.name)
        #expect(result.succeeded, "\(result.message)")
        #expect(cluster.requestCounts()["get", default: 0] == readsBefore)
        #expect(Self.written(cluster).sorted() == ["a", "b"], "one batch, applied side by side in either order")
        #expect(result.writes == 2)
    }

    @Test("an empty render prunes nothing, whatever the options")
    func emptyRender() async throws {
        let cluster = Self.cluster()
        let engine = Self.engine(cluster)
        let app = Self.application("empty", share: 1)
        #expect(try await engine.sync(app, desired: try Self.desired(SyncEngineTests.configMap("a"))).succeeded)
        await #expect(throws: SyncPlanError.self) {
            try await engine.sync(app, desired: [], options: SyncRunOptions(prune: true, allowMassPrune: true))
        }
        #expect(cluster.object(SyncEngineTests.ref("ConfigMap", "a", namespace: Self.namespace)) != nil)
        #expect(!cluster.writes.contains { $0.verb == "delete" })
    }

    @Test("a generateName hook is created under a new name at every run; earlier runs are deleted first")
    func generateNameHook() async throws {
        let cluster = Self.cluster()
        let engine = Self.engine(cluster)
        let hook = """
            apiVersion: batch/v1
            kind: Job
            metadata:
              generateName: seed-
              annotations:
                argocd.argoproj.io/hook: PreSync
            spec:
              template:
                spec:
                  restartPolicy: Never
                  containers: [{name: seed, image: "busybox:1.36"}]
            """
        let desired = try Self.desired(hook, SyncEngineTests.configMap("app"))
        let app = Self.application("generated")
        #expect(try await engine.sync(app, desired: desired).succeeded)
        #expect(try await engine.sync(app, desired: desired).succeeded)
        let runs = cluster.writes.filter { $0.ref.kind == "Job" }
        #expect(runs.map(\.verb) == ["create", "delete", "create"])
        let names = runs.map(\.ref.name)
        #expect(names.allSatisfy { $0.hasPrefix("seed-") && $0.count == "seed-".count + 5 })
        #expect(names[0] == names[1] && names[2] != names[0], "the second run deletes the first: \(names)")
    }

    @Test("a hook that never completes fails at the hook timeout, on a clock that does not wait; SyncFail hooks run")
    func hookTimeout() async throws {
        let cluster = Self.cluster()
        var engine = Self.engine(cluster)
        engine.pollInterval = .seconds(5)
        let clock = MoorClock.immediate()
        let start = clock.now
        engine.clock = clock
        let desired = try Self.desired(
            SyncEngineTests.job("hang-migrate", hook: "PreSync", prefix: "argocd.argoproj.io"),
            SyncEngineTests.configMap("app"),
            SyncEngineTests.configMap("alert", annotations: "    argocd.argoproj.io/hook: SyncFail"))
        let result = try await engine.sync(Self.application("hooktimeout"), desired: desired)
        #expect(!result.succeeded)
        #expect(result.message.contains("did not complete within 300 s"), "\(result.message)")
        #expect(start.duration(to: clock.now) >= .seconds(300))
        #expect(Self.written(cluster) == ["hang-migrate", "alert"])
        #expect(result.objects.map(\.action) == [.hookFailed, .hookSucceeded])
    }

    @Test("a wave that stays Progressing fails at the wave timeout, naming what is not healthy; later waves wait")
    func waveTimeout() async throws {
        let cluster = Self.cluster()
        var engine = Self.engine(cluster)
        engine.waveTimeout = .seconds(120)
        engine.pollInterval = .seconds(5)
        engine.clock = .immediate()
        let desired = try Self.desired(
            FixtureManifests.deployment("slow-web"),
            SyncEngineTests.configMap("late", annotations: Self.wave(1)))
        let result = try await engine.sync(Self.application("wavetimeout"), desired: desired)
        #expect(!result.succeeded)
        #expect(result.message.contains("wave 0 not healthy after 120 s"), "\(result.message)")
        #expect(result.message.contains("slow-web"), "\(result.message)")
        #expect(Self.written(cluster) == ["slow-web"])
    }
}
