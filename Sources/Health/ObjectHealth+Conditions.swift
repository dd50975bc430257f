extension ObjectHealth {
    /// Words in a condition's reason that mean the object is on its way rather than stuck (compared
    /// without regard to case), e.g. `Progressing`, `InProgress`, `Reconciling`, `Pending`, `Creating`.
    static let progressReasonWords = [
        "progressing", "inprogress", "reconciling", "pending", "creating", "updating", "waiting", "provisioning",
        "initializing", "installing",
    ]

    /// The generic rule, for kinds without a rule of their own (custom resources mostly), after the
    /// Kubernetes API conventions for `status`.
    ///
    /// `status.observedGeneration` behind `metadata.generation` → progressing (the controller has not acted
    /// on the latest spec). Then the `Ready` condition, or `Available` when there is no `Ready`: a condition
    /// whose own `observedGeneration` is behind → progressing; `True` → healthy; `False` → degraded, or
    /// progressing when its reason contains one of ``progressReasonWords``; `Unknown` → progressing.
    /// `nil` when the object reports neither an observed generation behind nor such a condition.
    static func conditions(_ object: LiveObject) -> ObjectHealth? {
        let generation = object.generation
        if let observed = object.value("status", "observedGeneration")?.intValue, observed < generation {
            return .progressing("Waiting for generation \(generation) to be observed (observed \(observed))")
        }
        guard let condition = object.condition("Ready") ?? object.condition("Available") else {
            return nil
        }
        if let observed = condition.observedGeneration, observed < generation {
            return .progressing("Waiting for \(condition.type) to reflect generation \(generation)")
        }
        if condition.isTrue {
            return .healthy(condition.summary)
        }
        let reason = condition.reason.lowercased()
        if condition.isFalse && !progressReasonWords.contains(where: reason.contains) {
            return .degraded(condition.summary)
        }
        return .progressing(condition.summary)
    }
}
