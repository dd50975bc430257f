/// The decisions of a list-then-watch loop, free of I/O so they can be tested alone.
///
/// Start by listing; watch from the list's resourceVersion; remember the resourceVersion of
/// every event and bookmark; when a watch ends, watch again from the last one; when the server
/// says that version is gone (410), list again. Transient failures are counted so the driver can
/// back off; any success resets the count.
struct ListWatchStateMachine: Sendable, Equatable {
    /// What the driver must do next.
    enum Action: Equatable, Sendable {
        /// List everything, then call ``listed(resourceVersion:)``.
        case list
        /// Open a watch from this resourceVersion.
        case watch(resourceVersion: String)
    }

    /// The newest resourceVersion seen.
    private(set) var resourceVersion: String?
    /// Failures since the last success.
    private(set) var consecutiveFailures = 0
    private var needsList = true

    /// The next step.
    var nextAction: Action {
        guard !needsList, let resourceVersion else { return .list }
        return .watch(resourceVersion: resourceVersion)
    }

    /// A list succeeded.
    mutating func listed(resourceVersion: String) {
        self.resourceVersion = resourceVersion
        needsList = false
        consecutiveFailures = 0
    }

    /// An event or bookmark arrived.
    mutating func observed(resourceVersion: String?) {
        if let resourceVersion, !resourceVersion.isEmpty { self.resourceVersion = resourceVersion }
        consecutiveFailures = 0
    }

    /// The resourceVersion is too old: list again.
    mutating func gone() {
        needsList = true
    }

    /// A transient failure; returns the attempt number to back off for (1, 2, …).
    mutating func failed() -> Int {
        consecutiveFailures += 1
        return consecutiveFailures
    }
}
