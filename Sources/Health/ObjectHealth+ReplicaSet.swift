extension ObjectHealth {
    /// ReplicaSet (`apps`, `extensions`): spec not yet observed → progressing; `ReplicaFailure` condition
    /// true (e.g. pods refused by a quota) → degraded; fewer available replicas than wanted → progressing;
    /// otherwise healthy.
    static func replicaSet(_ set: LiveObject) -> ObjectHealth {
        if set.generation > set.observedGeneration {
            return .progressing("Waiting for rollout to finish: generation \(set.generation) not yet observed")
        }
        if let failure = set.condition("ReplicaFailure"), failure.isTrue {
            return .degraded(failure.message)
        }
        let available = set.int("status", "availableReplicas")
        if let replicas = set.value("spec", "replicas")?.intValue, available < replicas {
            return .progressing("Waiting for rollout to finish: \(available) out of \(replicas) replicas are available")
        }
        return .healthy("\(available) replicas available")
    }
}
