extension ObjectHealth {
    /// DaemonSet (`apps`, `extensions`), following `kubectl rollout status`: spec not yet observed →
    /// progressing; `OnDelete` strategy (pods change only when someone deletes them) → healthy; fewer
    /// updated or available pods than scheduled → progressing; otherwise healthy.
    static func daemonSet(_ set: LiveObject) -> ObjectHealth {
        if set.generation > set.observedGeneration {
            return .progressing("Waiting for rollout to finish: generation \(set.generation) not yet observed")
        }
        let desired = set.int("status", "desiredNumberScheduled")
        let updated = set.int("status", "updatedNumberScheduled")
        let available = set.int("status", "numberAvailable")
        if set.string("spec", "updateStrategy", "type") == "OnDelete" {
            return .healthy("\(updated) out of \(desired) pods have been updated (OnDelete strategy)")
        }
        if updated < desired {
            return .progressing(
                "Waiting for rollout to finish: \(updated) out of \(desired) new pods have been updated"
            )
        }
        if available < desired {
            return .progressing(
                "Waiting for rollout to finish: \(available) of \(desired) updated pods are available"
            )
        }
        return .healthy("\(available) pods available")
    }
}
