extension ObjectHealth {
    /// Words in a condition's reason that mean the object is on its way rather than stuck (compared
    /// without regard to case), e.g. `Progressing`, `InProgress`, `Reconciling`, `Pending`, `Creating`.
    static let progressReasonWords = [
        "progressing", "inprogress", "reconciling", "pending", "creating", "updating", "waiting", "provisioning",
        "initializing", "installing",
    ]

    /// The generic rule, for kinds without a rule of their own (custom resources mostly), after the
    /// Kubernetes API conventions for `status` and kstatus (sigs.k8s.io/cli-utils, which Flux uses). The
    /// first step that decides gives the health; its message names the field that decided:
    ///
    /// 1. `spec.suspend` or `spec.paused` true, or a `Paused`/`Suspended` condition `True` → suspended.
    /// 2. `status.observedGeneration` behind `metadata.generation` → progressing (the controller has not
    ///    acted on the latest spec yet).
    /// 3. `status.conditions` (``judge(_:generation:field:)``).
    /// 4. Gateway API's per-parent conditions, `status.parents[].conditions` and
    ///    `status.ancestors[].conditions`: each list judged alike; the worst decides.
    /// 5. A phase-like field (``phase(_:)``).
    ///
    /// `nil` when none decides: the object has no notion of health.
    ///
    /// ``decidedBy`` is ``HealthSource/genericRule(field:)`` with the field of the step that decided.
    static func generic(_ object: LiveObject) -> ObjectHealth? {
        if let suspended = suspension(object) { return suspended }
        let generation = object.generation
        if let observed = object.value("status", "observedGeneration")?.intValue, observed < generation {
            return .progressing(
                "Waiting for generation \(generation) to be observed (observed \(observed)): "
                    + "status.observedGeneration is behind metadata.generation"
            ).decided(by: .genericRule(field: "status.observedGeneration"))
        }
        if let decided = judge(object.conditions, generation: generation, field: "status.conditions") {
            return decided.decided(by: .genericRule(field: "status.conditions"))
        }
        if let nested = nestedConditions(object) { return nested }
        return phase(object)
    }

    /// Suspended on purpose: `spec.suspend` or `spec.paused` true, or a `Paused` or `Suspended` condition `True`.
    private static func suspension(_ object: LiveObject) -> ObjectHealth? {
        for field in ["suspend", "paused"] where object.value("spec", field)?.boolValue == true {
            return .suspended("spec.\(field) is true").decided(by: .genericRule(field: "spec.\(field)"))
        }
        if let paused = object.conditions.first(where: { ConditionPolarity(type: $0.type) == .pause && $0.isTrue }) {
            return .suspended(paused.described(in: "status.conditions"))
                .decided(by: .genericRule(field: "status.conditions"))
        }
        return nil
    }

    /// What one list of conditions says, in this order:
    ///
    /// 1. `Reconciling` `True` → progressing (kstatus).
    /// 2. A failure-type condition `True` (``ConditionPolarity/failure``: `Stalled`, `Failed`, `*Error`, …)
    ///    → degraded, even beside `Ready` `True` (progressing when its reason says it is still working, as
    ///    `NotReady` with reason `Creating`).
    /// 3. `Ready`, or `Available` when there is no `Ready`: one whose own `observedGeneration` is behind
    ///    `generation` → progressing; `True` → healthy; `False` → degraded, or progressing when its reason
    ///    contains one of ``progressReasonWords``; `Unknown` → progressing. When it says progressing, another
    ///    success-type condition `False` for good (`Synced` with reason `ReconcileError`) makes it degraded.
    /// 4. The other success-type conditions (``ConditionPolarity/success``): any `False` → degraded
    ///    (progressing when its reason says it is still working); else any `Unknown` → progressing; else
    ///    healthy.
    ///
    /// `nil` when the list holds none of these. `field` names the list in messages.
    static func judge(_ conditions: [StatusCondition], generation: Int, field: String) -> ObjectHealth? {
        let typed = conditions.map { (condition: $0, polarity: ConditionPolarity(type: $0.type)) }
        if let reconciling = typed.first(where: { $0.polarity == .reconciling && $0.condition.isTrue }) {
            return .progressing(reconciling.condition.described(in: field))
        }
        if let failure = typed.first(where: { $0.polarity == .failure && $0.condition.isTrue }) {
            let message = failure.condition.described(in: field)
            return failure.condition.saysStillWorking ? .progressing(message) : .degraded(message)
        }
        if let primary = conditions.first(where: { $0.type == "Ready" })
            ?? conditions.first(where: { $0.type == "Available" })
        {
            if let observed = primary.observedGeneration, observed < generation {
                return .progressing(
                    "Waiting for \(primary.type) to reflect generation \(generation) "
                        + "(\(field)[\(primary.type)].observedGeneration is \(observed))")
            }
            let health = successHealth(primary, in: field)
            guard health.status == .progressing else { return health }
            // Still on its way by its primary condition, unless another success type has failed outright.
            return typed.lazy.filter { $0.polarity == .success && $0.condition.type != primary.type }
                .map { successHealth($0.condition, in: field) }.first { $0.status == .degraded } ?? health
        }
        let successes = typed.filter { $0.polarity == .success }.map(\.condition)
        guard !successes.isEmpty else { return nil }
        let failing = successes.map { successHealth($0, in: field) }
        return failing.first { $0.status == .degraded } ?? failing.first { $0.status == .progressing }
            ?? .healthy(successes.map { "\($0.type) is True" }.joined(separator: ", ") + " (\(field))")
    }

    /// A success-type condition's health: `True` → healthy; `False` → degraded, or progressing when its
    /// reason says it is still working; `Unknown` (or anything else) → progressing.
    private static func successHealth(_ condition: StatusCondition, in field: String) -> ObjectHealth {
        let message = condition.described(in: field)
        if condition.isTrue { return .healthy(message) }
        return condition.isFalse && !condition.saysStillWorking ? .degraded(message) : .progressing(message)
    }

    /// Gateway API's conditions per parent (`status.parents[]`) or ancestor (`status.ancestors[]`), each
    /// list judged as `status.conditions` is; the worst of them, `nil` when none decides.
    private static func nestedConditions(_ object: LiveObject) -> ObjectHealth? {
        var worst: ObjectHealth?
        for list in ["parents", "ancestors"] {
            for (index, entry) in object.array("status", list).enumerated() {
                let conditions = (entry["conditions"]?.arrayValue ?? []).map(StatusCondition.init)
                let field = "status.\(list)[\(index)].conditions"
                guard let health = judge(conditions, generation: object.generation, field: field) else { continue }
                if worst.map({ $0.status < health.status }) ?? true {
                    worst = health.decided(by: .genericRule(field: field))
                }
            }
        }
        return worst
    }
}

extension StatusCondition {
    /// Whether the reason contains one of ``ObjectHealth/progressReasonWords`` (`Creating`, `Pending`, …).
    var saysStillWorking: Bool {
        let reason = reason.lowercased()
        return ObjectHealth.progressReasonWords.contains(where: reason.contains)
    }

    /// `Ready is False in status.conditions: reason: message` — which condition decided, and why.
    func described(in field: String) -> String {
        let why = summary
        return "\(type) is \(status.isEmpty ? "unset" : status) in \(field)" + (why.isEmpty ? "" : ": \(why)")
    }
}
