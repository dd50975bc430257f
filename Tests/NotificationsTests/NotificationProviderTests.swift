import MoorCore
import Notifications
import Testing

@Suite("Provider and Alert resources")
struct NotificationProviderTests {
    @Test("a Provider reads Flux's fields")
    func provider() throws {
        let provider = try NotificationProvider(
            manifest: manifest(
                """
                apiVersion: moor.dev/v1alpha1
                kind: Provider
                metadata: {name: slack, namespace: moor}
                spec:
                  type: slack
                  channel: deploys
                  username: moor
                  secretRef: {name: slack-url}
                  suspend: true
                """))
        #expect(
            provider
                == NotificationProvider(
                    name: "slack", namespace: "moor", type: .slack, secretName: "slack-url", channel: "deploys",
                    username: "moor", suspend: true))
    }

    @Test(
        "a Provider that cannot be used says what to change",
        arguments: [
            ("{type: pager}", "spec.type \"pager\" is not known"),
            ("{address: 'https://x'}", "spec.type is missing"),
            ("{type: generic}", "spec.address is missing"),
            ("{type: github}", "spec.secretRef is missing"),
            ("{type: generic-hmac, address: 'https://x'}", "spec.secretRef is missing"),
        ])
    func brokenProvider(spec: String, complaint: String) throws {
        let refusal = try Self.refusal("Provider", spec: spec) { _ = try NotificationProvider(manifest: $0) }
        #expect(refusal?.hasPrefix("Provider x: ") == true)
        #expect(refusal?.contains(complaint) == true, "\(refusal ?? "no error")")
    }

    /// Why reading (with `read`) a `kind` named `x` with `spec` fails; `nil` when it does not.
    static func refusal(_ kind: String, spec: String, _ read: (JSONValue) throws -> Void) throws -> String? {
        let parsed = try manifest("apiVersion: moor.dev/v1alpha1\nkind: \(kind)\nmetadata: {name: x}\nspec: \(spec)\n")
        do {
            try read(parsed)
            return nil
        } catch {
            return "\(error)"
        }
    }

    @Test("an Alert reads Flux's fields and Moor's event kinds")
    func alert() throws {
        let alert = try NotificationAlert(
            manifest: manifest(
                """
                apiVersion: moor.dev/v1alpha1
                kind: Alert
                metadata: {name: failures, namespace: moor}
                spec:
                  providerRef: {name: slack}
                  eventSeverity: error
                  eventSources:
                    - {kind: Application, name: "shop-*", matchLabels: {team: web}}
                  events: [SyncFailed, HealthDegraded]
                  inclusionList: ["image"]
                  exclusionList: ["^dry run"]
                """))
        #expect(
            alert
                == NotificationAlert(
                    name: "failures", namespace: "moor", providerName: "slack", eventSeverity: .error,
                    eventSources: [.init(name: "shop-*", matchLabels: ["team": "web"])],
                    events: [.syncFailed, .healthDegraded], inclusionList: ["image"], exclusionList: ["^dry run"]))
    }

    @Test(
        "an Alert that cannot be used says what to change",
        arguments: [
            ("{eventSources: [{kind: Application}]}", "spec.providerRef.name is missing"),
            ("{providerRef: {name: p}}", "spec.eventSources is empty"),
            ("{providerRef: {name: p}, eventSources: [{kind: Kustomization}]}", "kind must be Application"),
            ("{providerRef: {name: p}, eventSources: [{kind: Application, name: '[a'}]}", "not a valid glob"),
            (
                "{providerRef: {name: p}, eventSeverity: warn, eventSources: [{kind: Application}]}",
                "eventSeverity \"warn\" is not known"
            ),
            ("{providerRef: {name: p}, events: [Synced], eventSources: [{kind: Application}]}", "spec.events[0]"),
            (
                "{providerRef: {name: p}, inclusionList: ['(a'], eventSources: [{kind: Application}]}",
                "spec.inclusionList[0] is not a regular expression"
            ),
        ])
    func brokenAlert(spec: String, complaint: String) throws {
        let refusal = try Self.refusal("Alert", spec: spec) { _ = try NotificationAlert(manifest: $0) }
        #expect(refusal?.hasPrefix("Alert x: ") == true)
        #expect(refusal?.contains(complaint) == true, "\(refusal ?? "no error")")
    }

    @Test("another kind or API version is refused")
    func wrongKind() throws {
        #expect(throws: NotificationConfigurationError.self) {
            try NotificationProvider(
                manifest: manifest("apiVersion: notification.toolkit.fluxcd.io/v1beta3\nkind: Provider\n"))
        }
    }
}
