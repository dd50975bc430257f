extension ObjectHealth {
    /// The phase-like fields the generic rule reads, in this order: a string at `status.phase`,
    /// `status.state`, `status.status`, `status.health` or `status.health.status`.
    static let phaseFields: [[String]] = [
        ["phase"], ["state"], ["status"], ["health"], ["health", "status"],
    ]

    /// Words of a phase that mean failure (compared without case, spaces, `-` or `_`).
    static let failurePhases: Set = [
        "failed", "failure", "failing", "error", "errored", "degraded", "unhealthy", "invalid", "rejected",
        "stalled", "aborted", "crashloopbackoff", "lost", "missing", "notready", "unavailable", "broken", "red",
    ]
    /// Words of a phase that mean paused on purpose.
    static let suspendedPhases: Set = ["suspended", "paused", "hibernated", "hibernating", "disabled"]
    /// Words of a phase that mean done and well.
    static let successPhases: Set = [
        "healthy", "ready", "succeeded", "success", "successful", "complete", "completed", "available", "active",
        "bound", "established", "deployed", "synced", "ok", "done", "provisioned", "online", "reconciled",
        "finished", "up", "green",
    ]
    /// Words of a phase that mean on the way, besides any word ending in `ing`.
    static let progressPhases: Set = ["pending", "new", "queued", "started", "inprogress", "scheduled", "yellow"]

    /// The health the phase-like fields say (``phaseFields``; the worst of those that say something): a
    /// failure word (or one containing `fail` or `error`, as `PartiallyFailed`) → degraded, a suspension
    /// word → suspended, a success word → healthy, `pending` and words ending in `ing` (`Running`,
    /// `Provisioning`) → progressing, `Unknown` → unknown. A phase of several words that is none of these
    /// as a whole (`Cluster in healthy state`) is read word by word, the worst word deciding.
    /// `status.message` or `status.reason`, when present, follow in the message. `nil` when no such field
    /// says anything.
    static func phase(_ object: LiveObject) -> ObjectHealth? {
        let detail =
            object.string("status", "message").isEmpty
            ? object.string("status", "reason") : object.string("status", "message")
        var worst: ObjectHealth?
        for path in phaseFields {
            guard let value = object.json.value(at: ["status"] + path)?.stringValue else { continue }
            let words = value.lowercased().split(whereSeparator: { !$0.isLetter }).map(String.init)
            guard
                let status = phaseStatus(value.lowercased().filter(\.isLetter)) ?? words.compactMap(phaseStatus).max(),
                worst.map({ $0.status < status }) ?? true
            else { continue }
            let field = "status.\(path.joined(separator: "."))"
            let message = "\(field) is \(value)" + (detail.isEmpty ? "" : ": \(detail)")
            worst = ObjectHealth(status: status, message: message, decidedBy: .genericRule(field: field))
        }
        return worst
    }

    /// What one lower-case word of a phase says, `nil` for none of the known words.
    private static func phaseStatus(_ word: String) -> HealthStatus? {
        if failurePhases.contains(word) || word.contains("fail") || word.contains("error") { return .degraded }
        if suspendedPhases.contains(word) { return .suspended }
        if successPhases.contains(word) { return .healthy }
        if progressPhases.contains(word) || (word.count > 4 && word.hasSuffix("ing")) { return .progressing }
        return word == "unknown" ? .unknown : nil
    }
}
