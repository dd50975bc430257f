import Foundation
import KubeClient
import MoorCore
import MoorTestSupport
import Testing

/// Two `moor controller --leader-elect` processes on one Lease: one works, and when it dies the other
/// takes over within the lease duration.
@Suite("moor controller --leader-elect")
struct ControllerLeaderElectionTests {
    /// A background `moor controller` whose standard error goes to a file, serving on a port of its own.
    struct Replica {
        let process = Process()
        let log: URL
        let port: Int

        init(identity: String, apps: URL, namespace: String, directory: URL, kubeconfig: String) throws {
            log = directory.appendingPathComponent("\(identity).log")
            port = try LoopbackPort.free()
            _ = FileManager.default.createFile(atPath: log.path, contents: nil)
            process.executableURL = URL(fileURLWithPath: try MoorCommand.binary())
            process.arguments = [
                "controller", "--apps", apps.path, "--poll-interval", "1", "--leader-elect", "--lease-namespace",
                namespace, "--lease-duration", "10", "--identity", identity, "--listen", "127.0.0.1:\(port)",
            ]
            process.environment = ProcessInfo.processInfo.environment.merging([
                "KUBECONFIG": kubeconfig, "MOOR_CACHE_DIR": directory.appendingPathComponent("cache-\(identity)").path,
            ]) { $1 }
            process.standardError = try FileHandle(forWritingTo: log)
            try process.run()
        }

        var output: String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }
        var leads: Bool { output.contains("became leader") }

        /// The status its server answers for `path`.
        func status(_ path: String) async throws -> Int {
            try await LoopbackPort.httpStatus(port, path)
        }
    }

    @Test("only one replica leads; killing it hands over; SIGTERM releases the lease")
    func handOver() async throws {
        try await ControllerHarness.run { harness in
            try await harness.repository.commit("first", files: ["app/a.yaml": ControllerHarness.configMap("a", "v1")])
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("moor-leader-\(UUID())")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let apps = try harness.applicationsFile("leader", in: directory)
            let kubeconfig = try await TestCluster.shared().adminKubeconfig
            let first = try Replica(
                identity: "first", apps: apps, namespace: harness.namespace, directory: directory,
                kubeconfig: kubeconfig)
            var second: Replica?
            defer {
                for replica in [first, second].compactMap({ $0 }) where replica.process.isRunning {
                    kill(replica.process.processIdentifier, SIGKILL)
                    replica.process.waitUntilExit()
                }
            }
            try await harness.eventually("the first replica leads and applies") {
                guard first.leads else { return false }
                return try await harness.value(of: "a") == "v1"
            }
            let standby = try Replica(
                identity: "second", apps: apps, namespace: harness.namespace,
                directory: directory, kubeconfig: kubeconfig)
            second = standby
            try await harness.eventually("the second replica is waiting") {
                standby.output.contains("waiting for the lease")
            }
            try await harness.eventually("the standby serves its probes: alive, not ready") {
                let (alive, ready) = (try await standby.status("/healthz"), try await standby.status("/readyz"))
                return alive == 200 && ready == 503
            }
            #expect(try await standby.status("/api/v1/applications") == 503)
            // Ready once its live-object cache has listed every type it watches, maybe after its first sync.
            try await harness.eventually("the leader is ready") { try await first.status("/readyz") == 200 }
            try await Task.sleep(for: .seconds(5))
            #expect(!standby.leads, "a live leader keeps the lease: \(standby.output)")

            kill(first.process.processIdentifier, SIGKILL)
            first.process.waitUntilExit()
            try await harness.repository.commit("second", files: ["app/a.yaml": ControllerHarness.configMap("a", "v2")])
            try await harness.eventually("the second replica takes over and applies the new commit") {
                guard standby.leads else { return false }
                return try await harness.value(of: "a") == "v2"
            }
            try await harness.eventually("the new leader serves the controller's server on the same port") {
                try await standby.status("/readyz") == 200
            }
            #expect(try await standby.status("/api/v1/applications") == 401, "the API, which needs a token")
            standby.process.terminate()
            standby.process.waitUntilExit()
            #expect(standby.process.terminationStatus == 0, "\(standby.output)")
            let lease = try await harness.client.get(
                ObjectRef(
                    group: "coordination.k8s.io", version: "v1", kind: "Lease", namespace: harness.namespace,
                    name: "moor-controller"))
            #expect(lease[path: "spec", "holderIdentity"] == "", "released on SIGTERM")
        }
    }
}
