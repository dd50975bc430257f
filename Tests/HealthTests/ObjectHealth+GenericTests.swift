import MoorCore
import Testing

@testable import Health

/// The generic rule beyond `Ready`/`Available`: kstatus, condition polarity, Gateway API's per-parent
/// conditions, phase-like fields and suspension. Rows written from the Kubernetes API conventions for
/// conditions and kstatus's documented rules.
@Suite("Generic health: kstatus, condition polarity, nested conditions, phases, suspension")
struct GenericHealthTests {
    static func resource(generation: Int = 1, spec: JSONValue? = nil, status: JSONValue?) -> JSONValue {
        liveObject("example.com/v1", "Widget", generation: generation, spec: spec ?? ["size": 3], status: status)
    }

    static func resource(_ conditions: JSONValue...) -> JSONValue {
        resource(status: ["observedGeneration": 1, "conditions": .array(conditions)])
    }

    @Test(
        "kstatus: Reconciling, Stalled and generations",
        arguments: [
            HealthCase(
                "Reconciling True → Progressing", resource(condition("Reconciling", "True", reason: "Progressing")),
                .progressing, message: "Reconciling is True in status.conditions"),
            HealthCase(
                "Reconciling True beside Ready True → Progressing",
                resource(condition("Ready", "True"), condition("Reconciling", "True")), .progressing),
            HealthCase(
                "Stalled True → Degraded",
                resource(condition("Stalled", "True", reason: "BuildFailed", message: "artifact missing")),
                .degraded, message: "Stalled is True in status.conditions: BuildFailed: artifact missing"),
            HealthCase(
                "Reconciling False, Stalled False → no health",
                resource(condition("Reconciling", "False"), condition("Stalled", "False")), nil),
            HealthCase(
                "Reconciling False, Ready True → Healthy",
                resource(condition("Reconciling", "False"), condition("Ready", "True")), .healthy),
            HealthCase(
                "observedGeneration behind → Progressing, naming the fields",
                resource(generation: 4, status: ["observedGeneration": 3, "conditions": [condition("Ready", "True")]]),
                .progressing, message: "status.observedGeneration is behind metadata.generation"),
        ])
    func kstatus(_ row: HealthCase) { row.check() }

    @Test(
        "failure-type conditions True are Degraded, even beside Ready True",
        arguments: [
            HealthCase("Failed", resource(condition("Failed", "True")), .degraded, message: "Failed is True"),
            HealthCase("Error", resource(condition("Error", "True"), condition("Ready", "True")), .degraded),
            HealthCase("Degraded", resource(condition("Degraded", "True")), .degraded),
            HealthCase("Invalid", resource(condition("Invalid", "True")), .degraded),
            HealthCase("*Failed", resource(condition("Ready", "True"), condition("InstallFailed", "True")), .degraded),
            HealthCase("*Error", resource(condition("ReconcileError", "True")), .degraded),
            HealthCase("NotReady", resource(condition("NotReady", "True")), .degraded),
            HealthCase("failure types False say nothing", resource(condition("Failed", "False")), nil),
            HealthCase(
                "failure False beside Ready True → Healthy",
                resource(condition("Degraded", "False"), condition("Ready", "True")), .healthy),
        ])
    func failureTypes(_ row: HealthCase) { row.check() }

    @Test(
        "success-type conditions without Ready or Available",
        arguments: [
            HealthCase(
                "Synced and Healthy True → Healthy",
                resource(condition("Synced", "True"), condition("Healthy", "True")), .healthy,
                message: "Synced is True, Healthy is True"),
            HealthCase(
                "Synced False → Degraded",
                resource(condition("Synced", "False", reason: "ReconcileError", message: "cannot connect")), .degraded,
                message: "Synced is False in status.conditions: ReconcileError: cannot connect"),
            HealthCase(
                "one False among Trues → Degraded",
                resource(condition("Accepted", "True"), condition("Programmed", "False", reason: "Invalid")),
                .degraded, message: "Programmed is False"),
            HealthCase(
                "False with a reason still working → Progressing",
                resource(condition("Programmed", "False", reason: "Pending")), .progressing),
            HealthCase(
                "Unknown → Progressing", resource(condition("Succeeded", "Unknown"), condition("Synced", "True")),
                .progressing, message: "Succeeded is Unknown"),
            HealthCase(
                "False wins over Unknown",
                resource(condition("Established", "Unknown"), condition("Complete", "False")), .degraded),
            HealthCase("*Ready suffix", resource(condition("DatabaseReady", "False")), .degraded),
            HealthCase("*Available suffix", resource(condition("EndpointAvailable", "True")), .healthy),
            HealthCase("*Healthy suffix", resource(condition("ClusterHealthy", "True")), .healthy),
            HealthCase(
                "Ready decides over other success types",
                resource(condition("Synced", "False"), condition("Ready", "True")), .healthy),
            HealthCase(
                "Available decides over other success types when there is no Ready",
                resource(condition("Healthy", "False"), condition("Available", "True")), .healthy),
        ])
    func successTypes(_ row: HealthCase) { row.check() }

    static func route(_ parents: [JSONValue], key: String = "parents") -> JSONValue {
        liveObject(
            "gateway.networking.k8s.io/v1", "HTTPRoute",
            status: [
                .init(stringLiteral: key): .array(
                    parents.map { ["parentRef": ["name": "gateway"], "conditions": $0] })
            ])
    }

