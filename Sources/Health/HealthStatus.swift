/// How well a live object, or an application as a whole, is doing.
///
/// Statuses are ordered from best to worst, and `<` reads "is healthier than":
///
///     healthy < suspended < progressing < missing < degraded < unknown
///
/// This is the order of gitops-engine's `healthOrder` (`pkg/health/health.go`), which Argo CD uses to roll
/// object health up into application health, so ``aggregate(_:)`` gives the same answer as Argo CD.
/// The raw values are the names shown to users and stored in status (`Healthy`, `Progressing`, …).
public enum HealthStatus: String, Sendable, Hashable, Codable, CaseIterable, Comparable, CustomStringConvertible {
    /// The object works as intended; there is nothing left to wait for.
    case healthy = "Healthy"
    /// The object is paused or suspended on purpose, e.g. a paused Deployment or a suspended Job or CronJob.
    case suspended = "Suspended"
    /// The object is not healthy yet but can still get there, e.g. a rollout in progress or a pending Pod.
    case progressing = "Progressing"
    /// The object is expected in the cluster but absent from it.
    case missing = "Missing"
    /// The object reports a failure, or could not become healthy within its deadline.
    case degraded = "Degraded"
    /// The object's health could not be assessed, e.g. an unexpected phase or an unreadable status.
    case unknown = "Unknown"

    /// The position in the "worse than" order: higher is worse.
    private var severity: Int {
        switch self {
        case .healthy: 0
        case .suspended: 1
        case .progressing: 2
        case .missing: 3
        case .degraded: 4
        case .unknown: 5
        }
    }

    /// Whether `lhs` is healthier than `rhs`; see the order in the type's documentation.
    public static func < (lhs: HealthStatus, rhs: HealthStatus) -> Bool {
        lhs.severity < rhs.severity
    }

    /// The raw value, e.g. `Healthy`.
    public var description: String { rawValue }

    /// The health of an application: the worst status among its objects.
    ///
    /// `nil` entries (objects whose kind has no notion of health, see ``ObjectHealth/assess(_:)``) do not
    /// count, as in Argo CD; with no entry left the application is ``healthy``. The caller reports objects
    /// that should exist but do not as ``missing``.
    public static func aggregate(_ healths: some Sequence<ObjectHealth?>) -> HealthStatus {
        healths.reduce(.healthy) { worst, health in max(worst, health?.status ?? .healthy) }
    }
}
