import Foundation
import Health
import MoorCore
import Testing

/// Custom checks as a fixed table: `group/kind` → the health they give.
struct TableChecks: CustomHealthChecks {
    let table: [String: HealthStatus]

    func assess(_ live: JSONValue) -> ObjectHealth? {
        let (group, _) = ObjectRef.split(apiVersion: live["apiVersion"]?.stringValue ?? "")
        let kind = "\(group)/\(live["kind"]?.stringValue ?? "")"
        return table[kind].map { ObjectHealth(status: $0, message: "table", decidedBy: .script(key: kind)) }
    }
}

@Suite("Health assessor: custom checks before the built-in rules, and which rule decided")
struct HealthAssessorTests {
    static let paused = liveObject("apps/v1", "Deployment", spec: ["paused": true])
    static let widget = liveObject(
        "example.com/v1", "Widget", status: ["conditions": [["type": "Ready", "status": "True"]]])

    @Test(
        "every built-in judgement names its rule",
        arguments: [
            (paused, HealthSource.kindRule("apps/Deployment")),
            (liveObject("v1", "PersistentVolumeClaim", status: ["phase": "Bound"]), .kindRule("PersistentVolumeClaim")),
            (liveObject("argoproj.io/v1alpha1", "Application"), .applicationRule),
            (widget, .genericRule(field: "status.conditions")),
            (liveObject("example.com/v1", "Widget", spec: ["suspend": true]), .genericRule(field: "spec.suspend")),
            (liveObject("example.com/v1", "Widget", status: ["phase": "Running"]), .genericRule(field: "status.phase")),
            (
                liveObject("example.com/v1", "Widget", generation: 2, status: ["observedGeneration": 1]),
                .genericRule(field: "status.observedGeneration")
            ),
            (
                liveObject(
                    "gateway.networking.k8s.io/v1", "HTTPRoute",
                    status: ["parents": [["conditions": [["type": "Accepted", "status": "True"]]]]]),
                .genericRule(field: "status.parents[0].conditions")
            ),
        ] as [(JSONValue, HealthSource)]
    )
    func builtInSources(object: JSONValue, source: HealthSource) {
        #expect(HealthAssessor.builtIn.assess(object)?.decidedBy == source)
        #expect(HealthAssessor.builtIn.assess(object) == ObjectHealth.assess(object))
    }

    @Test("a custom check overrides the built-in rule of its kind, and only of its kind")
    func customOverridesBuiltIn() {
        let assessor = HealthAssessor(custom: TableChecks(table: ["apps/Deployment": .degraded]))
        let health = assessor.assess(Self.paused)
        #expect(health == ObjectHealth(status: .degraded, message: "table", decidedBy: .script(key: "apps/Deployment")))
        #expect(assessor.assess(Self.widget)?.decidedBy == .genericRule(field: "status.conditions"))
        #expect(assessor.assess(liveObject("v1", "ConfigMap")) == nil)
    }

    @Test("an object being deleted is progressing before any custom check runs")
    func deletionBeforeCustom() {
        var object = Self.paused
        object[path: "metadata", "deletionTimestamp"] = "2024-05-01T10:00:00Z"
        let assessor = HealthAssessor(custom: TableChecks(table: ["apps/Deployment": .healthy]))
        #expect(
            assessor.assess(object)
                == ObjectHealth(status: .progressing, message: "Pending deletion", decidedBy: .deletion))
    }

    @Test(
        "the decider's JSON names the rule and its detail, and reads back",
        arguments: [
            (
                HealthSource.script(key: "resource.customizations.health.x.io_Y"),
                #"{"key":"resource.customizations.health.x.io_Y","rule":"script"}"#
            ),
            (.kindRule("apps/Deployment"), #"{"kind":"apps\/Deployment","rule":"kind"}"#),
            (.genericRule(field: "status.conditions"), #"{"field":"status.conditions","rule":"generic"}"#),
            (.applicationRule, #"{"rule":"application"}"#),
            (.deletion, #"{"rule":"deletion"}"#),
        ] as [(HealthSource, String)]
    )
    func codable(source: HealthSource, encoded: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        #expect(String(decoding: try encoder.encode(source), as: UTF8.self) == encoded)
        #expect(try JSONDecoder().decode(HealthSource.self, from: Data(encoded.utf8)) == source)
        #expect(try JSONValue(parsing: encoded) == source.json)
    }

    @Test("an ObjectHealth stored without a decider still decodes")
    func olderEncoding() throws {
        let health = try JSONDecoder().decode(
            ObjectHealth.self, from: Data(#"{"status":"Healthy","message":"fine"}"#.utf8))
        #expect(health == ObjectHealth(status: .healthy, message: "fine"))
        #expect(health.decidedBy == nil)
    }
}
