import Foundation
import Testing

@testable import MoorCore

/// The clock tests inject: it moves only when slept on, its wall clock with it, and it honours cancellation.
@Suite("Clock that does not wait")
struct MoorClockTests {
    @Test("sleeping moves monotonic and wall-clock time to the deadline at once; never backwards")
    func sleepingMovesTime() async throws {
        let start = ContinuousClock.now
        let clock = MoorClock.immediate(startingAt: start, wallClock: Date(timeIntervalSince1970: 1_000))
        #expect(clock.now == start)
        try await clock.sleep(for: .seconds(300))
        #expect(clock.now == start + .seconds(300))
        #expect(clock.date == Date(timeIntervalSince1970: 1_300))
        try await clock.sleep(until: start + .seconds(10))
        #expect(clock.now == start + .seconds(300), "an earlier deadline does not move time back")
    }

    @Test("a cancelled sleeper throws and time stays")
    func cancellation() async {
        let clock = MoorClock.immediate()
        let start = clock.now
        let task = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            try await clock.sleep(for: .seconds(60))
        }
        await #expect(throws: CancellationError.self) { try await task.value }
        #expect(clock.now == start)
    }

    @Test("the system clock reads real time")
    func system() async throws {
        let before = ContinuousClock.now
        try await MoorClock.system.sleep(for: .milliseconds(5))
        #expect(MoorClock.system.now - before >= .milliseconds(5))
        #expect(abs(MoorClock.system.date.timeIntervalSinceNow) < 60)
    }
}
