import Controller
import Foundation
import GitSource
import KubeClient
import MoorCore
import MoorTestSupport
import Sync
import Testing

/// A `moor controller` process whose standard error goes to a file.
struct ControllerProcess {
    let process = Process()
    let log: URL

    /// Starts `moor controller arguments…` against the test cluster, with its Git cache in `directory`.
    init(_ arguments: [String], name: String, directory: URL, kubeconfig: String) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        log = directory.appendingPathComponent("\(name).log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        process.executableURL = URL(fileURLWithPath: try MoorCommand.binary())
        process.arguments = ["controller"] + arguments
        process.environment = ProcessInfo.processInfo.environment.merging([
            "KUBECONFIG": kubeconfig, "MOOR_CACHE_DIR": directory.appendingPathComponent("cache").path,
        ]) { $1 }
        process.standardError = try FileHandle(forWritingTo: log)
        try process.run()
    }

    /// What it logged so far.
    var output: String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }

    /// Ends it with `signal` and waits for it.
    func end(_ signal: Int32) {
        guard process.isRunning else { return }
        kill(process.processIdentifier, signal)
        process.waitUntilExit()
    }
}

/// The controller under faults: killed mid-sync, its Git server down, its API server restarted.
@Suite("Controller faults")
struct ControllerFaultTests {
    typealias Harness = ControllerHarness

    /// `count` ConfigMaps `cm-<first…>` in one multi-document file, in sync wave `wave`.
    static func configMaps(_ range: Range<Int>, wave: Int) -> String {
        range.map { index in
            """
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: cm-\(index)
              annotations: {moor.dev/sync-wave: "\(wave)"}
            data: {key: "value-\(index)"}
            """
        }.joined(separator: "\n---\n")
    }

    @Test("kill -9 in the middle of a sync, then a restart, converges: every object once, status Synced, history sound")
    func killedMidSync() async throws {
        try await Harness.run { harness in
            // Wave 0: 150 ConfigMaps; wave 1: a LoadBalancer Service, Progressing until the test gives it an
            // address, which holds the sync Running; wave 2: 150 more ConfigMaps.
            let gate = """
                apiVersion: v1
                kind: Service
                metadata:
                  name: gate
                  annotations: {moor.dev/sync-wave: "1"}
                spec:
                  type: LoadBalancer
                  ports: [{port: 80}]
                """
            let commit = try await harness.repository.commit(
                "many objects",
                files: [
                    "app/first.yaml": Self.configMaps(0..<150, wave: 0), "app/gate.yaml": gate,
                    "app/second.yaml": Self.configMaps(150..<300, wave: 2),
                ])
            try await harness.installApplicationDefinition()
            let ref = try await harness.createApplicationResource(
                "fault-\(harness.namespace)", syncPolicy: ["automated": ["prune": true, "selfHeal": true]])
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("moor-fault-\(UUID())")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let kubeconfig = try await TestCluster.shared().adminKubeconfig
            // The test repository is a file:// URL on this machine.
            let arguments = ["--watch-namespace", harness.namespace, "--poll-interval", "1", "--allow-local-sources"]
            let first = try ControllerProcess(arguments, name: "first", directory: directory, kubeconfig: kubeconfig)
            defer { first.end(SIGKILL) }
            let service = ObjectRef(apiVersion: "v1", kind: "Service", namespace: harness.namespace, name: "gate")
            try await harness.eventually("the sync is Running, waiting at the gate") {
                let phase = try await harness.other.get(ref)[path: "status", "operationState", "phase"]
                let gated = (try? await harness.other.get(service)) != nil
                return phase == "Running" && gated
            }
            first.end(SIGKILL)
            #expect(try await harness.value(of: "cm-149") == "value-149", "wave 0 was applied")
            #expect(try await harness.value(of: "cm-150") == nil, "killed in the middle: wave 2 not applied")

            _ = try await harness.other.mergePatch(
                service, patch: ["status": ["loadBalancer": ["ingress": [["ip": "192.0.2.1"]]]]], subresource: "status")
            let second = try ControllerProcess(arguments, name: "second", directory: directory, kubeconfig: kubeconfig)
            defer { second.end(SIGKILL) }
            try await harness.eventually("the restarted controller converges") {
                let status = try await harness.other.get(ref)["status"]
                return status?[path: "sync", "status"] == "Synced"
                    && status?[path: "operationState", "phase"] == "Succeeded"
            }
            let configMaps = try await harness.other.list(
                try await harness.other.resource(apiVersion: "v1", kind: "ConfigMap"), namespace: harness.namespace,
                options: ListOptions(labelSelector: TrackingID.managedBySelector)
            ).items
            let contents = Dictionary(
                configMaps.map { ($0[path: "metadata", "name"]?.stringValue ?? "", $0[path: "data", "key"]) },
                uniquingKeysWith: { first, _ in first })
            #expect(configMaps.count == 300, "every object exists once")
            let expected = (0..<300).map { ("cm-\($0)", JSONValue.string("value-\($0)")) }
            #expect(contents == Dictionary(uniqueKeysWithValues: expected), "every object has its content")
            let history = ApplicationStatus.history(from: try await harness.other.get(ref)[path: "status", "history"])
            #expect(!history.isEmpty && Set(history.map(\.id)).count == history.count, "\(history)")
            #expect(history.first?.result == .succeeded && history.first?.revision == commit)
            #expect(history.allSatisfy { $0.revision == commit })
            second.end(SIGTERM)
            #expect(second.process.terminationStatus == 0, "\(second.output.suffix(2000))")
        }
    }

