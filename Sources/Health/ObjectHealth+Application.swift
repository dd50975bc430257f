extension ObjectHealth {
    /// The annotation that takes an Application object's own health out of its parent's: `"false"` makes
    /// it an object without health, as Argo CD has treated Applications since 1.8.
    public static let applicationHealthAnnotation = "moor.dev/application-health"

    /// Application (`argoproj.io` and `moor.dev`), as deployed by an app of apps: healthy only when its
    /// status says it is both Synced and Healthy, so a wave of child applications waits for them.
    ///
    /// `status.health.status` Degraded, Missing, Unknown or Suspended → that status (with
    /// `status.health.message`); `status.operationState.phase` Failed or Error → degraded; otherwise
    /// `status.sync.status` other than Synced, a running operation, or a health other than Healthy →
    /// progressing; no status yet → progressing. `nil` with ``applicationHealthAnnotation`` `"false"`.
    static func application(_ application: LiveObject) -> ObjectHealth? {
        if application.string("metadata", "annotations", applicationHealthAnnotation).lowercased() == "false" {
            return nil
        }
        let health = application.string("status", "health", "status")
        let sync = application.string("status", "sync", "status")
        let phase = application.string("status", "operationState", "phase")
        let detail = application.string("status", "health", "message")
        let said = "status.health.status is \(health)" + (detail.isEmpty ? "" : ": \(detail)")
        if let status = HealthStatus(rawValue: health), [.degraded, .missing, .unknown, .suspended].contains(status) {
            return ObjectHealth(status: status, message: said)
        }
        if phase == "Failed" || phase == "Error" {
            let message = application.string("status", "operationState", "message")
            return .degraded(
                "status.operationState.phase is \(phase)" + (message.isEmpty ? "" : ": \(message)"))
        }
        if health.isEmpty && sync.isEmpty { return .progressing("Waiting for the application's first status") }
        if sync != "Synced" { return .progressing("status.sync.status is \(sync.isEmpty ? "unset" : sync)") }
        if phase == "Running" { return .progressing("status.operationState.phase is Running") }
        return health == HealthStatus.healthy.rawValue ? .healthy(said) : .progressing(said)
    }
}
