import Foundation
import KubeClient
import MoorCore
import MoorTestSupport
import Testing

/// `moor controller` as a whole process: it applies a file's applications and stops cleanly on SIGTERM.
@Suite("moor controller")
struct ControllerCommandTests {
    @Test("--apps FILE applies the applications until SIGTERM, then exits 0")
    func appsFile() async throws {
        try await ControllerHarness.run { harness in
            try await harness.repository.commit("first", files: ["app/a.yaml": ControllerHarness.configMap("a", "cli")])
            let directory = FileManager.default.temporaryDirectory
                .appendingPathComponent("moor-controller-cli-\(UUID())")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let apps = try harness.applicationsFile("cli", in: directory)
            let errorFile = directory.appendingPathComponent("stderr")
            _ = FileManager.default.createFile(atPath: errorFile.path, contents: nil)
            let cluster = try await TestCluster.shared()
            let process = Process()
            process.executableURL = URL(fileURLWithPath: try MoorCommand.binary())
            process.arguments = ["controller", "--apps", apps.path, "--poll-interval", "0.5"]
            process.environment = ProcessInfo.processInfo.environment.merging([
                "KUBECONFIG": cluster.adminKubeconfig, "MOOR_CACHE_DIR": directory.appendingPathComponent("cache").path,
            ]) { $1 }
            process.standardError = try FileHandle(forWritingTo: errorFile)
            try process.run()
            do {
                try await harness.eventually("the controller applies the file's application") {
                    try await harness.value(of: "a") == "cli"
                }
            } catch {
                process.terminate()
                process.waitUntilExit()
                throw error
            }
            process.terminate()
            process.waitUntilExit()
            let log = try String(contentsOf: errorFile, encoding: .utf8)
            #expect(process.terminationReason == .exit && process.terminationStatus == 0, "\(log)")
            #expect(log.contains("reconciled"), "\(log)")
            #expect(log.contains("controller stopped"), "\(log)")
        }
    }

    @Test("a malformed applications file is refused with its file and line")
    func malformedFile() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("moor-apps-\(UUID()).yaml")
        defer { try? FileManager.default.removeItem(at: file) }
        let manifest = "apiVersion: moor.dev/v1alpha1\nkind: Application\nmetadata: {name: x}\nspec: {}\n"
        try Data(manifest.utf8).write(to: file)
        let run = try MoorCommand.run(["controller", "--apps", file.path])
        #expect(run.status != 0)
        #expect(run.error.contains("\(file.path):1:"), "\(run.error)")
        #expect(run.error.contains("spec.source is required"), "\(run.error)")
    }

    @Test("a notifications file with an unusable Provider is refused, naming the file and what to fix")
    func unusableNotificationsFile() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("moor-notify-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let apps = directory.appendingPathComponent("apps.yaml")
        try Data().write(to: apps)
        let notifications = directory.appendingPathComponent("notifications.yaml")
        try Data("apiVersion: moor.dev/v1alpha1\nkind: Provider\nmetadata: {name: gh}\nspec: {type: github}\n".utf8)
            .write(to: notifications)
        let run = try MoorCommand.run(["controller", "--apps", apps.path, "--notifications-file", notifications.path])
        #expect(run.status != 0)
        #expect(run.error.contains("\(notifications.path): Provider gh: spec.secretRef is missing"), "\(run.error)")
    }
}
