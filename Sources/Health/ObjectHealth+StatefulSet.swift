extension ObjectHealth {
    /// StatefulSet, following `kubectl rollout status`: spec not yet observed → progressing; fewer ready
    /// pods than wanted → progressing; with a `RollingUpdate` strategy, fewer updated pods than the
    /// partition lets through → progressing, else healthy; with `OnDelete` (pods change only when someone
    /// deletes them) → healthy; otherwise the update revision must have become the current revision.
    static func statefulSet(_ set: LiveObject) -> ObjectHealth {
        if set.observedGeneration == 0 || set.generation > set.observedGeneration {
            return .progressing("Waiting for StatefulSet spec update to be observed")
        }
        let replicas = set.value("spec", "replicas")?.intValue
        let ready = set.int("status", "readyReplicas")
        let updated = set.int("status", "updatedReplicas")
        if let replicas, ready < replicas {
            return .progressing("Waiting for \(replicas - ready) pods to be ready")
        }
        switch set.string("spec", "updateStrategy", "type") {
        case "RollingUpdate" where set.value("spec", "updateStrategy", "rollingUpdate") != nil:
            let partition = set.value("spec", "updateStrategy", "rollingUpdate", "partition")?.intValue
            if let replicas, let partition, updated < replicas - partition {
                return .progressing(
                    "Waiting for partitioned roll out to finish: \(updated) out of \(replicas - partition) "
                        + "new pods have been updated"
                )
            }
            return .healthy("Partitioned roll out complete: \(updated) new pods have been updated")
        case "OnDelete":
            return .healthy("StatefulSet has \(ready) ready pods (\(updated) updated)")
        default:
            let updateRevision = set.string("status", "updateRevision")
            let currentRevision = set.string("status", "currentRevision")
            if updateRevision != currentRevision {
                return .progressing(
                    "Waiting for rolling update to complete: \(updated) pods at revision \(updateRevision)"
                )
            }
            let current = set.int("status", "currentReplicas")
            return .healthy("Rolling update complete: \(current) pods at revision \(currentRevision)")
        }
    }
}
