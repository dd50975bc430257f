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
        status.sync = .init(status: "Synced", revision: "abc")
        status.resources = [
            .init(
                ref: ObjectRef(apiVersion: "v1", kind: "ConfigMap", namespace: "web", name: "a"), status: "Synced",
                health: ""),
        ]
        let json = status.json
        #expect(json[path: "sync", "revision"] == "abc")
        #expect(json[path: "health", "status"] == "Unknown")
        let resource: JSONValue = [
            "group": "", "version": "v1", "kind": "ConfigMap", "namespace": "web", "name": "a", "status": "Synced",
            "health": "",
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
            phase: "Succeeded", message: "1 created", startedAt: Self.then, finishedAt: Self.then)
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
        later.sync.status = "OutOfSync"
        #expect(later.differs(from: status))
        #expect(status.differs(from: nil))
    }
}