    @Test("a Git server that is down: objects stay, a ComparisonError names the fetch; back up, it recovers by itself")
    func gitServerDown() async throws {
        try await Harness.run { harness in
            try await harness.repository.commit("first", files: ["app/a.yaml": Harness.configMap("a", "v1")])
            let base = URL(fileURLWithPath: harness.repository.path).deletingLastPathComponent().path
            let repository = URL(fileURLWithPath: harness.repository.path).lastPathComponent
            let server = try await GitDaemonServer.start(basePath: base)
            var application = harness.application(
                "gitdown-\(harness.namespace)", automated: AutomatedSync(selfHeal: true))
            application.spec.source.repoURL = server.url(for: repository)
            try await server.stopping { _ in
                try await harness.controller.manage([application])
                try await harness.eventually("the first commit is applied") {
                    try await harness.value(of: "a") == "v1"
                }
            }
            try await harness.repository.commit("second", files: ["app/a.yaml": Harness.configMap("a", "v2")])
            try await harness.eventually("a ComparisonError names the failed fetch") {
                let conditions = await harness.controller.status(of: application.name)?.conditions ?? []
                return conditions.contains {
                    $0.type == ApplicationStatus.comparisonError && $0.message.contains("127.0.0.1:\(server.port)")
                }
            }
            #expect(try await harness.value(of: "a") == "v1", "the objects stay as they were")

            try await GitDaemonServer.start(basePath: base, port: server.port).stopping { _ in
                try await harness.eventually("back up, the new commit is applied and the condition cleared") {
                    guard try await harness.value(of: "a") == "v2" else { return false }
                    return await harness.controller.status(of: application.name)?.conditions.isEmpty == true
                }
            }
        }
    }

