extension ObjectHealth {
    /// The phase-like fields the generic rule reads, in this order: a string at `status.phase`,
    /// `status.state`, `status.status`, `status.health` or `status.health.status`.
    static let phaseFields: [[String]] = [
        ["phase"], ["state"], ["status"], ["health"], ["health", "status"],
    ]

    /// Words of a phase that mean failure (compared without case, spaces, `-` or `_`).
    static let failurePhases: Set = [
        "failed", "failure", "failing", "error", "errored", "degraded", "unhealthy", "invalid", "rejected",
        "stalled", "aborted", "crashloopbackoff", "lost", "missing", "notready", "unavailable", "broken",
    ]
    /// Words of a phase that mean paused on purpose.
    static let suspendedPhases: Set = ["suspended", "paused", "hibernated", "hibernating", "disabled"]
    /// Words of a phase that mean done and well.
    static let successPhases: Set = [
        "healthy", "ready", "succeeded", "success", "successful", "complete", "completed", "available", "active",
        "bound", "established", "deployed", "synced", "ok", "done", "provisioned", "online", "reconciled",
        "finished", "up",
    ]
    /// Words of a phase that mean on the way, besides any word ending in `ing`.
    static let progressPhases: Set = ["pending", "new", "queued", "started", "inprogress", "scheduled"]

    /// The health a phase-like field says (``phaseFields``, the first string found): a failure word →
    /// degraded, a suspension word → suspended, a success word → healthy, `pending` and words ending in
    /// `ing` (`Running`, `Provisioning`) → progressing, `Unknown` → unknown. `status.message` or `status.reason`, when present,
    /// follow in the message. `nil` when there is no such field or its word is none of these.
    static func phase(_ object: LiveObject) -> ObjectHealth? {
        guard
            let (path, value) = phaseFields.lazy.compactMap({ path in
                object.json.value(at: ["status"] + path)?.stringValue.map { (path, $0) }
            }).first
        else { return nil }
        let word = value.lowercased().filter { $0.isLetter }
        let detail =
            object.string("status", "message").isEmpty
            ? object.string("status", "reason")
            : object.string("status", "message")
        let message = "status.\(path.joined(separator: ".")) is \(value)" + (detail.isEmpty ? "" : ": \(detail)")
        if failurePhases.contains(word) { return .degraded(message) }
        if suspendedPhases.contains(word) { return .suspended(message) }
        if successPhases.contains(word) { return .healthy(message) }
        if progressPhases.contains(word) || word.hasSuffix("ing") { return .progressing(message) }
        if word == "unknown" { return ObjectHealth(status: .unknown, message: message) }
        return nil
    }
}
