import Testing

@testable import KubeClient

@Suite("Watch stream parts")
struct WatchPartsTests {
    @Test("lines split across chunks come out whole; empty lines are dropped")
    func lineSplitter() {
        var splitter = LineSplitter()
        #expect(splitter.append(Array("{\"a\":".utf8)) == [])
        #expect(splitter.append(Array("1}\n{\"b\"".utf8)) == [Array("{\"a\":1}".utf8)])
        #expect(splitter.pendingBytes == 4)
        #expect(
            splitter.append(Array(":2}\n\n{\"c\":3}\n".utf8)) == [Array("{\"b\":2}".utf8), Array("{\"c\":3}".utf8)])
        #expect(splitter.pendingBytes == 0)
    }

    @Test("a line longer than the limit is refused")
    func lineLimit() {
        var splitter = LineSplitter(maxLineBytes: 8)
        #expect(splitter.append(Array("0123456789".utf8)) == nil)
    }

    @Test("list, then watch from the list's version, resume from the newest event, relist after 410")
    func listWatchStateMachine() {
        var machine = ListWatchStateMachine()
        #expect(machine.nextAction == .list)
        machine.listed(resourceVersion: "10")
        #expect(machine.nextAction == .watch(resourceVersion: "10"))
        machine.observed(resourceVersion: "12")
        machine.observed(resourceVersion: nil)
        #expect(machine.nextAction == .watch(resourceVersion: "12"))
        #expect(machine.failed() == 1)
        #expect(machine.failed() == 2)
        #expect(machine.nextAction == .watch(resourceVersion: "12"))
        machine.observed(resourceVersion: "13")
        #expect(machine.consecutiveFailures == 0)
        machine.gone()
        #expect(machine.nextAction == .list)
        machine.listed(resourceVersion: "40")
        #expect(machine.nextAction == .watch(resourceVersion: "40"))
    }

    @Test("backoff doubles up to the cap and honours Retry-After")
    func retryDelays() {
        let policy = RetryPolicy(maxAttempts: 10, initialDelay: .milliseconds(100), maxDelay: .seconds(1))
        for attempt in 1...8 {
            let delay = policy.delay(afterAttempt: attempt, retryAfterSeconds: nil)
            let full = min(Duration.milliseconds(100) * (1 << (attempt - 1)), .seconds(1))
            #expect(delay >= full / 2 && delay <= full)
        }
        #expect(policy.delay(afterAttempt: 1, retryAfterSeconds: 3) == .seconds(1))
        #expect(RetryPolicy(maxDelay: .seconds(60)).delay(afterAttempt: 1, retryAfterSeconds: 3) == .seconds(3))
    }

    @Test("API Status bodies become typed errors with causes and conflicting managers")
    func statusErrors() {
        let conflict = KubeAPIError.from(
            status: 409,
            body: Array(
                """
                {"kind":"Status","status":"Failure","message":"Apply failed with 1 conflict: conflict with \\"kubectl-edit\\" using v1: .data.k","reason":"Conflict",
                 "details":{"causes":[{"reason":"FieldManagerConflict","message":"conflict with \\"kubectl-edit\\" using v1","field":".data.k"}]},"code":409}
                """.utf8), object: nil, retryAfter: nil)
        #expect(conflict.code == .conflict)
        #expect(conflict.conflictingManagers == ["kubectl-edit"])
        #expect(conflict.conflictsOnlyWithUpdates)
        #expect(conflict.description.contains("kubectl-edit"))
        let applied = KubeAPIError.from(
            status: 409,
            body: Array(
                """
                {"kind":"Status","reason":"Conflict","message":"Apply failed","details":{"causes":[
                 {"reason":"FieldManagerConflict","message":"conflict with \\"ops\\"","field":".data.a"},
                 {"reason":"FieldManagerConflict","message":"conflict with \\"kubectl-patch\\" using v1","field":".data.b"}]}}
                """.utf8), object: nil, retryAfter: nil)
        #expect(applied.conflictingManagers == ["ops", "kubectl-patch"])
        #expect(!applied.conflictsOnlyWithUpdates)
        let gone = KubeAPIError.from(
            status: 410, body: Array("{\"kind\":\"Status\",\"reason\":\"Expired\",\"message\":\"too old\"}".utf8),
            object: nil, retryAfter: nil)
        #expect(gone.code == .gone)
        let throttled = KubeAPIError.from(status: 429, body: Array("slow down".utf8), object: nil, retryAfter: 2)
        #expect(throttled.code == .tooManyRequests && throttled.isTransient && throttled.retryAfterSeconds == 2)
        #expect(throttled.message.contains("slow down"))
        #expect(!KubeAPIError.from(status: 404, body: [], object: nil, retryAfter: nil).isTransient)
    }
}
