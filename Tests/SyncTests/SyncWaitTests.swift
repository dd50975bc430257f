import Foundation
import MoorCore
import Testing

@testable import Sync

/// How a sync reports a wait: at the first poll still waiting, then once per interval.
@Suite("Sync waits")
struct SyncWaitTests {
    @Test(
        "the first poll reports; later ones only once the interval has passed",
        arguments: [
            (Duration.zero, 3), (Duration.seconds(3600), 1),
        ])
    func reports(interval: Duration, expected: Int) {
        let recorder = EventRecorder()
        var wait = Wait(timeout: .seconds(300), interval: interval, clock: .system)
        for _ in 0..<3 { wait.report("hook Job prod/migrate", to: recorder.record) }
        #expect(recorder.waits().count == expected)
        #expect(recorder.waits().allSatisfy { $0.what == "hook Job prod/migrate" && $0.timeout == .seconds(300) })
        #expect(!wait.expired)
        #expect(Wait(timeout: .zero, interval: interval, clock: .system).expired)
    }

    @Test("durations read as whole seconds")
    func seconds() {
        #expect(Wait.seconds(.seconds(300)) == "300 s")
        #expect(Wait.seconds(.milliseconds(1500)) == "1 s")
    }
}
