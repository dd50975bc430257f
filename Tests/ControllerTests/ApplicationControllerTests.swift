import Controller
import Foundation
import KubeClient
import MoorCore
import MoorTestSupport
import Testing

/// The controller against the real API server and real Git: every test has its own namespace,
/// repository and controller, and nobody calls sync.
@Suite("Application controller against a real API server")
struct ApplicationControllerTests {
    typealias Harness = ControllerHarness

    @Test("a commit pushed to Git is applied without anyone calling sync")
    func commitIsApplied() async throws {
        try await Harness.run { harness in
            try await harness.repository.commit("first", files: ["app/a.yaml": Harness.configMap("a", "one")])
            try await harness.controller.manage([harness.application("commit", automated: AutomatedSync())])
            try await harness.eventually("the first commit is applied") { try await harness.value(of: "a") == "one" }

            let second = try await harness.repository.commit(
                "second", files: ["app/a.yaml": Harness.configMap("a", "two")])
            try await harness.eventually("the second commit is applied") { try await harness.value(of: "a") == "two" }
            try await harness.eventually("the status names the second commit as synced") {
                let status = await harness.controller.status(of: "commit")
                return status?.sync.status == .synced && status?.sync.revision == second
            }
            let status = try #require(await harness.controller.status(of: "commit"))
            #expect(status.health.status == .healthy)
            #expect(status.resources.map(\.ref.name) == ["a"])
            #expect(status.resources.map(\.status) == [.synced])
            #expect(status.operationState?.phase == .succeeded)
            #expect(status.conditions.isEmpty)
        }
    }

    @Test("a refresh request applies a new commit without waiting for the poll")
    func refresh() async throws {
        try await Harness.run(pollInterval: .seconds(60)) { harness in
            try await harness.repository.commit("first", files: ["app/a.yaml": Harness.configMap("a", "one")])
            try await harness.controller.manage([harness.application("refresh", automated: AutomatedSync())])
            try await harness.eventually("the first commit is applied") { try await harness.value(of: "a") == "one" }
            try await harness.repository.commit("second", files: ["app/a.yaml": Harness.configMap("a", "two")])
            await harness.controller.refresh("refresh")
            try await harness.eventually("the second commit is applied") { try await harness.value(of: "a") == "two" }
        }
    }

    @Test("with selfHeal, a change made by hand in the cluster is taken back")
    func selfHeal() async throws {
        try await Harness.run(pollInterval: .seconds(600)) { harness in
            try await harness.repository.commit("first", files: ["app/a.yaml": Harness.configMap("a", "git")])
            try await harness.controller.manage([harness.application("heal", automated: AutomatedSync(selfHeal: true))])
            try await harness.eventually("the commit is applied") { try await harness.value(of: "a") == "git" }
            try await harness.edit("a", to: "by hand")
            // The poll interval is ten minutes: only the watch on the object can bring it back this soon.
            try await harness.eventually("the edit is healed") { try await harness.value(of: "a") == "git" }
            // No poll either: the status must not keep what a comparison that read the cache before the
            // heal's own write arrived there said.
            try await harness.eventually("the status says Synced again") {
                await harness.controller.status(of: "heal")?.sync.status == .synced
            }
            let syncs = await harness.controller.statistics().syncs
            #expect(syncs == 2)
        }
    }

    @Test("without selfHeal, a change made by hand is reported OutOfSync and left alone")
    func driftIsOnlyReported() async throws {
        try await Harness.run { harness in
            try await harness.repository.commit("first", files: ["app/a.yaml": Harness.configMap("a", "git")])
            try await harness.controller.manage([harness.application("report", automated: AutomatedSync())])
            try await harness.eventually("the commit is applied") {
                await harness.controller.status(of: "report")?.sync.status == .synced
            }
            try await harness.edit("a", to: "by hand")
            try await harness.eventually("the drift is reported") {
                await harness.controller.status(of: "report")?.sync.status == .outOfSync
            }
            try await harness.waitForReconciles(2)
            #expect(try await harness.value(of: "a") == "by hand")
            let status = try #require(await harness.controller.status(of: "report"))
            #expect(status.sync.status == .outOfSync)
            #expect(status.resources.map(\.status) == [.outOfSync])
            #expect(await harness.controller.statistics().syncs == 1)
        }
    }

