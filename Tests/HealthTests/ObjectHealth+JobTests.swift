import Health
import MoorCore
import Testing

@Suite("Job and CronJob health")
struct JobHealthTests {
    static func job(_ conditions: JSONValue...) -> JSONValue {
        liveObject("batch/v1", "Job", status: ["active": 1, "conditions": .array(conditions)])
    }

    static func cronJob(suspend: Bool = false, status: JSONValue) -> JSONValue {
        liveObject("batch/v1", "CronJob", spec: ["schedule": "*/5 * * * *", "suspend": .bool(suspend)], status: status)
    }

    static let running: JSONValue = [["name": "nightly-28000000"]]

    @Test(
        arguments: [
            HealthCase("no condition yet → Progressing", job(), .progressing, message: "1 active pods"),
            HealthCase(
                "failed → Degraded",
                job(condition("Failed", "True", reason: "BackoffLimitExceeded", message: "reached backoff limit")),
                .degraded, message: "BackoffLimitExceeded: reached backoff limit"),
            HealthCase(
                "a failure target is not a failure yet", job(condition("FailureTarget", "True")), .progressing),
            HealthCase("complete → Healthy", job(condition("Complete", "True")), .healthy, message: "Job completed"),
            HealthCase(
                "suspended → Suspended", job(condition("Suspended", "True", message: "Job suspended")), .suspended,
                message: "Job suspended"),
            HealthCase(
                "resumed after a suspension → Progressing", job(condition("Suspended", "False", reason: "JobResumed")),
                .progressing),
        ]
    )
    func jobs(_ row: HealthCase) { row.check() }

    @Test(
        arguments: [
            HealthCase(
                "suspended → Suspended", cronJob(suspend: true, status: ["active": running]), .suspended),
            HealthCase(
                "never scheduled → Healthy", cronJob(status: [:]), .healthy, message: "not been scheduled yet"),
            HealthCase(
                "first run in progress → Progressing",
                cronJob(status: ["lastScheduleTime": "2024-05-01T10:00:00Z", "active": running]), .progressing),
            HealthCase(
                "first run ended without success → Degraded",
                cronJob(status: ["lastScheduleTime": "2024-05-01T10:00:00Z"]), .degraded,
                message: "2024-05-01T10:00:00Z did not succeed"),
            HealthCase(
                "last run succeeded → Healthy",
                cronJob(status: [
                    "lastScheduleTime": "2024-05-01T10:00:00Z", "lastSuccessfulTime": "2024-05-01T10:00:42Z",
                ]), .healthy, message: "succeeded at 2024-05-01T10:00:42Z"),
            HealthCase(
                "a later run in progress → Progressing",
                cronJob(status: [
                    "lastScheduleTime": "2024-05-01T10:05:00Z", "lastSuccessfulTime": "2024-05-01T10:00:42Z",
                    "active": running,
                ]), .progressing),
            HealthCase(
                "a later run failed → Degraded",
                cronJob(status: [
                    "lastScheduleTime": "2024-05-01T10:05:00Z", "lastSuccessfulTime": "2024-05-01T10:00:42Z",
                    "active": [],
                ]), .degraded),
        ]
    )
    func cronJobs(_ row: HealthCase) { row.check() }
}
