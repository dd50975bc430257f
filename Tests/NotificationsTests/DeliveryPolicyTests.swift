import Notifications
import Testing

@Suite("Retries, de-duplication and rate limits")
struct DeliveryPolicyTests {
    @Test("retries wait 1 s, 2 s, 4 s, … up to the maximum, for as many tries as allowed")
    func retries() {
        let policy = DeliveryPolicy(attempts: 6, firstDelay: .seconds(1), factor: 2, maximumDelay: .seconds(5))
        #expect(
            (1...6).map { policy.retryDelay(afterFailedTries: $0) } == [
                .seconds(1), .seconds(2), .seconds(4), .seconds(5), .seconds(5), nil,
            ])
        #expect(DeliveryPolicy(attempts: 1).retryDelay(afterFailedTries: 1) == nil)
    }

    @Test("the same kind, application and revision is admitted once per window")
    func deduplication() {
        let start = ContinuousClock.now
        var window = DeduplicationWindow(window: .seconds(60))
        let failed = event(.syncFailed).deduplicationKey
        var newer = event(.syncFailed)
        newer.revision = String(repeating: "f", count: 40)
        let admitted = [
            (failed, start), (failed, start + .seconds(59)),
            (event(.syncStarted).deduplicationKey, start + .seconds(1)),
            (event(.syncFailed, application: "other").deduplicationKey, start + .seconds(1)),
            (newer.deduplicationKey, start + .seconds(1)), (failed, start + .seconds(60)),
        ].map { key, now in window.admit(key, now: now) }
        #expect(admitted == [true, false, true, true, true, true])
    }

    @Test("a provider gets a burst at once, then one request per interval; providers are limited apart")
    func rateLimit() {
        let start = ContinuousClock.now
        let later = start + .seconds(60)
        var limit = DeliveryRateLimit(burst: 2, ratePerSecond: 2)
        let allowed = [
            ("a", start), ("a", start), ("a", start), ("a", start), ("b", start), ("b", later), ("b", later),
            ("b", later),
        ].map { provider, now in limit.reserve(provider, now: now) }
        // After a quiet spell the bucket is full again, never fuller.
        #expect(
            allowed == [
                start, start, start + .milliseconds(500), start + .milliseconds(1000), start, later, later,
                later + .milliseconds(500),
            ])
    }
}
