import Foundation
import KubeClient
import MoorCore
import MoorTestSupport
import Testing

/// `moor status --health-customizations FILE` as a whole process against the real API server.
@Suite("moor status --health-customizations")
struct HealthCustomizationsCommandTests {
    /// Runs `body` with application flags deploying one ConfigMap from a local directory into a fresh
    /// namespace, the environment to run `moor` with, and a scratch directory for files.
    func withApplication(_ body: ([String], [String: String], URL) async throws -> Void) async throws {
        let cluster = try await TestCluster.shared()
        let client = try cluster.adminClient()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("moor-health-\(UUID())")
        defer { try? FileManager.default.removeItem(at: directory) }
        do {
            try await cluster.withNamespace(client) { ns in
                let app = directory.appendingPathComponent("app")
                try FileManager.default.createDirectory(at: app, withIntermediateDirectories: true)
                try "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\ndata: {mode: strict}\n"
                    .write(to: app.appendingPathComponent("config.yaml"), atomically: true, encoding: .utf8)
                let flags = ["--name", "health", "--repo", app.path, "--dest-namespace", ns]
                try await body(flags, ["KUBECONFIG": cluster.adminKubeconfig], directory)
            }
        } catch {
            await client.shutdown()
            throw error
        }
        await client.shutdown()
    }

    @Test("a file's script gives a kind without health one, and the status says the script decided")
    func scriptDecides() async throws {
        try await withApplication { app, environment, directory in
            let sync = try MoorCommand.run(["sync"] + app, environment: environment)
            #expect(sync.status == 0, "\(sync.error)")
            let file = directory.appendingPathComponent("moor-cm.yaml")
            try """
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: moor-cm}
            data:
              resource.customizations.health._ConfigMap: |
                if obj.data ~= nil and obj.data.mode == "strict" then
                  return { status = "Degraded", message = "strict mode is on" }
                end
                return { status = "Healthy" }
            """.write(to: file, atomically: true, encoding: .utf8)

            let plain = try MoorCommand.run(["status", "-o", "json"] + app, environment: environment)
            #expect(plain.status == 0, "\(plain.error)")
            #expect(try JSONValue(parsing: plain.output)[path: "objects"]?[0]?["health"] == .null)

            let customized = try MoorCommand.run(
                ["status", "-o", "json", "--health-customizations", file.path] + app, environment: environment)
            #expect(customized.status == 0, "\(customized.error)")
            let report = try JSONValue(parsing: customized.output)
            let object = report["objects"]?[0]
            #expect(report["health"] == "Degraded")
            #expect(object?["health"] == "Degraded")
            #expect(object?["message"] == "strict mode is on")
            #expect(object?[path: "decidedBy", "key"] == "resource.customizations.health._ConfigMap")

            let table = try MoorCommand.run(
                ["status", "--health-customizations", file.path] + app, environment: environment)
            #expect(table.output.contains("DECIDED BY"))
            #expect(table.output.contains("script resource.customizations.health._ConfigMap"), "\(table.output)")
        }
    }

    @Test("a file with a script that does not compile is refused, naming the file and the key")
    func brokenScript() async throws {
        try await withApplication { app, environment, directory in
            let file = directory.appendingPathComponent("broken.yaml")
            try "resource.customizations.health._ConfigMap: \"return {\"\n"
                .write(to: file, atomically: true, encoding: .utf8)
            let run = try MoorCommand.run(
                ["status", "--health-customizations", file.path] + app, environment: environment)
            #expect(run.status != 0)
            #expect(run.error.contains("Error:"), "\(run.error)")
            #expect(run.error.contains(file.path))
            #expect(run.error.contains("resource.customizations.health._ConfigMap"))

            let missing = try MoorCommand.run(
                ["status", "--health-customizations", directory.appendingPathComponent("none.yaml").path] + app,
                environment: environment)
            #expect(missing.status != 0)
            #expect(missing.error.contains("none.yaml"), "\(missing.error)")
        }
    }
}
