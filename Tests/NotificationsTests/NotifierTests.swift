import MoorCore
import MoorTestSupport
import Notifications
import Testing

@Suite("Delivering to receivers on loopback")
struct NotifierTests {
    /// A notifier sending every event to `providers` through an Alert each, each try taking up to `timeout`, on
    /// a clock whose waits end at once (backoff and rate limits cost no time).
    static func notifier(
        _ providers: [NotificationProvider], secrets: [String: [String: String]] = [:], timeout: Duration = .seconds(30)
    ) -> Notifier {
        let settings = NotificationSettings(
            providers: providers,
            alerts: providers.map {
                NotificationAlert(name: $0.name, providerName: $0.name, eventSources: [.init()])
            }, secrets: secrets)
        return Notifier(
            settings: { settings }, policy: DeliveryPolicy(attempts: 3, timeout: timeout),
            clock: .immediate())
    }

    /// Runs `body` with a started receiver answering `script` and a started notifier for a `type` provider
    /// at the receiver (token `token`), then stops both.
    static func delivering(
        _ type: NotificationProvider.ProviderType, token: String = "", answering script: [Int] = [],
        _ body: (Notifier, HTTPReceiver) async throws -> Void
    ) async throws {
        let receiver = try await HTTPReceiver.start(answering: script)
        let provider = NotificationProvider(
            name: "p", type: type, address: receiver.url + "/hook", secretName: token.isEmpty ? "" : "s")
        let notifier = notifier([provider], secrets: ["s": ["token": token]])
        await notifier.start()
        do {
            try await body(notifier, receiver)
        } catch {
            await notifier.stop()
            await receiver.stop()
            throw error
        }
        await notifier.stop()
        await receiver.stop()
    }

    @Test("a generic webhook receives the event as JSON")
    func generic() async throws {
        try await Self.delivering(.generic) { notifier, receiver in
            notifier.notify(event(.syncFailed))
            let requests = try await receiver.requests(atLeast: 1)
            #expect(requests.map(\.method) == ["POST"])
            #expect(requests.first?.path == "/hook")
            #expect(requests.first?.headers["content-type"] == "application/json")
            let body = try JSONValue(parsing: try #require(requests.first).body)
            #expect(body["reason"] == "SyncFailed")
            #expect(body[path: "involvedObject", "name"] == "shop")
            #expect(body[path: "metadata", "revision"] == .string(commitSHA))
        }
    }

    @Test("a generic-hmac webhook receives a body whose X-Signature openssl confirms")
    func signed() async throws {
        try await Self.delivering(.genericHMAC, token: "k3y") { notifier, receiver in
            notifier.notify(event(.syncSucceeded))
            let request = try #require(try await receiver.requests(atLeast: 1).first)
            #expect(request.headers["x-signature"] == "sha256=" + (try opensslHMAC(request.body, key: "k3y")))
        }
    }

    @Test("a receiver answering 500 twice gets the event on the third try")
    func retried() async throws {
        try await Self.delivering(.slack, answering: [500, 503]) { notifier, receiver in
            notifier.notify(event(.syncFailed))
            let requests = try await receiver.requests(atLeast: 3)
            #expect(requests.map(\.status) == [500, 503, 200])
            #expect(Set(requests.map(\.body)).count == 1, "every try sends the same message")
            let statistics = try await Self.settled(notifier)
            #expect(statistics.delivered == [.slack: 1])
            #expect(statistics.retried == [.slack: 2])
            #expect(statistics.failed.isEmpty)
        }
    }

    @Test("a delivery failing every try, or answered 4xx, is counted as failed; the next event still goes out")
    func failures() async throws {
        try await Self.delivering(.generic, answering: [500, 500, 500, 404]) { notifier, receiver in
            notifier.notify(event(.syncFailed))
            notifier.notify(event(.syncStarted))
            notifier.notify(event(.syncSucceeded))
            let requests = try await receiver.requests(atLeast: 5)
            #expect(requests.map(\.status) == [500, 500, 500, 404, 200])
            let statistics = try await Self.settled(notifier)
            #expect(statistics.failed == [.generic: 2])
            #expect(statistics.delivered == [.generic: 1])
        }
    }

    @Test("the same event for the same application and revision is delivered once, in order with the others")
    func deduplicated() async throws {
        try await Self.delivering(.generic) { notifier, receiver in
            for kind in [NotificationEventKind.syncStarted, .syncFailed, .syncStarted, .syncFailed, .syncSucceeded] {
                notifier.notify(event(kind))
            }
            let statistics = try await Self.settled(notifier, events: 5)
            #expect(statistics.deduplicated == 2)
            let reasons = try await receiver.requests(atLeast: 3).map {
                try JSONValue(parsing: $0.body)["reason"]?.stringValue
            }
            #expect(reasons == ["SyncStarted", "SyncFailed", "SyncSucceeded"])
        }
    }

    @Test("a commit status reaches a fake GitHub API with the token, and failure as state")
    func commitStatus() async throws {
        try await Self.delivering(.github, token: "ghp_test") { notifier, receiver in
            var failed = event(.syncFailed)
            failed.url = nil
            notifier.notify(failed)
            let request = try #require(try await receiver.requests(atLeast: 1).first)
            #expect(request.path == "/hook/repos/acme/deploy/statuses/\(commitSHA)")
            #expect(request.headers["authorization"] == "Bearer ghp_test")
            let body = try JSONValue(parsing: request.body)
            #expect(body["state"] == "failure")
            #expect(body["context"] == "shop")
        }
    }

    @Test("an unreachable receiver is a counted failure, never a crash")
    func unreachable() async throws {
        let receiver = try await HTTPReceiver.start()
        let address = receiver.url
        await receiver.stop()
        // The client tries to connect until a try's time is up: a short one keeps the test short.
        let notifier = Self.notifier(
            [NotificationProvider(name: "gone", type: .generic, address: address)], timeout: .milliseconds(500))
        await notifier.start()
        notifier.notify(event(.syncFailed))
        let statistics = try await Self.settled(notifier)
        await notifier.stop()
        #expect(statistics.failed == [.generic: 1])
        #expect(statistics.retried == [.generic: 2])
    }

    /// The notifier's statistics once it has taken `events` events and finished every delivery (delivered or
    /// failed for good).
    static func settled(_ notifier: Notifier, events: Int = 1) async throws -> Notifier.Statistics {
        _ = try await Patience.waitUntil(every: .milliseconds(10)) {
            let statistics = await notifier.statistics()
            let finished = statistics.delivered.values.reduce(0, +) + statistics.failed.values.reduce(0, +)
            return statistics.events >= events && finished + statistics.deduplicated >= statistics.events
        }
        return await notifier.statistics()
    }
}
