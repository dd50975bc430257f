import Dispatch
import Foundation
import KubeClient
import MoorCore
import MoorTestSupport
import Testing

/// `moor app` as a whole process against Application resources a running controller manages.
@Suite("moor app")
struct AppCommandTests {
    /// Runs `moor arguments…` against the test cluster without blocking a cooperative thread.
    static func moor(_ arguments: [String], cache: String) async throws -> MoorCommand.Run {
        let cluster = try await TestCluster.shared()
        let environment = ["KUBECONFIG": cluster.adminKubeconfig, "MOOR_CACHE_DIR": cache]
        let result = await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(returning: Result { try MoorCommand.run(arguments, environment: environment) })
            }
        }
        return try result.get()
    }

    @Test("list, get and history show Application resources; rollback syncs an earlier commit, automation off")
    func appCommands() async throws {
        try await ControllerHarness.run { harness in
            let cache = FileManager.default.temporaryDirectory.appendingPathComponent("moor-app-cli-\(UUID())").path
            defer { try? FileManager.default.removeItem(atPath: cache) }
            let first = try await harness.repository.commit(
                "first", files: ["app/a.yaml": ControllerHarness.configMap("a", "one")])
            let ref = try await harness.applicationResource("cli", syncPolicy: ["automated": ["prune": true]])
            try await harness.eventually("the first commit is applied") { try await harness.value(of: "a") == "one" }
            let second = try await harness.repository.commit(
                "second", files: ["app/a.yaml": ControllerHarness.configMap("a", "two")])
            try await harness.eventually("both syncs are in the resource's history, and it is Synced") {
                let status = try await harness.other.get(ref)[path: "status"]
                return status?["history"]?.arrayValue?.count == 2 && status?["sync"]?["status"] == "Synced"
            }
            let namespace = ["-n", harness.namespace]

            let list = try await Self.moor(["app", "list"] + namespace, cache: cache)
            #expect(list.status == 0, "\(list.error)")
            let row = try #require(list.output.split(separator: "\n").last.map(String.init))
            #expect(row.contains(ref.name) && row.contains("Synced") && row.contains(second.prefix(12)), "\(row)")
            #expect(row.hasSuffix("yes (prune)"), "\(row)")
            let listJSON = try await Self.moor(["app", "list", "-A", "-o", "json"], cache: cache)
            let listed = try JSONValue(parsing: listJSON.output).arrayValue ?? []
            #expect(listed.contains { $0["name"] == .string(ref.name) && $0["health"] == "Healthy" })

            let get = try await Self.moor(["app", "get", ref.name] + namespace, cache: cache)
            #expect(get.output.contains("Health:      Healthy"), "\(get.output)")
            #expect(get.output.contains("ConfigMap"), "\(get.output)")

            let history = try await Self.moor(["app", "history", ref.name] + namespace, cache: cache)
            let lines = history.output.split(separator: "\n")
            #expect(lines.count == 3, "\(history.output)")
            #expect(lines.last?.hasPrefix("1 ") == true && lines.last?.contains(first.prefix(12)) == true)
            #expect(lines.last?.hasSuffix("first") == true)

            let refused = try await Self.moor(["app", "rollback", ref.name, "9"] + namespace, cache: cache)
            #expect(refused.status != 0)
            #expect(refused.error.contains("no history entry 9"), "\(refused.error)")

            let rollback = try await Self.moor(["app", "rollback", ref.name, "1"] + namespace, cache: cache)
            #expect(rollback.status == 0, "\(rollback.error)")
            #expect(rollback.output.contains("automated sync is off for \(ref.name)"), "\(rollback.output)")
            #expect(try await harness.value(of: "a") == "one")
            #expect(try await harness.other.get(ref)[path: "spec", "syncPolicy", "automated"] == nil)
            try await harness.eventually("the controller adopts the rollback") {
                await harness.controller.status(of: ref.name)?.rollback?.revision == first
            }
            try await harness.waitForReconciles(2)
            #expect(try await harness.value(of: "a") == "one", "automated sync stays off")
            let recorded = try await harness.other.get(ref)[path: "status", "history"]?.arrayValue ?? []
            #expect(recorded.map { $0["revision"] } == [.string(first), .string(second), .string(first)])
        }
    }

    @Test("diff compares a resource with Git; sync (dry run, at a revision) applies it and records history")
    func diffAndSync() async throws {
        try await ControllerHarness.run { harness in
            let cache = FileManager.default.temporaryDirectory.appendingPathComponent("moor-app-sync-\(UUID())").path
            defer { try? FileManager.default.removeItem(atPath: cache) }
            let first = try await harness.repository.commit(
                "first", files: ["app/a.yaml": ControllerHarness.configMap("a", "one")])
            let ref = try await harness.applicationResource("manual", syncPolicy: .emptyObject)
            let namespace = ["-n", harness.namespace]

            let missing = try await Self.moor(["app", "diff", ref.name] + namespace, cache: cache)
            #expect(missing.status == 1, "\(missing.error)")
            #expect(missing.output.contains("ConfigMap") && missing.output.contains("Missing"), "\(missing.output)")

            let dryRun = try await Self.moor(["app", "sync", ref.name, "--dry-run"] + namespace, cache: cache)
            #expect(dryRun.status == 0, "\(dryRun.error)")
            #expect(dryRun.output.contains("dry run: nothing was persisted"), "\(dryRun.output)")
            #expect(try await harness.value(of: "a") == nil)
            #expect(try await harness.other.get(ref)[path: "status", "history"]?.arrayValue?.isEmpty ?? true)

            let synced = try await Self.moor(["app", "sync", ref.name] + namespace, cache: cache)
            #expect(synced.status == 0, "\(synced.error)")
            #expect(synced.output.contains("Synced \(ref.name) at \(first.prefix(12))"), "\(synced.output)")
            #expect(try await harness.value(of: "a") == "one")
            let status = try await harness.other.get(ref)["status"]
            #expect(status?["history"]?.arrayValue?.map { $0["revision"] } == [.string(first)])
            #expect(status?[path: "operationState", "phase"] == "Succeeded")
            #expect(
                try await harness.eventReasons(about: ref) == ["SyncStarted", "SyncSucceeded"], "the dry run made none")
            let inSync = try await Self.moor(["app", "diff", ref.name] + namespace, cache: cache)
            #expect(inSync.status == 0, "\(inSync.output)\(inSync.error)")

            _ = try await harness.repository.commit(
                "second", files: ["app/a.yaml": ControllerHarness.configMap("a", "two")])
            let changed = try await Self.moor(["app", "diff", ref.name, "-o", "json"] + namespace, cache: cache)
            #expect(changed.status == 1, "\(changed.error)")
            #expect(changed.output.contains("OutOfSync"), "\(changed.output)")
            let atFirst = try await Self.moor(["app", "diff", ref.name, "--revision", first] + namespace, cache: cache)
            #expect(atFirst.status == 0, "\(atFirst.output)")
            let pinned = try await Self.moor(["app", "sync", ref.name, "--revision", "main"] + namespace, cache: cache)
            #expect(pinned.status == 0, "\(pinned.error)")
            #expect(try await harness.value(of: "a") == "two")
            #expect(try await harness.other.get(ref)[path: "status", "history"]?.arrayValue?.count == 2)

            let unknown = try await Self.moor(["app", "sync", "no-such-app"] + namespace, cache: cache)
            #expect(unknown.status != 0)
            #expect(unknown.error.contains("no-such-app"), "\(unknown.error)")
        }
    }

    @Test(
        "moor preview shows what a pull-request ref would change for the Application resources it touches, writes nothing, and exits as moor app diff does"
    )
    func preview() async throws {
        try await ControllerHarness.run { harness in
            let cache = FileManager.default.temporaryDirectory.appendingPathComponent("moor-preview-cli-\(UUID())").path
            defer { try? FileManager.default.removeItem(atPath: cache) }
            let repository = harness.repository
            try await repository.commit("first", files: ["app/a.yaml": ControllerHarness.configMap("a", "one")])
            let ref = try await harness.applicationResource("preview", syncPolicy: ["automated": .emptyObject])
            try await harness.eventually("the first commit is applied") { try await harness.value(of: "a") == "one" }
            try await repository.checkout("change", creating: true)
            let change = try await repository.commit(
                "second", files: ["app/a.yaml": ControllerHarness.configMap("a", "two")])
            try await repository.updateRef("refs/pull/9/head", to: change)
            try await repository.checkout("main")
            try await repository.checkout("docs", creating: true)
            try await repository.updateRef(
                "refs/pull/10/head", to: try await repository.commit("docs", files: ["docs/README.md": "docs\n"]))
            try await repository.checkout("main")
            let arguments = { (revision: String) in
                ["preview", "--repo", repository.fileURL, "--revision", revision, "-n", harness.namespace]
            }

            let changed = try await Self.moor(arguments("refs/pull/9/head"), cache: cache)
            #expect(changed.status == 1, "\(changed.error)")
            #expect(changed.output.contains("(\(change.prefix(12)) second)"), "\(changed.output)")
            #expect(changed.output.contains("Application \(ref.name) (changed: app/a.yaml)"), "\(changed.output)")
            #expect(changed.output.contains("OutOfSync: ") && changed.output.contains("two"), "\(changed.output)")
            let json = try await Self.moor(arguments("refs/pull/9/head") + ["-o", "json"], cache: cache)
            #expect(json.status == 1, "\(json.error)")
            let parsed = try JSONValue(parsing: json.output)
            #expect(parsed["commit"]?["sha"]?.stringValue == change)
            #expect(parsed["applications"]?[0]?["objects"]?[0]?["name"] == "a")

            let untouched = try await Self.moor(arguments("refs/pull/10/head"), cache: cache)
            #expect(untouched.status == 0, "\(untouched.output)\(untouched.error)")
            #expect(untouched.output.contains("The change touches no application's paths."), "\(untouched.output)")
            #expect(untouched.output.contains("Not touched by the change: \(ref.name)"), "\(untouched.output)")

            let missing = try await Self.moor(arguments("refs/pull/99/head"), cache: cache)
            #expect(missing.status == 2, "\(missing.output)\(missing.error)")
            #expect(missing.output.contains("preview failed"), "\(missing.output)")
            #expect(try await harness.value(of: "a") == "one")
        }
    }
}
