import MoorCore
import Testing

@testable import Controller

/// The work queue's rules, driven with explicit times: nothing sleeps.
@Suite("Work queue")
struct WorkQueueTests {
    let start = ContinuousClock.now
    let backoff = Backoff(base: .seconds(1), factor: 2, cap: .seconds(5))

    /// Every key `queue` hands out at `now`, in order.
    static func drain(_ queue: inout WorkQueue, now: ContinuousClock.Instant) -> [String] {
        var keys: [String] = []
        while let key = queue.next(now: now) { keys.append(key) }
        return keys
    }

    /// Hands out `key` and fails it at `now`.
    static func fail(_ key: String, in queue: inout WorkQueue, now: ContinuousClock.Instant) {
        #expect(drain(&queue, now: now) == [key])
        queue.done(key, succeeded: false, now: now)
    }

    @Test("a key already queued is not queued twice")
    func deduplicates() {
        var queue = WorkQueue(backoff: backoff)
        let added = [queue.add("a"), queue.add("a"), queue.add("b")]
        #expect(added == [true, false, true])
        #expect(queue.queued == ["a", "b"])
        #expect(Self.drain(&queue, now: start) == ["a", "b"])
    }

    @Test("a key being processed is not handed out again; re-added, it runs once more after it is done")
    func oneAtATime() {
        var queue = WorkQueue(backoff: backoff)
        queue.add("a")
        #expect(Self.drain(&queue, now: start) == ["a"])
        let added = [queue.add("a"), queue.add("a")]
        #expect(added == [true, false], "a second add while processing changes nothing")
        #expect(Self.drain(&queue, now: start).isEmpty)
        #expect(queue.inProgress == ["a"])
        queue.done("a", succeeded: true, now: start)
        #expect(Self.drain(&queue, now: start) == ["a"])
        queue.done("a", succeeded: true, now: start)
        #expect(Self.drain(&queue, now: start).isEmpty, "queued again only once")
    }

    @Test("other keys are handed out while one is processed")
    func otherKeysProceed() {
        var queue = WorkQueue(backoff: backoff)
        queue.add("a")
        #expect(Self.drain(&queue, now: start) == ["a"])
        queue.add("b")
        #expect(Self.drain(&queue, now: start) == ["b"])
        #expect(queue.inProgress == ["a", "b"])
    }

    @Test("a failure requeues the key after a backoff that grows and is capped")
    func backoffGrows() throws {
        var queue = WorkQueue(backoff: backoff)
        queue.add("a")
        var now = start
        var waits: [Duration] = []
        for _ in 0..<5 {
            Self.fail("a", in: &queue, now: now)
            let ready = try #require(queue.nextWakeUp)
            waits.append(ready - now)
            #expect(Self.drain(&queue, now: ready - .milliseconds(1)).isEmpty, "not before the backoff is over")
            now = ready
        }
        #expect(waits == [.seconds(1), .seconds(2), .seconds(4), .seconds(5), .seconds(5)])
        #expect(queue.failureCount(of: "a") == 5)
    }

    @Test("adding a key that backs off does not shorten its wait")
    func addDoesNotBypassBackoff() {
        var queue = WorkQueue(backoff: backoff)
        queue.add("a")
        Self.fail("a", in: &queue, now: start)
        let added = queue.add("a")
        #expect(!added, "it is already queued for its retry")
        #expect(Self.drain(&queue, now: start + .milliseconds(500)).isEmpty)
        #expect(Self.drain(&queue, now: start + .seconds(1)) == ["a"])
    }

    @Test("a key backing off does not hold up the keys behind it")
    func readyKeysPassBackingOffOnes() {
        var queue = WorkQueue(backoff: backoff)
        queue.add("a")
        Self.fail("a", in: &queue, now: start)
        queue.add("b")
        #expect(Self.drain(&queue, now: start) == ["b"])
    }

    @Test("a success resets the failure count")
    func successResets() {
        var queue = WorkQueue(backoff: backoff)
        queue.add("a")
        Self.fail("a", in: &queue, now: start)
        Self.fail("a", in: &queue, now: start + .seconds(1))
        #expect(queue.failureCount(of: "a") == 2)
        #expect(Self.drain(&queue, now: start + .seconds(3)) == ["a"])
        queue.done("a", succeeded: true, now: start + .seconds(3))
        #expect(queue.failureCount(of: "a") == 0)
        #expect(queue.nextWakeUp == nil)
        queue.add("a")
        #expect(Self.drain(&queue, now: start + .seconds(3)) == ["a"], "no wait after a success")
    }

    @Test("a forgotten key leaves the queue and is not requeued when its processing ends")
    func forget() {
        var queue = WorkQueue(backoff: backoff)
        queue.add("a")
        queue.add("b")
        queue.forget("b")
        #expect(Self.drain(&queue, now: start) == ["a"])
        queue.add("a")
        queue.forget("a")
        queue.done("a", succeeded: false, now: start)
        #expect(queue.queued.isEmpty)
        #expect(queue.inProgress.isEmpty)
        #expect(queue.failureCount(of: "a") == 0)
        #expect(queue.nextWakeUp == nil)
    }

    @Test(
        "backoff delays",
        arguments: [
            (0, Duration.zero), (1, .seconds(1)), (2, .seconds(2)), (3, .seconds(4)), (4, .seconds(5)),
            (60, .seconds(5)),
        ]
    )
    func delays(failures: Int, expected: Duration) {
        #expect(backoff.delay(afterFailures: failures) == expected)
    }

    @Test("a claimed key is processing: not handed out, and a queued trigger for it runs after it is done")
    func claim() {
        var queue = WorkQueue(backoff: backoff)
        queue.add("a")
        let claims = [queue.claim("a"), queue.claim("a")]
        #expect(claims == [true, false], "claimed once at a time")
        #expect(Self.drain(&queue, now: start).isEmpty)
        queue.done("a", succeeded: true, now: start)
        #expect(Self.drain(&queue, now: start) == ["a"], "the trigger queued before the claim is kept")
        let handedOut = queue.claim("a")
        #expect(!handedOut, "a key handed out cannot be claimed")
    }

    @Test("a backoff given with a failure replaces the queue's own")
    func backoffPerKey() {
        var queue = WorkQueue(backoff: backoff)
        queue.add("a")
        #expect(Self.drain(&queue, now: start) == ["a"])
        let long = Backoff(base: .seconds(30), factor: 2, cap: .seconds(60))
        queue.done("a", succeeded: false, now: start, backoff: long)
        #expect(Self.drain(&queue, now: start + .seconds(29)).isEmpty)
        #expect(queue.nextWakeUp == start + .seconds(30))
        #expect(Self.drain(&queue, now: start + .seconds(30)) == ["a"])
    }

    @Test("an application's syncPolicy.retry converts to a backoff")
    func backoffFromRetry() {
        let retry = Backoff(SyncRetry(limit: 3, durationSeconds: 0.5, factor: 3, maxDurationSeconds: 10))
        #expect(retry == Backoff(base: .milliseconds(500), factor: 3, cap: .seconds(10)))
    }
}
