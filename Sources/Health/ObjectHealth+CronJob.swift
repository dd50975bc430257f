extension ObjectHealth {
    /// CronJob: `spec.suspend` → suspended; never scheduled → healthy; last scheduled run newer than the
    /// last successful one → progressing while a Job is active, degraded once none is; otherwise healthy.
    ///
    /// Times are compared as RFC 3339 UTC strings, the form the API server writes them in. Clusters older
    /// than Kubernetes 1.21 do not report `lastSuccessfulTime`; there a finished run reads as degraded.
    static func cronJob(_ cronJob: LiveObject) -> ObjectHealth {
        if cronJob.value("spec", "suspend")?.boolValue == true {
            return .suspended("CronJob is suspended")
        }
        let lastSchedule = cronJob.string("status", "lastScheduleTime")
        if lastSchedule.isEmpty {
            return .healthy("CronJob has not been scheduled yet")
        }
        let lastSuccess = cronJob.string("status", "lastSuccessfulTime")
        if lastSuccess < lastSchedule {
            if cronJob.array("status", "active").isEmpty {
                return .degraded("The Job scheduled at \(lastSchedule) did not succeed")
            }
            return .progressing("The Job scheduled at \(lastSchedule) is running")
        }
        return .healthy("The last Job succeeded at \(lastSuccess)")
    }
}
