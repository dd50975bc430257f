import Health
import MoorCore
import Testing

@Suite("Generic health of custom resources from status conditions")
struct ConditionsHealthTests {
    static func resource(generation: Int = 1, status: JSONValue? = nil) -> JSONValue {
        liveObject("example.com/v1", "Widget", generation: generation, spec: ["size": 3], status: status)
    }

    static func resource(_ conditions: JSONValue..., generation: Int = 1) -> JSONValue {
        resource(generation: generation, status: ["observedGeneration": 1, "conditions": .array(conditions)])
    }

    @Test(
        arguments: [
            HealthCase("no status → no health", resource(), nil),
            HealthCase(
                "only conditions that say nothing of health → no health",
                resource(condition("ConfigurationApplied", "False", reason: "Error")), nil),
            HealthCase(
                "observed generation behind → Progressing",
                resource(condition("Ready", "True"), generation: 2), .progressing,
                message: "generation 2 to be observed (observed 1)"),
            HealthCase(
                "observed generation behind without conditions → Progressing",
                resource(generation: 3, status: ["observedGeneration": 2]), .progressing),
            HealthCase(
                "observed generation current, no conditions → no health",
                resource(status: ["observedGeneration": 1]), nil),
            HealthCase(
                "Ready True → Healthy", resource(condition("Ready", "True", reason: "Reconciled", message: "ok")),
                .healthy, message: "Reconciled: ok"),
            HealthCase(
                "Ready False → Degraded",
                resource(condition("Ready", "False", reason: "InstallFailed", message: "chart not found")), .degraded,
                message: "InstallFailed: chart not found"),
            HealthCase(
                "Ready False, reason Progressing → Progressing",
                resource(condition("Ready", "False", reason: "Progressing")), .progressing),
            HealthCase(
                "Ready False, reason ReconciliationInProgress → Progressing",
                resource(condition("Ready", "False", reason: "ReconciliationInProgress")), .progressing),
            HealthCase(
                "Ready False, reason Pending → Progressing",
                resource(condition("Ready", "False", reason: "Pending")), .progressing),
            HealthCase(
                "Ready False, reason ProgressDeadlineExceeded → Degraded",
                resource(condition("Ready", "False", reason: "ProgressDeadlineExceeded")), .degraded),
            HealthCase("Ready Unknown → Progressing", resource(condition("Ready", "Unknown")), .progressing),
            HealthCase("Available True → Healthy", resource(condition("Available", "True")), .healthy),
            HealthCase("Available False → Degraded", resource(condition("Available", "False")), .degraded),
            HealthCase(
                "Ready decides over Available",
                resource(condition("Available", "True"), condition("Ready", "False", reason: "Failed")), .degraded),
            HealthCase(
                "a Ready condition about an older generation → Progressing",
                resource(
                    ["type": "Ready", "status": "True", "observedGeneration": 1], generation: 2
                )
                .settingObservedGeneration(2),
                .progressing, message: "Ready to reflect generation 2"),
        ]
    )
    func rules(_ row: HealthCase) { row.check() }
}

extension JSONValue {
    /// A copy with `status.observedGeneration` set.
    fileprivate func settingObservedGeneration(_ generation: Int) -> JSONValue {
        var copy = self
        copy[path: "status", "observedGeneration"] = .int(generation)
        return copy
    }
}
