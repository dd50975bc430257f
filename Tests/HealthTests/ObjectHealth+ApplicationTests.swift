import Health
import MoorCore
import Testing

/// Applications deployed by an app of apps: healthy only when Synced and Healthy.
@Suite("Application health (app of apps)")
struct ApplicationHealthTests {
    static func application(
        _ apiVersion: String = "argoproj.io/v1alpha1", sync: String? = nil, health: String? = nil,
        message: String? = nil, phase: String? = nil, annotations: JSONValue? = nil
    ) -> JSONValue {
        var status: JSONValue = [:]
        status[path: "sync", "status"] = sync.map(JSONValue.string)
        status[path: "health", "status"] = health.map(JSONValue.string)
        status[path: "health", "message"] = message.map(JSONValue.string)
        status[path: "operationState", "phase"] = phase.map(JSONValue.string)
        return liveObject(
            apiVersion, "Application", annotations: annotations, spec: ["project": "default"],
            status: sync == nil && health == nil && phase == nil ? nil : status)
    }

    @Test(
        arguments: [
            HealthCase(
                "Synced and Healthy → Healthy", application(sync: "Synced", health: "Healthy"), .healthy,
                message: "status.health.status is Healthy"),
            HealthCase(
                "moor.dev Applications alike", application("moor.dev/v1alpha1", sync: "Synced", health: "Healthy"),
                .healthy),
            HealthCase(
                "OutOfSync and Healthy → Progressing", application(sync: "OutOfSync", health: "Healthy"), .progressing,
                message: "status.sync.status is OutOfSync"),
            HealthCase(
                "Synced, Progressing → Progressing", application(sync: "Synced", health: "Progressing"),
                .progressing),
            HealthCase(
                "Degraded → Degraded, with its message",
                application(sync: "Synced", health: "Degraded", message: "Deployment web exceeded its deadline"),
                .degraded, message: "Degraded: Deployment web exceeded its deadline"),
            HealthCase(
                "Degraded even when OutOfSync", application(sync: "OutOfSync", health: "Degraded"), .degraded),
            HealthCase("Missing → Missing", application(sync: "OutOfSync", health: "Missing"), .missing),
            HealthCase("Suspended → Suspended", application(sync: "Synced", health: "Suspended"), .suspended),
            HealthCase(
                "a failed sync → Degraded", application(sync: "OutOfSync", health: "Healthy", phase: "Failed"),
                .degraded, message: "status.operationState.phase is Failed"),
            HealthCase(
                "a sync running → Progressing", application(sync: "Synced", health: "Healthy", phase: "Running"),
                .progressing),
            HealthCase("no status yet → Progressing", application(), .progressing, message: "first status"),
            HealthCase(
                "opted out by annotation → no health",
                application(
                    sync: "OutOfSync", health: "Degraded", annotations: ["moor.dev/application-health": "false"]),
                nil),
            HealthCase(
                "an Application of another group → the generic rule",
                liveObject("example.com/v1", "Application", status: ["phase": "Running"]), .progressing,
                message: "status.phase"),
        ])
    func rules(_ row: HealthCase) { row.check() }
}