    @Test("a file deleted in Git is pruned with automated prune")
    func prune() async throws {
        try await Harness.run { harness in
            try await harness.repository.commit(
                "three",
                files: [
                    "app/a.yaml": Harness.configMap("a", "1"), "app/b.yaml": Harness.configMap("b", "1"),
                    "app/c.yaml": Harness.configMap("c", "1"),
                ])
            let name = "prune-\(harness.namespace)"
            try await harness.controller.manage([harness.application(name, automated: AutomatedSync(prune: true))])
            try await harness.eventually("all three are applied") { try await harness.value(of: "c") == "1" }
            try FileManager.default.removeItem(atPath: harness.repository.path + "/app/c.yaml")
            try await harness.repository.commit("drop c", files: [:])
            try await harness.eventually("c is pruned") { try await harness.value(of: "c") == nil }
            #expect(try await harness.value(of: "a") == "1")
            try await harness.eventually("the status lists only a and b") {
                await harness.controller.status(of: name)?.resources.map(\.ref.name) == ["a", "b"]
            }
        }
    }

    @Test("a broken commit changes nothing and sets a condition; the next good commit recovers")
    func brokenCommit() async throws {
        try await Harness.run { harness in
            try await harness.repository.commit(
                "good",
                files: ["app/a.yaml": Harness.configMap("a", "good"), "app/b.yaml": Harness.configMap("b", "1")])
            try await harness.controller.manage([harness.application("broken", automated: AutomatedSync(prune: true))])
            try await harness.eventually("the good commit is applied") { try await harness.value(of: "b") == "1" }

            try await harness.repository.commit(
                "broken", files: ["app/a.yaml": Harness.configMap("a", "changed"), "app/b.yaml": "data: [unclosed"])
            try await harness.eventually("a ComparisonError is recorded") {
                await harness.controller.status(of: "broken")?.conditions.map(\.type) == ["ComparisonError"]
            }
            try await harness.waitForReconciles(1)
            #expect(try await harness.value(of: "a") == "good")
            #expect(try await harness.value(of: "b") == "1")
            let message = try #require(await harness.controller.status(of: "broken")?.conditions.first?.message)
            #expect(message.contains("b.yaml"), "\(message)")

            try await harness.repository.commit("fixed", files: ["app/b.yaml": Harness.configMap("b", "2")])
            try await harness.eventually("the fixed commit is applied") { try await harness.value(of: "b") == "2" }
            #expect(try await harness.value(of: "a") == "changed")
            try await harness.eventually("the condition is cleared") {
                await harness.controller.status(of: "broken")?.conditions.isEmpty == true
            }
        }
    }

    @Test("a commit that renders no objects prunes nothing and sets a SyncError")
    func emptyRender() async throws {
        try await Harness.run { harness in
            try await harness.repository.commit(
                "good", files: ["app/a.yaml": Harness.configMap("a", "1"), "app/README.md": "configuration"])
            let name = "empty-\(harness.namespace)"
            try await harness.controller.manage([harness.application(name, automated: AutomatedSync(prune: true))])
            try await harness.eventually("the good commit is applied") { try await harness.value(of: "a") == "1" }
            try FileManager.default.removeItem(atPath: harness.repository.path + "/app/a.yaml")
            try await harness.repository.commit("empty", files: [:])
            try await harness.eventually("a SyncError is recorded") {
                await harness.controller.status(of: name)?.conditions.map(\.type) == ["SyncError"]
            }
            try await harness.waitForReconciles(1)
            #expect(try await harness.value(of: "a") == "1")
            let message = try #require(await harness.controller.status(of: name)?.conditions.first?.message)
            #expect(message.contains("no objects"), "\(message)")
        }
    }