    @Test("an API server restart while the controller runs: afterwards a commit is applied and drift is healed")
    func apiServerRestart() async throws {
        try await SecondControlPlane.run(name: "controller-faults") { plane in
            let client = try plane.adminClient()
            let other = try plane.adminClient()
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("moor-restart-\(UUID())")
            defer { try? FileManager.default.removeItem(at: directory) }
            let outcome: Result<Void, any Error>
            do {
                let namespace = "restart-\(UUID().uuidString.prefix(8).lowercased())"
                _ = try await other.create(
                    ["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": .string(namespace)]])
                var engine = SyncEngine(client: client)
                engine.pollInterval = .milliseconds(100)
                let cache = try GitSourceCache(directory: directory.appendingPathComponent("cache").path)
                let configured = engine
                let newController = { @Sendable in
                    ControllerHarness.controller(
                        engine: configured, cache: cache, pollInterval: .milliseconds(500),
                        controllerNamespace: namespace)
                }
                let controller = newController()
                let harness = ControllerHarness(
                    controller: controller, client: client, other: other,
                    repository: try await GitTestRepository.create(at: directory.appendingPathComponent("repo").path),
                    namespace: namespace, newController: newController)
                await controller.start()
                do {
                    try await Self.survivesRestart(harness, plane: plane)
                    outcome = .success(())
                } catch {
                    outcome = .failure(error)
                }
                await controller.stop(gracePeriod: .seconds(5))
            } catch {
                outcome = .failure(error)
            }
            await client.shutdown()
            await other.shutdown()
            try outcome.get()
        }
    }

    private static func survivesRestart(_ harness: Harness, plane: SecondControlPlane) async throws {
        try await harness.repository.commit("first", files: ["app/a.yaml": Harness.configMap("a", "v1")])
        try await harness.controller.manage([harness.application("restart", automated: AutomatedSync(selfHeal: true))])
        try await harness.eventually("the first commit is applied") { try await harness.value(of: "a") == "v1" }

        try await plane.restartAPIServer()
        try await harness.eventually("the API server is back") { (try? await harness.value(of: "a")) == "v1" }
        try await harness.repository.commit("second", files: ["app/a.yaml": Harness.configMap("a", "v2")])
        try await harness.eventually("a commit after the restart is applied") {
            try await harness.value(of: "a") == "v2"
        }
        try await harness.edit("a", to: "by hand")
        try await harness.eventually("drift after the restart is healed") { try await harness.value(of: "a") == "v2" }
    }
}

extension SecondControlPlane {
    /// Stops this plane's `kube-apiserver` (SIGTERM, as a restart does) and starts it again with the same
    /// arguments, port and state, recording its new pid so that `control-plane.sh down` still stops it;
    /// returns once it answers again.
    func restartAPIServer() async throws {
        let pidFile = "\(stateDirectory)/apiserver.pid"
        let pidText = try String(contentsOfFile: pidFile, encoding: .utf8)
        let pid = try #require(Int32(pidText.trimmingCharacters(in: .whitespacesAndNewlines)))
        let commandLine = try Data(contentsOf: URL(fileURLWithPath: "/proc/\(pid)/cmdline"))
        let arguments = commandLine.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
        kill(pid, SIGTERM)
        // Stopped once gone, or a zombie (nothing may reap it in a container).
        let running = {
            kill(pid, 0) == 0
                && (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8))?.contains(") Z ") != true
        }
        for _ in 0..<300 where running() { try await Task.sleep(for: .milliseconds(100)) }
        if running() { kill(pid, SIGKILL) }
        for _ in 0..<100 where running() { try await Task.sleep(for: .milliseconds(100)) }
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: "\(stateDirectory)/apiserver.log"))
        log.seekToEndOfFile()
        let process = Process()
        // The binary itself, not through `setsid` (which forks when it leads its process group, so the
        // recorded pid would be the wrapper's and `down` would leave kube-apiserver running).
        process.executableURL = URL(fileURLWithPath: arguments[0])
        process.arguments = Array(arguments.dropFirst())
        process.standardOutput = log
        process.standardError = log
        process.standardInput = FileHandle.nullDevice
        try process.run()
        try Data("\(process.processIdentifier)\n".utf8).write(to: URL(fileURLWithPath: pidFile))
        let client = try adminClient()
        let back = try await Patience.waitUntil {
            (try? await client.resource(apiVersion: "v1", kind: "Namespace")) != nil
        }
        await client.shutdown()
        guard back else {
            Issue.record("kube-apiserver did not come back after a restart")
            throw CancellationError()
        }
    }
}
