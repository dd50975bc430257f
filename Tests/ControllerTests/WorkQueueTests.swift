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
        while let (key, _) = queue.next(now: now) { keys.append(key) }
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
        let added = [queue.add("a", .poll), queue.add("a", .poll), queue.add("b", .poll)]
        #expect(added == [true, false, true])
        #expect(queue.queued == ["a", "b"])
        #expect(Self.drain(&queue, now: start) == ["a", "b"])
    }

    @Test("a key being processed is not handed out again; re-added, it runs once more after it is done")
    func oneAtATime() {
        var queue = WorkQueue(backoff: backoff)
        queue.add("a", .poll)
        #expect(Self.drain(&queue, now: start) == ["a"])
        let added = [queue.add("a", .poll), queue.add("a", .poll)]
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
        queue.add("a", .poll)
        #expect(Self.drain(&queue, now: start) == ["a"])
        queue.add("b", .poll)
        #expect(Self.drain(&queue, now: start) == ["b"])
        #expect(queue.inProgress == ["a", "b"])
    }

    @Test("a failure requeues the key after a backoff that grows and is capped")
    func backoffGrows() throws {
        var queue = WorkQueue(backoff: backoff)
        queue.add("a", .poll)
        var now = start
        var waits: [Duration] = []
        for _ in 0..<5 {
            Self.fail("a", in: &queue, now: now)
            let ready = try #require(queue.nextWakeUp(after: now))
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
        queue.add("a", .poll)
        Self.fail("a", in: &queue, now: start)
        let added = queue.add("a", .poll)
        #expect(!added, "it is already queued for its retry")
        #expect(Self.drain(&queue, now: start + .milliseconds(500)).isEmpty)
        #expect(Self.drain(&queue, now: start + .seconds(1)) == ["a"])
    }

    @Test("a key backing off does not hold up the keys behind it")
    func readyKeysPassBackingOffOnes() {
        var queue = WorkQueue(backoff: backoff)
        queue.add("a", .poll)
        Self.fail("a", in: &queue, now: start)
        queue.add("b", .poll)
        #expect(Self.drain(&queue, now: start) == ["b"])
    }

    @Test("a success resets the failure count")
    func successResets() {
        var queue = WorkQueue(backoff: backoff)
        queue.add("a", .poll)
        Self.fail("a", in: &queue, now: start)
        Self.fail("a", in: &queue, now: start + .seconds(1))
        #expect(queue.failureCount(of: "a") == 2)
        #expect(Self.drain(&queue, now: start + .seconds(3)) == ["a"])
        queue.done("a", succeeded: true, now: start + .seconds(3))
        #expect(queue.failureCount(of: "a") == 0)
        #expect(queue.nextWakeUp(after: start) == nil)
        queue.add("a", .poll)
        #expect(Self.drain(&queue, now: start + .seconds(3)) == ["a"], "no wait after a success")
    }

    @Test("a forgotten key leaves the queue and is not requeued when its processing ends")
    func forget() {
        var queue = WorkQueue(backoff: backoff)
        queue.add("a", .poll)
        queue.add("b", .poll)
        queue.forget("b")
        #expect(Self.drain(&queue, now: start) == ["a"])
        queue.add("a", .poll)
        queue.forget("a")
        queue.done("a", succeeded: false, now: start)
        #expect(queue.queued.isEmpty)
        #expect(queue.inProgress.isEmpty)
        #expect(queue.failureCount(of: "a") == 0)
        #expect(queue.nextWakeUp(after: start) == nil)
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
        queue.add("a", .poll)
        let claims = [queue.claim("a"), queue.claim("a")]
        #expect(claims == [true, false], "claimed once at a time")
        #expect(Self.drain(&queue, now: start).isEmpty)
        queue.done("a", succeeded: true, now: start)
        #expect(Self.drain(&queue, now: start) == ["a"], "the trigger queued before the claim is kept")
        let handedOut = queue.claim("a")
        #expect(!handedOut, "a key handed out cannot be claimed")
    }

    @Test("a reserved key is not handed out, however often it is queued, until every reservation ends")
    func reserved() {
        var queue = WorkQueue(backoff: backoff)
        queue.add("a", .poll)
        queue.add("b", .poll)
        queue.reserve("a")
        queue.reserve("a")
        #expect(Self.drain(&queue, now: start) == ["b"])
        queue.add("a", .drift)
        queue.unreserve("a")
        #expect(Self.drain(&queue, now: start) == [], "one reservation is left")
        let claimed = queue.claim("a")
        #expect(claimed, "the reserving operation still claims it")
        queue.done("a", succeeded: true, now: start)
        #expect(Self.drain(&queue, now: start) == [], "still reserved after the operation")
        queue.unreserve("a")
        #expect(Self.drain(&queue, now: start) == ["a"], "the drift queued meanwhile runs once free")
    }

    @Test("a backoff given with a failure replaces the queue's own")
    func backoffPerKey() {
        var queue = WorkQueue(backoff: backoff)
        queue.add("a", .poll)
        #expect(Self.drain(&queue, now: start) == ["a"])
        let long = Backoff(base: .seconds(30), factor: 2, cap: .seconds(60))
        queue.done("a", succeeded: false, now: start, backoff: long)
        #expect(Self.drain(&queue, now: start + .seconds(29)).isEmpty)
        #expect(queue.nextWakeUp(after: start) == start + .seconds(30))
        #expect(Self.drain(&queue, now: start + .seconds(30)) == ["a"])
    }

    @Test("an application's syncPolicy.retry converts to a backoff")
    func backoffFromRetry() {
        let retry = Backoff(SyncRetry(limit: 3, durationSeconds: 0.5, factor: 3, maxDurationSeconds: 10))
        #expect(retry == Backoff(base: .milliseconds(500), factor: 3, cap: .seconds(10)))
    }

    /// Every key and trigger `queue` hands out at `now`, in order.
    static func drainTriggers(_ queue: inout WorkQueue, now: ContinuousClock.Instant) -> [String] {
        var handedOut: [String] = []
        while let (key, trigger) = queue.next(now: now) { handedOut.append("\(key):\(trigger)") }
        return handedOut
    }

    @Test("drift, refresh and changed specs go before retries, retries before polls; first come first within each")
    func priorities() {
        var queue = WorkQueue(backoff: backoff)
        queue.add("p1", .poll)
        queue.add("r1", .retry)
        queue.add("d1", .drift)
        queue.add("p2", .poll)
        queue.add("f1", .refresh)
        queue.add("c1", .changed)
        #expect(queue.queued == ["d1", "f1", "c1", "r1", "p1", "p2"])
        #expect(
            Self.drainTriggers(&queue, now: start)
                == ["d1:drift", "f1:refresh", "c1:changed", "r1:retry", "p1:poll", "p2:poll"])
    }

    @Test("a poll for a key queued for drift collapses into it; a drift raises a queued poll ahead of the others")
    func collapsing() {
        var queue = WorkQueue(backoff: backoff)
        queue.add("a", .drift)
        let pollAdded = queue.add("a", .poll)
        #expect(!pollAdded, "the poll collapses into the queued drift")
        queue.add("b", .poll)
        queue.add("c", .poll)
        let raised = queue.add("c", .drift)
        #expect(raised)
        #expect(Self.drainTriggers(&queue, now: start) == ["a:drift", "c:drift", "b:poll"])
    }

    @Test(
        "a key keeps the strongest trigger it was queued for",
        arguments: [
            ([Trigger.poll, .drift, .refresh], Trigger.refresh), ([.refresh, .drift, .poll], .refresh),
            ([.drift, .changed], .changed), ([.retry, .poll], .retry), ([.poll, .retry, .drift], .drift),
        ])
    func strongestTrigger(added: [Trigger], expected: Trigger) {
        var queue = WorkQueue(backoff: backoff)
        for trigger in added { queue.add("a", trigger) }
        #expect(Self.drainTriggers(&queue, now: start) == ["a:\(expected)"])
    }

    @Test("triggers added while a key is processed collapse into the strongest, handed out after it is done")
    func strongestWhileProcessing() {
        var queue = WorkQueue(backoff: backoff)
        queue.add("a", .poll)
        #expect(Self.drain(&queue, now: start) == ["a"])
        let added = [queue.add("a", .poll), queue.add("a", .drift), queue.add("a", .poll)]
        #expect(added == [true, true, false])
        queue.add("b", .poll)
        #expect(Self.drainTriggers(&queue, now: start) == ["b:poll"], "a stays out while processing")
        queue.done("a", succeeded: true, now: start)
        #expect(Self.drainTriggers(&queue, now: start) == ["a:drift"])
    }

    @Test("a failed key is queued again as a retry, behind drift and ahead of polls once its backoff is over")
    func retryPriority() {
        var queue = WorkQueue(backoff: backoff)
        queue.add("a", .poll)
        Self.fail("a", in: &queue, now: start)
        queue.add("p", .poll)
        queue.add("d", .drift)
        #expect(queue.queued == ["d", "a", "p"])
        #expect(Self.drainTriggers(&queue, now: start + .seconds(1)) == ["d:drift", "a:retry", "p:poll"])
    }

    @Test("a drift for a key that backs off raises its priority but does not shorten its wait")
    func driftDuringBackoff() {
        var queue = WorkQueue(backoff: backoff)
        queue.add("a", .poll)
        Self.fail("a", in: &queue, now: start)
        let raised = queue.add("a", .drift)
        #expect(raised)
        queue.add("p", .poll)
        queue.add("q", .poll)
        #expect(queue.next(now: start + .milliseconds(500))?.key == "p", "a still backs off")
        #expect(Self.drainTriggers(&queue, now: start + .seconds(1)) == ["a:drift", "q:poll"])
    }

    @Test("with a minimum priority only urgent keys are handed out; the others keep their place")
    func minimumPriority() {
        var queue = WorkQueue(backoff: backoff)
        queue.add("p", .poll)
        queue.add("r", .retry)
        queue.add("d", .drift)
        #expect(queue.next(now: start, minimumPriority: Trigger.drift.priority)?.key == "d")
        #expect(queue.next(now: start, minimumPriority: Trigger.drift.priority) == nil)
        #expect(Self.drainTriggers(&queue, now: start) == ["r:retry", "p:poll"])
    }

    @Test("keys already ready need no wake-up; only a future end of a backoff does")
    func wakeUpOnlyForFutureKeys() {
        var queue = WorkQueue(backoff: backoff)
        queue.add("a", .poll)
        Self.fail("a", in: &queue, now: start)
        queue.add("b", .poll)
        #expect(queue.nextWakeUp(after: start) == start + .seconds(1))
        #expect(queue.nextWakeUp(after: start + .seconds(1)) == nil, "a is ready then: dispatch hands it out")
    }

    @Test("only refreshes and changed specs need the remote's refs as they are now")
    func freshListing() {
        #expect(Trigger.allCases.filter(\.needsFreshListing) == [.changed, .refresh])
    }
}
