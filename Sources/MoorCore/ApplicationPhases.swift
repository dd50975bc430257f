/// Whether an application's objects in the cluster match what Git renders, as `status.sync.status`
/// says it (Argo CD's `SyncStatusCode`, same names).
public enum SyncStatus: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// Every object matches Git and nothing is left to prune.
    case synced = "Synced"
    /// At least one object differs, is missing or is left to prune.
    case outOfSync = "OutOfSync"
    /// Not compared yet, or the comparison failed.
    case unknown = "Unknown"

    /// The raw value, e.g. `OutOfSync`.
    public var description: String { rawValue }
}

/// How a sync operation stands, as `status.operationState.phase` says it and a history entry's
/// `result` records it (Argo CD's `OperationPhase`; Moor runs no operation it could terminate, so
/// it has no `Terminating` and reports every failure, sync or error, as `Failed`).
public enum OperationPhase: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// Started and not ended yet.
    case running = "Running"
    /// Ended with every step done.
    case succeeded = "Succeeded"
    /// Ended with a step failed or refused.
    case failed = "Failed"

    /// The phase of an ended operation: ``succeeded`` or ``failed``.
    public init(succeeded: Bool) {
        self = succeeded ? .succeeded : .failed
    }

    /// The raw value, e.g. `Succeeded`.
    public var description: String { rawValue }
}
