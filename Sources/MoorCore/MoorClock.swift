public import Foundation
import Synchronization

/// The time a sync or the controller reads: the monotonic clock of deadlines, intervals and the work
/// queue, and the wall clock of the timestamps written to status and events.
///
/// ``system`` is the real time. Tests inject one that moves only when someone waits on it
/// (``immediate(startingAt:wallClock:)``), so a 300-second hook timeout is reached in a few
/// milliseconds and what happens at it is tested in process.
public struct MoorClock: Sendable {
    private let instant: @Sendable () -> ContinuousClock.Instant
    private let wait: @Sendable (ContinuousClock.Instant) async throws -> Void
    private let wallClock: @Sendable () -> Date

    /// A clock reading `now`, waiting with `sleep` (which throws `CancellationError` when the
    /// waiting task is cancelled) and dating with `date`.
    public init(
        now: @escaping @Sendable () -> ContinuousClock.Instant,
        sleep: @escaping @Sendable (ContinuousClock.Instant) async throws -> Void,
        date: @escaping @Sendable () -> Date
    ) {
        instant = now
        wait = sleep
        wallClock = date
    }

    /// The real time: `ContinuousClock` and `Date()`.
    public static let system = MoorClock(
        now: { .now }, sleep: { try await Task.sleep(until: $0, clock: .continuous) }, date: { Date() })

    /// The monotonic time now.
    public var now: ContinuousClock.Instant { instant() }

    /// The wall-clock time now.
    public var date: Date { wallClock() }

    /// Waits until `deadline`; throws `CancellationError` when the task is cancelled first.
    public func sleep(until deadline: ContinuousClock.Instant) async throws {
        try await wait(deadline)
    }

    /// Waits for `duration`; throws `CancellationError` when the task is cancelled first.
    public func sleep(for duration: Duration) async throws {
        try await wait(now + duration)
    }

    /// A clock that never waits: sleeping moves its time to the deadline at once. Wall-clock time
    /// moves with it, from `wallClock`. Cancellation is still honoured.
    public static func immediate(
        startingAt start: ContinuousClock.Instant = .now, wallClock: Date = Date(timeIntervalSince1970: 1_800_000_000)
    ) -> MoorClock {
        let elapsed = Elapsed()
        return MoorClock(
            now: { start + elapsed.value },
            sleep: { deadline in
                try Task.checkCancellation()
                elapsed.advance(to: start.duration(to: deadline))
                await Task.yield()
            },
            date: {
                let seconds = elapsed.value.components
                return wallClock.addingTimeInterval(
                    Double(seconds.seconds) + Double(seconds.attoseconds) / 1e18)
            })
    }
}

/// The time an ``MoorClock/immediate(startingAt:wallClock:)`` clock has moved, shared by its readers.
private final class Elapsed: Sendable {
    private let duration = Mutex(Duration.zero)

    var value: Duration { duration.withLock { $0 } }

    /// Moves the time forward to `target` (never back: concurrent sleepers may wake out of order).
    func advance(to target: Duration) {
        duration.withLock { $0 = max($0, target) }
    }
}
