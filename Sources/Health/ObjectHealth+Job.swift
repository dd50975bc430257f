extension ObjectHealth {
    /// Job, by its conditions that are true: `Failed` → degraded, `Complete` → healthy, `Suspended` →
    /// suspended; none of these yet → progressing.
    static func job(_ job: LiveObject) -> ObjectHealth {
        let conditions = job.conditions.filter(\.isTrue)
        func first(_ type: String) -> StatusCondition? { conditions.first { $0.type == type } }
        if let failed = first("Failed") {
            return .degraded(failed.summary)
        }
        if let complete = first("Complete") {
            return .healthy(complete.message.isEmpty ? "Job completed" : complete.message)
        }
        if let suspended = first("Suspended") {
            return .suspended(suspended.message.isEmpty ? "Job is suspended" : suspended.message)
        }
        return .progressing("Job is running: \(job.int("status", "active")) active pods")
    }
}
