extension ObjectHealth {
    /// Deployment (`apps`, `extensions`), following `kubectl rollout status`:
    /// paused → suspended; spec not yet observed → progressing; `Progressing` condition with reason
    /// `ProgressDeadlineExceeded` → degraded; fewer updated replicas than wanted, old replicas still around,
    /// or updated replicas not yet available → progressing; otherwise healthy.
    static func deployment(_ deployment: LiveObject) -> ObjectHealth {
        if deployment.value("spec", "paused")?.boolValue == true {
            return .suspended("Deployment is paused")
        }
        if deployment.generation > deployment.observedGeneration {
            return .progressing(
                "Waiting for rollout to finish: generation \(deployment.generation) not yet observed"
            )
        }
        if deployment.condition("Progressing")?.reason == "ProgressDeadlineExceeded" {
            return .degraded("Deployment \"\(deployment.name)\" exceeded its progress deadline")
        }
        let replicas = deployment.value("spec", "replicas")?.intValue
        let current = deployment.int("status", "replicas")
        let updated = deployment.int("status", "updatedReplicas")
        let available = deployment.int("status", "availableReplicas")
        if let replicas, updated < replicas {
            return .progressing(
                "Waiting for rollout to finish: \(updated) out of \(replicas) new replicas have been updated"
            )
        }
        if current > updated {
            return .progressing(
                "Waiting for rollout to finish: \(current - updated) old replicas are pending termination"
            )
        }
        if available < updated {
            return .progressing(
                "Waiting for rollout to finish: \(available) of \(updated) updated replicas are available"
            )
        }
        return .healthy("\(available) replicas available")
    }
}
