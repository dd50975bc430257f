import Controller
import Foundation
import KubeClient
import MoorCore
import MoorTestSupport
import Testing

/// History and rollback against the real API server and real Git.
@Suite("Application history and rollback against a real API server")
struct ApplicationControllerHistoryTests {
    typealias Harness = ControllerHarness

    @Test("each sync adds a history entry, newest first, naming the commit and source; other reconciles add none")
    func history() async throws {
        try await Harness.run { harness in
            let first = try await harness.repository.commit(
                "first", files: ["app/a.yaml": Harness.configMap("a", "one")])
            try await harness.controller.manage([harness.application("history", automated: AutomatedSync())])
            try await harness.eventually("the first commit is applied") { try await harness.value(of: "a") == "one" }
            let second = try await harness.repository.commit(
                "second", files: ["app/a.yaml": Harness.configMap("a", "two")])
            try await harness.eventually("two syncs are in the history") {
                await harness.controller.status(of: "history")?.history.count == 2
            }
            let history = try #require(await harness.controller.status(of: "history")?.history)
            #expect(history.map(\.revision) == [second, first])
            #expect(history.map(\.id) == [2, 1])
            #expect(history.map(\.subject) == ["second", "first"])
            #expect(history.map(\.result) == [.succeeded, .succeeded])
            #expect(history.map(\.author) == ["Moor Test <test@moor.invalid>", "Moor Test <test@moor.invalid>"])
            #expect(history[0].source.repoURL == harness.repository.fileURL)
            #expect(history[0].source.targetRevision == "main")
            #expect(history[0].source.path == "app")

            try await harness.waitForReconciles(2)
            #expect(await harness.controller.status(of: "history")?.history == history)
        }
    }

    @Test("rollback syncs an earlier commit and turns automated sync off until it is turned on again")
    func rollback() async throws {
        try await Harness.run { harness in
            let first = try await harness.repository.commit(
                "first", files: ["app/a.yaml": Harness.configMap("a", "one")])
            try await harness.controller.manage([harness.application("back", automated: AutomatedSync())])
            try await harness.eventually("the first commit is applied") { try await harness.value(of: "a") == "one" }
            let second = try await harness.repository.commit(
                "second", files: ["app/a.yaml": Harness.configMap("a", "two")])
            try await harness.eventually("the second commit is applied") {
                await harness.controller.status(of: "back")?.history.count == 2
            }

            let result = try await harness.controller.rollback("back", to: .revision(String(first.prefix(8))))
            #expect(result.entry.revision == first)
            #expect(result.operation.phase == .succeeded, "\(result.operation.message)")
            #expect(result.message.contains("automated sync is off for back"), "\(result.message)")
            #expect(try await harness.value(of: "a") == "one")
            #expect(await harness.controller.applications()["back"]?.spec.syncPolicy.automated == nil)
            let status = try #require(await harness.controller.status(of: "back"))
            #expect(status.history.map(\.revision) == [first, second, first])
            #expect(status.history.first?.source.targetRevision == first)
            #expect(status.rollback?.revision == first)
            #expect(status.rollback?.message == result.message)

            try await harness.waitForReconciles(2)
            #expect(try await harness.value(of: "a") == "one", "automated sync stays off")
            #expect(await harness.controller.status(of: "back")?.sync.status == .outOfSync)

            try await harness.controller.manage([harness.application("back", automated: AutomatedSync())])
            try await harness.eventually("turned on again, the newest commit is applied") {
                try await harness.value(of: "a") == "two"
            }
            try await harness.eventually("the rollback note is gone") {
                await harness.controller.status(of: "back")?.rollback == nil
            }
        }
    }

    @Test("rollback to an entry that is not in the history is refused and changes nothing")
    func rollbackUnknownEntry() async throws {
        try await Harness.run { harness in
            try await harness.repository.commit("first", files: ["app/a.yaml": Harness.configMap("a", "one")])
            try await harness.controller.manage([harness.application("unknown", automated: AutomatedSync())])
            try await harness.eventually("the commit is applied") {
                await harness.controller.status(of: "unknown")?.history.count == 1
            }
            await #expect(throws: ApplicationError.self) {
                try await harness.controller.rollback("unknown", to: .history(7))
            }
            await #expect(throws: ApplicationError.self) {
                try await harness.controller.rollback("missing", to: .history(1))
            }
            #expect(await harness.controller.applications()["unknown"]?.spec.syncPolicy.automated != nil)
        }
    }

    @Test("rollback of an Application resource removes spec.syncPolicy.automated and says why in its status")
    func rollbackResource() async throws {
        try await Harness.run { harness in
            let first = try await harness.repository.commit(
                "first", files: ["app/a.yaml": Harness.configMap("a", "one")])
            let ref = try await harness.applicationResource("rollback", syncPolicy: ["automated": ["prune": true]])
            try await harness.eventually("the first commit is applied") { try await harness.value(of: "a") == "one" }
            try await harness.repository.commit("second", files: ["app/a.yaml": Harness.configMap("a", "two")])
            try await harness.eventually("the second commit is in the resource's history") {
                try await harness.other.get(ref)[path: "status", "history"]?.arrayValue?.count == 2
            }

            let result = try await harness.controller.rollback(ref.name, to: .history(1))
            #expect(result.operation.phase == .succeeded, "\(result.operation.message)")
            #expect(try await harness.value(of: "a") == "one")
            let resource = try await harness.other.get(ref)
            #expect(resource[path: "spec", "syncPolicy", "automated"] == nil)
            #expect(resource[path: "status", "rollback", "revision"] == .string(first))
            #expect(resource[path: "status", "rollback", "message"] == .string(result.message))
            #expect(resource[path: "status", "history"]?[0]?["revision"] == .string(first))
            #expect(resource[path: "status", "history"]?[0]?["id"] == 3)

            try await harness.waitForReconciles(2)
            #expect(try await harness.value(of: "a") == "one", "automated sync stays off")
        }
    }
}
