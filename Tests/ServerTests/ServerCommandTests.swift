import Foundation
import MoorCore
import MoorTestSupport
import Testing

/// `moor controller --listen`: the server runs beside the controller and stops with it.
@Suite("moor controller --listen", .serialized)
struct ServerCommandTests {
    @Test("serves the API with the tokens file beside the controller, and exits 0 on SIGTERM")
    func listen() async throws {
        try await ServerHarness.run { harness async throws in
            try await harness.repository.commit("cli", files: ["app/cm.yaml": ServerHarness.configMap("cli", "1")])
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("moor-listen-\(UUID())")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let apps = directory.appendingPathComponent("apps.yaml")
            try Data(
                """
                apiVersion: moor.dev/v1alpha1
                kind: Application
                metadata: {name: cli-app}
                spec:
                  source: {repoURL: "\(harness.repository.fileURL)", targetRevision: main, path: app}
                  destination: {namespace: \(harness.namespace)}
                  syncPolicy: {automated: {}}
                """.utf8
            ).write(to: apps)
            let tokens = directory.appendingPathComponent("tokens.yaml")
            try Data(ServerHarness.tokensDocument.utf8).write(to: tokens)
            let errorFile = directory.appendingPathComponent("stderr")
            _ = FileManager.default.createFile(atPath: errorFile.path, contents: nil)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: try MoorCommand.binary())
            process.arguments = [
                "controller", "--apps", apps.path, "--listen", "127.0.0.1:0", "--tokens-file", tokens.path,
            ]
            process.environment = ProcessInfo.processInfo.environment.merging([
                "KUBECONFIG": try await TestCluster.shared().adminKubeconfig,
                "MOOR_CACHE_DIR": directory.appendingPathComponent("cache").path,
            ]) { $1 }
            process.standardError = try FileHandle(forWritingTo: errorFile)
            try process.run()
            defer { if process.isRunning { process.terminate() } }
            var port = ""
            try await harness.eventually("the server logs its address") {
                let log = try String(contentsOf: errorFile, encoding: .utf8)
                guard let range = log.range(of: "address=http://127.0.0.1:") else { return false }
                port = String(log[range.upperBound...].prefix { $0.isNumber })
                return !port.isEmpty
            }
            var served = harness
            served.baseURL = "http://127.0.0.1:\(port)"
            try await harness.eventually("the API reports cli-app Synced") {
                let answer = try await served.request(.GET, "/api/v1/applications/cli-app", as: .viewer)
                return answer.json[path: "sync", "status"] == "Synced"
            }
            #expect(try await served.request(.GET, "/api/v1/applications").status == 401)
            process.terminate()
            process.waitUntilExit()
            let log = try String(contentsOf: errorFile, encoding: .utf8)
            #expect(process.terminationReason == .exit && process.terminationStatus == 0, "\(log)")
            #expect(log.contains("controller stopped"), "\(log)")
            #expect(!log.contains(ServerHarness.Holder.viewer.token), "a token was logged")
        }
    }

    @Test(
        "server flags that do not fit together are refused",
        arguments: [
            (["--tokens-file", "/x"], "need --listen"),
            (["--listen", "8080"], "HOST:PORT"),
            (["--listen", "127.0.0.1:99999"], "HOST:PORT"),
            (["--listen", "127.0.0.1:0", "--tls-cert", "/c"], "go together"),
            (["--listen", "127.0.0.1:0", "--tokens-file", "/x", "--tokens-secret", "a/b"], "not both"),
            (["--listen", "127.0.0.1:0", "--tokens-secret", "nameonly"], "NAMESPACE/NAME"),
        ])
    func badFlags(flags: [String], expected: String) throws {
        let run = try MoorCommand.run(["controller", "--apps", "/nonexistent.yaml"] + flags)
        #expect(run.status != 0)
        #expect(run.error.contains(expected), "\(run.error)")
    }
}