    @Test("a refused prune is reported once and not synced again until a new commit")
    func refusedPrune() async throws {
        try await Harness.run { harness in
            // Unique: the cache watches every namespace, and a rerun's leftovers would count as this one's.
            let name = "capped-\(harness.namespace)"
            let files = Dictionary(
                uniqueKeysWithValues: ["a", "b", "c", "d"].map { ("app/\($0).yaml", Harness.configMap($0, "1")) })
            try await harness.repository.commit("four", files: files)
            try await harness.controller.manage([harness.application(name, automated: AutomatedSync(prune: true))])
            try await harness.eventually("all four are applied") { try await harness.value(of: "d") == "1" }
            // A comparison made while the live-object cache still lacks some of them would see their
            // creation later as a change to the cluster, which lifts a refusal: wait until it has all four.
            try await harness.eventually("the live-object cache reported all four") {
                await harness.controller.statistics().cacheChanges >= 4
            }
            for name in ["b", "c", "d"] {
                try FileManager.default.removeItem(atPath: harness.repository.path + "/app/\(name).yaml")
            }
            try await harness.repository.commit("drop three", files: ["app/a.yaml": Harness.configMap("a", "2")])
            try await harness.eventually("the prune is refused") {
                await harness.controller.status(of: name)?.conditions.first?.message.contains("prune refused")
                    == true
            }
            #expect(try await harness.value(of: "a") == "2", "the rest of the sync applied")
            // A change the live-object cache reports late (on a loaded machine, one of the four seen only
            // now) is a change to the cluster and lifts the refusal once; after that nothing retries.
            let refused = await harness.controller.statistics().syncs
            try await harness.waitForReconciles(3)
            let syncs = await harness.controller.statistics().syncs
            #expect(syncs <= refused + 1, "at most one retry, lifted by a late change from the cache")
            try await harness.waitForReconciles(3)
            #expect(await harness.controller.statistics().syncs == syncs, "no retry of the refused sync")
            #expect(try await harness.value(of: "d") == "1")

            try await harness.repository.commit("restore", files: files)
            try await harness.eventually("the next commit syncs, and the condition clears") {
                await harness.controller.status(of: name)?.conditions.isEmpty == true
            }
            #expect(await harness.controller.statistics().syncs > syncs)
        }
    }

    @Test("an Application resource gets its status written; reconciles with nothing changed write nothing")
    func applicationResource() async throws {
        try await Harness.run { harness in
            let commit = try await harness.repository.commit(
                "first", files: ["app/a.yaml": Harness.configMap("a", "one")])
            let ref = try await harness.applicationResource("resource", syncPolicy: ["automated": ["prune": true]])
            let name = ref.name

            try await harness.eventually("the resource's status says Synced") {
                try await harness.other.get(ref)[path: "status", "sync", "status"] == "Synced"
            }
            #expect(try await harness.value(of: "a") == "one")
            let status = try await harness.other.get(ref)["status"] ?? .null
            #expect(status[path: "sync", "revision"] == .string(commit))
            #expect(status[path: "health", "status"] == "Healthy")
            #expect(status[path: "operationState", "phase"] == "Succeeded")
            #expect(status["conditions"] == [])
            #expect(status[path: "resources"]?.arrayValue?.first?["name"] == "a")
            #expect(status[path: "resources"]?.arrayValue?.first?["status"] == "Synced")
            #expect(status["reconciledAt"]?.stringValue != nil)

            try await harness.waitForReconciles(1)
            let writes = harness.controllerWrites()
            let statusWrites = await harness.controller.statistics().statusWrites
            try await harness.waitForReconciles(2)
            #expect(harness.controllerWrites() == writes, "a steady state writes nothing")
            #expect(await harness.controller.statistics().statusWrites == statusWrites)
            #expect(try await harness.other.get(ref)["status"] == status, "not even reconciledAt changes")

            try await harness.other.delete(ref)
            try await harness.eventually("the deleted application is no longer managed") {
                await harness.controller.applications()[name] == nil
            }
            #expect(try await harness.value(of: "a") == "one", "its objects stay")
        }
    }
}
