import MoorCore
import Notifications
import Testing

@Suite("Matching events to providers")
struct NotificationSettingsTests {
    static let file = """
        apiVersion: moor.dev/v1alpha1
        kind: Provider
        metadata: {name: hook, namespace: moor}
        spec: {type: generic-hmac, address: "https://hooks.example.com/moor", secretRef: {name: hook-key}}
        ---
        apiVersion: v1
        kind: Secret
        metadata: {name: hook-key, namespace: moor}
        data: {token: c2VjcmV0}
        ---
        apiVersion: moor.dev/v1alpha1
        kind: Provider
        metadata: {name: chat, namespace: moor}
        spec: {type: slack, secretRef: {name: chat-url}}
        ---
        apiVersion: v1
        kind: Secret
        metadata: {name: chat-url, namespace: moor}
        stringData: {address: "https://hooks.slack.com/services/T/B/X"}
        ---
        apiVersion: moor.dev/v1alpha1
        kind: Alert
        metadata: {name: everything, namespace: moor}
        spec:
          providerRef: {name: hook}
          eventSources: [{kind: Application, name: "*"}]
        ---
        apiVersion: moor.dev/v1alpha1
        kind: Alert
        metadata: {name: web-failures, namespace: moor}
        spec:
          providerRef: {name: chat}
          eventSeverity: error
          eventSources: [{kind: Application, name: "shop*", matchLabels: {team: web}}]
          events: [SyncFailed, HealthDegraded, SyncStarted]
          exclusionList: ["timeout"]
        """

    @Test("a file's Providers read their Secrets' address and token")
    func secrets() throws {
        let settings = try NotificationSettings(manifests: manifests(Self.file))
        #expect(settings.providers["moor/hook"]?.token == "secret")
        #expect(settings.providers["moor/hook"]?.address == "https://hooks.example.com/moor")
        #expect(settings.providers["moor/chat"]?.address == "https://hooks.slack.com/services/T/B/X")
        #expect(settings.alerts.map(\.name) == ["everything", "web-failures"])
    }

    @Test(
        "an event goes to the providers of the Alerts that receive it",
        arguments: [
            (event(.syncSucceeded, labels: ["team": "web"]), ["hook"]),
            (event(.syncFailed, labels: ["team": "web"]), ["chat", "hook"]),
            (event(.syncFailed, labels: ["team": "data"]), ["hook"]),
            (event(.syncFailed, application: "billing", labels: ["team": "web"]), ["hook"]),
            (event(.syncFailed, labels: ["team": "web"], message: "timeout waiting"), ["hook"]),
            (event(.healthDegraded, application: "shop-eu", labels: ["team": "web"]), ["chat", "hook"]),
            (event(.driftDetected, labels: ["team": "web"]), ["hook"]),
            // SyncStarted is listed but is an info event, and the Alert takes errors only.
            (event(.syncStarted, labels: ["team": "web"]), ["hook"]),
            (event(.syncFailed, namespace: "other", labels: ["team": "web"]), []),
            // A preview carries the live cluster into a pull request: only an Alert that lists it gets it.
            (event(.previewed, labels: ["team": "web"]), []),
            (event(.previewFailed, labels: ["team": "web"]), []),
        ])
    func matching(event: NotificationEvent, providers: [String]) throws {
        let settings = try NotificationSettings(manifests: manifests(Self.file))
        #expect(settings.deliveries(for: event).map(\.provider.name) == providers)
    }

    @Test("preview events go only to Alerts that list them")
    func previewsListed() {
        let hook = NotificationProvider(name: "hook", type: .generic, address: "https://x")
        let all = [NotificationAlert.EventSource()]
        let settings = NotificationSettings(
            providers: [hook],
            alerts: [NotificationAlert(name: "a", providerName: "hook", eventSources: all, events: [.previewed])],
            secrets: [:])
        #expect(settings.deliveries(for: event(.previewed)).map(\.provider.name) == ["hook"])
        #expect(settings.deliveries(for: event(.previewFailed)).isEmpty, "not listed")
    }

    @Test("a suspended Alert or Provider sends nothing; two Alerts to one provider send once")
    func suspension() {
        let hook = NotificationProvider(name: "hook", type: .generic, address: "https://x")
        let all = [NotificationAlert.EventSource()]
        var settings = NotificationSettings(
            providers: [hook],
            alerts: [
                NotificationAlert(name: "a", providerName: "hook", eventSources: all),
                NotificationAlert(name: "b", providerName: "hook", eventSources: all),
            ], secrets: [:])
        #expect(settings.deliveries(for: event(.syncFailed)).count == 1)
        settings.alerts = settings.alerts.map { alert in
            var alert = alert
            alert.suspend = true
            return alert
        }
        #expect(settings.deliveries(for: event(.syncFailed)).isEmpty)
        settings = NotificationSettings(
            providers: [NotificationProvider(name: "hook", type: .generic, address: "https://x", suspend: true)],
            alerts: [NotificationAlert(name: "a", providerName: "hook", eventSources: all)], secrets: [:])
        #expect(settings.deliveries(for: event(.syncFailed)).isEmpty)
    }

    @Test("a provider without its Secret, address or token, and an Alert without its Provider, are left out")
    func problems() {
        let settings = NotificationSettings(
            providers: [
                NotificationProvider(name: "a", type: .slack, secretName: "missing"),
                NotificationProvider(name: "b", type: .github, secretName: "empty"),
                NotificationProvider(name: "c", type: .generic, secretName: "bad-url"),
            ],
            alerts: [NotificationAlert(name: "x", providerName: "nowhere", eventSources: [.init()])],
            secrets: ["empty": [:], "bad-url": ["address": "not a url"]])
        #expect(settings.providers.isEmpty)
        #expect(settings.alerts.isEmpty)
        #expect(
            settings.problems == [
                "Provider a: the Secret missing does not exist: create it, or fix spec.secretRef.name",
                "Provider b: its Secret empty has no token key: add one",
                "Provider c: no valid address: set spec.address or the address key of its Secret to a URL",
                "Alert x: the Provider nowhere does not exist: create it, or fix spec.providerRef.name",
            ])
    }

    @Test("a file with an unusable provider is refused at start")
    func fileProblem() throws {
        let yaml = """
            apiVersion: moor.dev/v1alpha1
            kind: Provider
            metadata: {name: gh}
            spec: {type: github, secretRef: {name: gh-token}}
            """
        #expect(
            throws: NotificationConfigurationError(
                "Provider gh: the Secret gh-token does not exist: create it, or fix spec.secretRef.name")
        ) {
            try NotificationSettings(manifests: manifests(yaml))
        }
    }
}
