import Controller
import Foundation
import KubeClient
import MoorCore
import MoorTestSupport
import MoorYAML
import Notifications
import Testing

@Suite("Notifications from a running controller")
struct NotificationControllerTests {
    /// Installs the Provider and Alert CRDs and waits until the controller's client can use both kinds.
    static func installDefinitions(_ harness: ControllerHarness) async throws {
        for crd in [NotificationProvider.customResourceDefinition, NotificationAlert.customResourceDefinition] {
            _ = try await harness.other.apply(crd, fieldManager: "moor")
        }
        for kind in [NotificationProvider.kind, NotificationAlert.kind] {
            try await harness.eventually("the \(kind) kind is served") {
                (try? await harness.client.resource(apiVersion: Application.apiVersion, kind: kind)) != nil
            }
        }
    }

    @Test("a failing sync is delivered as SyncFailed to a webhook and as a failed commit status to a GitHub API")
    func failedSync() async throws {
        let webhook = try await HTTPReceiver.start()
        let github = try await HTTPReceiver.start()
        let options = NotificationOptions(
            source: .cluster(refresh: .zero), externalURL: "https://moor.example.com",
            policy: DeliveryPolicy(firstDelay: .milliseconds(50)))
        do {
            try await Self.checkFailedSync(options, webhook: webhook, github: github)
        } catch {
            await webhook.stop()
            await github.stop()
            throw error
        }
        await webhook.stop()
        await github.stop()
    }

    /// The body of ``failedSync()``.
    static func checkFailedSync(_ options: NotificationOptions, webhook: HTTPReceiver, github: HTTPReceiver)
        async throws
    {
        try await ControllerHarness.run(notifications: options) { harness in
            try await Self.installDefinitions(harness)
            let namespace = harness.namespace
            for resource in [
                """
                apiVersion: v1
                kind: Secret
                metadata: {name: github-token, namespace: \(namespace)}
                stringData: {token: ghp_integration}
                """,
                """
                apiVersion: moor.dev/v1alpha1
                kind: Provider
                metadata: {name: hook, namespace: \(namespace)}
                spec: {type: generic, address: "\(webhook.url)/moor"}
                """,
                """
                apiVersion: moor.dev/v1alpha1
                kind: Provider
                metadata: {name: github, namespace: \(namespace)}
                spec: {type: github, address: "\(github.url)", secretRef: {name: github-token}}
                """,
                """
                apiVersion: moor.dev/v1alpha1
                kind: Alert
                metadata: {name: failures, namespace: \(namespace)}
                spec:
                  providerRef: {name: hook}
                  eventSeverity: error
                  events: [SyncFailed]
                  eventSources: [{kind: Application, name: "failing-*"}]
                """,
                """
                apiVersion: moor.dev/v1alpha1
                kind: Alert
                metadata: {name: statuses, namespace: \(namespace)}
                spec:
                  providerRef: {name: github}
                  eventSources: [{kind: Application, name: "*"}]
                """,
            ] {
                _ = try await harness.other.create(try YAMLReader.value(resource))
            }
            let invalid = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {\"not a key!\": x}\n"
            let sha = try await harness.repository.commit("Break the ConfigMap", files: ["app/a.yaml": invalid])
            let name = "failing-\(namespace)"
            try await harness.controller.manage([
                harness.application(name, automated: AutomatedSync(prune: false, selfHeal: false))
            ])
            let delivered = try await webhook.requests(atLeast: 1)
            let event = try JSONValue(parsing: try #require(delivered.first).body)
            #expect(event["reason"] == "SyncFailed")
            #expect(event["severity"] == "error")
            #expect(event[path: "involvedObject", "name"] == .string(name))
            #expect(event[path: "metadata", "revision"] == .string(sha))
            #expect(event[path: "metadata", "commitSubject"] == "Break the ConfigMap")
            #expect(event[path: "metadata", "url"] == .string("https://moor.example.com/#/applications/\(name)"))
            #expect(delivered.count == 1, "only SyncFailed passes the Alert")

            let statuses = try await github.requests(atLeast: 2)
            #expect(statuses.allSatisfy { $0.path.hasPrefix("/repos/") && $0.path.hasSuffix("/repo/statuses/\(sha)") })
            #expect(statuses.allSatisfy { $0.headers["authorization"] == "Bearer ghp_integration" })
            let states = try statuses.map { try JSONValue(parsing: $0.body) }
            #expect(states.prefix(2).map { $0["state"] } == ["pending", "failure"])
            #expect(states.allSatisfy { $0["context"] == .string(name) })
        }
    }

    @Test(
        "drift healed by self-heal is delivered as DriftDetected then DriftHealed; the heal's own sync is not sent again"
    )
    func driftHealed() async throws {
        let receiver = try await HTTPReceiver.start()
        let settings = NotificationSettings(
            providers: [NotificationProvider(name: "hook", type: .generic, address: receiver.url)],
            alerts: [NotificationAlert(name: "all", providerName: "hook", eventSources: [.init()])], secrets: [:])
        do {
            try await ControllerHarness.run(
                pollInterval: .seconds(600), notifications: NotificationOptions(source: .settings(settings))
            ) { harness in
                try await harness.repository.commit(
                    "first", files: ["app/a.yaml": ControllerHarness.configMap("a", "git")])
                try await harness.controller.manage([
                    harness.application("heal", automated: AutomatedSync(selfHeal: true))
                ])
                try await harness.eventually("the commit is applied") { try await harness.value(of: "a") == "git" }
                _ = try await receiver.requests(atLeast: 2)
                try await harness.edit("a", to: "by hand")
                let reasons = try await receiver.requests(atLeast: 4).map {
                    try JSONValue(parsing: $0.body)["reason"]?.stringValue
                }
                #expect(reasons == ["SyncStarted", "SyncSucceeded", "DriftDetected", "DriftHealed"])
            }
        } catch {
            await receiver.stop()
            throw error
        }
        await receiver.stop()
    }
}
