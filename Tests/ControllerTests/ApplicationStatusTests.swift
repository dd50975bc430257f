import Foundation
import MoorCore
import Testing

@testable import Controller

/// The status the controller records: what it writes, and what counts as a change.
@Suite("Application status")
struct ApplicationStatusTests {
    static let then = Date(timeIntervalSince1970: 1_700_000_000)

    @Test("the JSON holds every field, so a merge patch also clears what no longer holds")
    func json() {
        var status = ApplicationStatus()
        status.sync = .init(status: .synced, revision: "abc")
        status.resources = [
            .init(
                ref: ObjectRef(apiVersion: "v1", kind: "ConfigMap", namespace: "web", name: "a"), status: .synced,
                health: nil)
        ]
        let json = status.json
        #expect(json[path: "sync", "revision"] == "abc")
        #expect(json[path: "health", "status"] == "Unknown")
        let resource: JSONValue = [
            "group": "", "version": "v1", "kind": "ConfigMap", "namespace": "web", "name": "a", "status": "Synced",
            "health": "", "healthDecidedBy": .null,
        ]
        #expect(json["resources"] == [resource])
        #expect(json["operationState"] == .null)
        #expect(json["conditions"] == [])
        #expect(json["reconciledAt"] == .null)
    }

    @Test("times are written as RFC 3339 in UTC")
    func times() {
        var status = ApplicationStatus()
        status.operationState = .init(
            phase: .succeeded, message: "1 created", startedAt: Self.then, finishedAt: Self.then)
        #expect(status.json[path: "operationState", "startedAt"] == "2023-11-14T22:13:20Z")
        #expect(status.json[path: "operationState", "finishedAt"] == "2023-11-14T22:13:20Z")
    }

    @Test("a condition that stays keeps its transition time; a new or changed one gets the current time")
    func conditions() {
        var status = ApplicationStatus()
        status.setConditions([("ComparisonError", "broken")], now: Self.then)
        status.setConditions([("ComparisonError", "broken")], now: Self.then + 60)
        #expect(status.conditions.map(\.lastTransitionTime) == [Self.then])
        status.setConditions([("ComparisonError", "broken differently")], now: Self.then + 120)
        #expect(status.conditions.map(\.lastTransitionTime) == [Self.then + 120])
        status.setConditions([], now: Self.then + 180)
        #expect(status.conditions.isEmpty)
    }

    @Test("reconciledAt alone is not a change; anything else is")
    func differs() {
        var status = ApplicationStatus()
        status.reconciledAt = Self.then
        var later = status
        later.reconciledAt = Self.then + 60
        #expect(!later.differs(from: status))
        later.sync.status = .outOfSync
        #expect(later.differs(from: status))
        #expect(status.differs(from: nil))
    }

    static func entry(_ revision: String) -> ApplicationStatus.HistoryEntry {
        .init(
            id: 0, revision: revision, author: "A <a@example.com>", subject: "change \(revision)", deployedAt: then,
            result: .succeeded,
            source: ApplicationSource(
                repoURL: "https://git.example/ops.git", targetRevision: "main", path: "web",
                options: ["helm": ["releaseName": "web"]]))
    }

    @Test("history keeps the newest 10 syncs, newest first, with increasing ids")
    func historyLimit() {
        var status = ApplicationStatus()
        for number in 1...12 { status.addHistory(Self.entry("\(number)")) }
        #expect(status.history.map(\.revision) == (3...12).reversed().map { "\($0)" })
        #expect(status.history.map(\.id) == Array((3...12).reversed()))
    }

    @Test("history is written with its source and read back by a restarted controller")
    func historyJSON() {
        var status = ApplicationStatus()
        status.addHistory(Self.entry("abc"))
        let json = status.json
        #expect(json[path: "history"]?[0]?["id"] == 1)
        #expect(json[path: "history"]?[0]?["deployedAt"] == "2023-11-14T22:13:20Z")
        #expect(
            json[path: "history"]?[0]?["source"] == [
                "helm": ["releaseName": "web"], "repoURL": "https://git.example/ops.git", "targetRevision": "main",
                "path": "web",
            ])
        #expect(json["rollback"] == .null)
        let read = ApplicationStatus.history(from: json["history"])
        #expect(read.map(\.revision) == ["abc"])
        #expect(read.first?.source.json == status.history.first?.source.json)
        #expect(read.first?.deployedAt == Self.then)
        #expect(ApplicationStatus.history(from: [["id": "not a number"]]).isEmpty)
    }

    @Test("the operation is read back as written; a malformed one is none")
    func operationJSON() {
        var status = ApplicationStatus()
        status.operationState = .init(
            phase: .succeeded, message: "1 created", startedAt: Self.then, finishedAt: Self.then)
        #expect(ApplicationStatus.operationState(from: status.json["operationState"]) == status.operationState)
        status.operationState?.finishedAt = nil
        #expect(ApplicationStatus.operationState(from: status.json["operationState"]) == status.operationState)
        #expect(ApplicationStatus.operationState(from: .null) == nil)
        #expect(ApplicationStatus.operationState(from: ["phase": "Running", "startedAt": "yesterday"]) == nil)
    }

    @Test("the synced destination is the previous one while objects are left there, else the one compared")
    func syncedDestination() {
        var status = ApplicationStatus()
        #expect(status.json[path: "sync", "comparedTo"] == .null)
        #expect(status.json[path: "sync", "previousDestination"] == .null)
        #expect(ApplicationStatus.syncedDestination(from: status.json) == nil)

        status.sync.destination = ApplicationDestination(name: "edge", namespace: "web")
        #expect(status.json[path: "sync", "comparedTo"] == ["destination": ["name": "edge", "namespace": "web"]])
        #expect(ApplicationStatus.syncedDestination(from: status.json) == status.sync.destination)

        status.sync.previousDestination = ApplicationDestination(server: "https://old.example", namespace: "web")
        #expect(
            status.json[path: "sync", "previousDestination"] == ["server": "https://old.example", "namespace": "web"])
        #expect(ApplicationStatus.syncedDestination(from: status.json) == status.sync.previousDestination)
        #expect(ApplicationStatus.syncedDestination(from: ["sync": ["comparedTo": ["destination": "web"]]]) == nil)
    }
}
