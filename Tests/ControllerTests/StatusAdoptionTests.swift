import Foundation
import KubeClient
import MoorCore
import MoorTestSupport
import Testing

@testable import Controller

/// What a controller that starts later makes of a status `moor app sync` or `rollback` (or an
/// earlier controller) wrote: it keeps the operation and history, and the rollback note while
/// automated sync stays off.
@Suite("Status adoption")
struct StatusAdoptionTests {
    typealias Harness = ControllerHarness

    @Test("a starting controller keeps the operation and rollback note it finds, and clears a note automation ended")
    func adoptsWrittenStatus() async throws {
        try await Harness.run { harness in
            let commit = try await harness.repository.commit(
                "first", files: ["app/a.yaml": Harness.configMap("a", "one")])
            try await harness.installApplicationDefinition()
            let manual = try await Self.rolledBack(harness, "manual", commit: commit, syncPolicy: .emptyObject)
            let automated = try await Self.rolledBack(
                harness, "automated", commit: commit, syncPolicy: ["automated": .emptyObject])
            try await harness.controller.watchApplications(namespace: harness.namespace)

            try await harness.eventually("both statuses are written by the controller") {
                for ref in [manual, automated] {
                    let status = try await harness.other.get(ref)["status"]
                    guard status?[path: "sync", "comparedTo"]?.objectValue != nil else { return false }
                }
                return true
            }
            let kept = try await harness.other.get(manual)["status"]
            #expect(kept?[path: "operationState", "phase"] == "Succeeded")
            #expect(kept?[path: "operationState", "message"] == "rolled back by hand")
            #expect(kept?[path: "rollback", "historyID"] == 1)
            #expect(ApplicationStatus.history(from: kept?["history"]).map(\.revision) == [commit])
            #expect(await harness.controller.status(of: manual.name)?.operationState?.message == "rolled back by hand")
            try await harness.eventually("the automated application's stale rollback note is cleared") {
                try await harness.other.get(automated)[path: "status", "rollback"] == nil
            }
            #expect(await harness.controller.status(of: automated.name)?.rollback == nil)
        }
    }

    /// Creates Application resource `prefix-<namespace>` whose status holds a rollback to `commit`
    /// (history entry 1, a finished operation and the rollback note), as `moor app rollback` writes it.
    private static func rolledBack(
        _ harness: Harness, _ prefix: String, commit: String, syncPolicy: JSONValue
    ) async throws -> ObjectRef {
        let ref = try await harness.createApplicationResource("\(prefix)-\(harness.namespace)", syncPolicy: syncPolicy)
        let now = Date()
        var status = ApplicationStatus()
        status.operationState = .init(
            phase: .succeeded, message: "rolled back by hand", startedAt: now, finishedAt: now)
        status.addHistory(
            .init(
                id: 0, revision: commit, author: "Moor Test <test@moor.invalid>", subject: "first", deployedAt: now,
                result: .succeeded,
                source: ApplicationSource(repoURL: harness.repository.fileURL, targetRevision: "main", path: "app")))
        status.rollback = .init(historyID: 1, revision: commit, message: "rolled back to history entry 1")
        let written = status.json
        _ = try await harness.other.mergePatch(
            ref,
            patch: [
                "status": [
                    "operationState": written["operationState"]!, "history": written["history"]!,
                    "rollback": written["rollback"]!,
                ]
            ],
            subresource: "status")
        return ref
    }
}
