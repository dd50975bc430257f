internal import MoorCore

/// When something read from the cluster is read again: at most once per ``interval`` of ``clock``, when
/// asked (``isDue()``). The first ask is always due; `.zero` makes every ask due.
struct RefreshSchedule: Sendable {
    /// How long a read is trusted.
    let interval: Duration
    /// The time reads are measured by.
    let clock: MoorClock
    /// When the last read started; `nil` before the first.
    private var readAt: ContinuousClock.Instant?

    /// A schedule of reads `interval` apart on `clock`.
    init(interval: Duration, clock: MoorClock) {
        self.interval = interval
        self.clock = clock
    }

    /// Whether a read is due now; if so, the read counts as started now.
    mutating func isDue() -> Bool {
        let now = clock.now
        if let readAt, readAt.duration(to: now) < interval { return false }
        readAt = now
        return true
    }
}