    @Test(
        "Gateway API: conditions per parent or ancestor; the worst decides",
        arguments: [
            HealthCase(
                "every parent accepted, refs resolved → Healthy",
                route([[condition("Accepted", "True"), condition("ResolvedRefs", "True")]]), .healthy,
                message: "status.parents[0].conditions"),
            HealthCase(
                "one parent refuses the route → Degraded",
                route([
                    [condition("Accepted", "True")],
                    [condition("Accepted", "False", reason: "NotAllowedByListeners")],
                ]), .degraded, message: "Accepted is False in status.parents[1].conditions: NotAllowedByListeners"),
            HealthCase(
                "refs not resolved → Degraded",
                route([[condition("Accepted", "True"), condition("ResolvedRefs", "False", reason: "BackendNotFound")]]),
                .degraded),
            HealthCase(
                "a parent still pending → Progressing",
                route([[condition("Accepted", "Unknown", reason: "Pending")]]), .progressing),
            HealthCase(
                "ancestors (policies) alike",
                route([[condition("Accepted", "False", reason: "Conflicted")]], key: "ancestors"), .degraded,
                message: "status.ancestors[0].conditions"),
            HealthCase("no parents yet → no health", route([]), nil),
        ])
    func gatewayConditions(_ row: HealthCase) { row.check() }

    @Test(
        "phase-like fields",
        arguments: [
            HealthCase(
                "status.phase Failed → Degraded, with status.message",
                resource(status: ["phase": "Failed", "message": "quota exceeded"]), .degraded,
                message: "status.phase is Failed: quota exceeded"),
            HealthCase("status.phase Running → Progressing", resource(status: ["phase": "Running"]), .progressing),
            HealthCase("status.phase Pending → Progressing", resource(status: ["phase": "Pending"]), .progressing),
            HealthCase(
                "status.phase Succeeded → Healthy", resource(status: ["phase": "Succeeded"]), .healthy,
                message: "status.phase is Succeeded"),
            HealthCase(
                "status.state Provisioning → Progressing", resource(status: ["state": "Provisioning"]),
                .progressing, message: "status.state is Provisioning"),
            HealthCase("status.state ready → Healthy", resource(status: ["state": "ready"]), .healthy),
            HealthCase(
                "status.status ERROR → Degraded, with status.reason",
                resource(status: ["status": "ERROR", "reason": "bad credentials"]), .degraded,
                message: "status.status is ERROR: bad credentials"),
            HealthCase("status.health Healthy → Healthy", resource(status: ["health": "Healthy"]), .healthy),
            HealthCase(
                "status.health.status Degraded → Degraded", resource(status: ["health": ["status": "Degraded"]]),
                .degraded, message: "status.health.status is Degraded"),
            HealthCase("status.phase Paused → Suspended", resource(status: ["phase": "Paused"]), .suspended),
            HealthCase(
                "words compared without case, spaces or separators",
                resource(status: ["phase": "Crash-Loop BackOff"]), .degraded),
            HealthCase("status.phase Unknown → Unknown", resource(status: ["phase": "Unknown"]), .unknown),
            HealthCase("an unrecognised word → no health", resource(status: ["phase": "Blue"]), nil),
            HealthCase(
                "conditions decide before a phase",
                resource(status: ["phase": "Failed", "conditions": [condition("Ready", "True")]]), .healthy),
            HealthCase(
                "a phase decides when conditions say nothing",
                resource(status: ["phase": "Failed", "conditions": [condition("PodScheduled", "True")]]), .degraded),
        ])
    func phases(_ row: HealthCase) { row.check() }

    @Test(
        "suspended on purpose",
        arguments: [
            HealthCase(
                "spec.suspend true → Suspended, even when Ready",
                resource(spec: ["suspend": true], status: ["conditions": [condition("Ready", "True")]]), .suspended,
                message: "spec.suspend is true"),
            HealthCase(
                "spec.paused true → Suspended", resource(spec: ["paused": true], status: nil), .suspended,
                message: "spec.paused is true"),
            HealthCase(
                "spec.suspend false → the other rules", resource(spec: ["suspend": false], status: nil), nil),
            HealthCase(
                "a Suspended condition True → Suspended",
                resource(condition("Suspended", "True", reason: "UserRequested")), .suspended,
                message: "Suspended is True in status.conditions: UserRequested"),
            HealthCase("a Paused condition True → Suspended", resource(condition("Paused", "True")), .suspended),
            HealthCase(
                "a Paused condition False → the other rules",
                resource(condition("Paused", "False"), condition("Ready", "True")), .healthy),
        ])
    func suspension(_ row: HealthCase) { row.check() }

    @Test(
        "condition polarity from the type",
        arguments: [
            ("Failed", ConditionPolarity.failure), ("Stalled", .failure), ("BackupError", .failure),
            ("UpgradeFailed", .failure), ("NotReady", .failure), ("NotAvailable", .failure),
            ("Reconciling", .reconciling), ("Paused", .pause), ("Suspended", .pause),
            ("Ready", .success), ("CertificateReady", .success), ("Accepted", .success), ("ResolvedRefs", .success),
            ("Established", .success), ("PodScheduled", .neutral), ("Notified", .neutral), ("Initialized", .neutral),
        ])
    func polarity(type: String, expected: ConditionPolarity) {
        #expect(ConditionPolarity(type: type) == expected)
    }
}
