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
        try await Self.withEveryEvent(pollInterval: .seconds(600)) { harness, receiver in
            try await harness.repository.commit("first", files: ["app/a.yaml": ControllerHarness.configMap("a", "git")])
            // Unique: the cache watches every namespace, and another test's objects of a "heal" would count.
            let name = "heal-\(harness.namespace)"
            try await harness.controller.manage([harness.application(name, automated: AutomatedSync(selfHeal: true))])
            try await harness.eventually("the commit is applied") { try await harness.value(of: "a") == "git" }
            // Delivery is at least once: a request answered too late on a loaded machine is sent again, with
            // the same body. Each event counts once, by its body (its timestamp included).
            func events() -> [[UInt8]] {
                var seen: Set<[UInt8]> = []
                return receiver.requests().map(\.body).filter { seen.insert($0).inserted }
            }
            try await harness.eventually("the sync's two events arrive") { events().count >= 2 }
            try await harness.edit("a", to: "by hand")
            try await harness.eventually("the drift's two events arrive") { events().count >= 4 }
            let reasons = try events().prefix(4).map { try JSONValue(parsing: $0)["reason"]?.stringValue }
            #expect(reasons == ["SyncStarted", "SyncSucceeded", "DriftDetected", "DriftHealed"])
        }
    }

    /// Runs `body` with a controller polling every `pollInterval` and sending every event to a generic webhook
    /// on loopback.
    static func withEveryEvent(
        pollInterval: Duration = .milliseconds(300), _ body: (ControllerHarness, HTTPReceiver) async throws -> Void
    ) async throws {
        let receiver = try await HTTPReceiver.start()
        let settings = NotificationSettings(
            providers: [NotificationProvider(name: "hook", type: .generic, address: receiver.url)],
            alerts: [NotificationAlert(name: "all", providerName: "hook", eventSources: [.init()])], secrets: [:])
        do {
            try await ControllerHarness.run(
                pollInterval: pollInterval, notifications: NotificationOptions(source: .settings(settings))
            ) { harness in try await body(harness, receiver) }
        } catch {
            await receiver.stop()
            throw error
        }
        await receiver.stop()
    }

    /// Waits until `receiver` got an event of `reason` for `revision`, and returns it.
    static func delivered(_ reason: String, revision: String, to receiver: HTTPReceiver, _ harness: ControllerHarness)
        async throws -> JSONValue
    {
        var found: JSONValue?
        try await harness.eventually("\(reason) for \(revision.prefix(12)) is delivered") {
            found = try receiver.requests().map { try JSONValue(parsing: $0.body) }.first {
                $0["reason"] == .string(reason) && $0[path: "metadata", "revision"] == .string(revision)
            }
            return found != nil
        }
        return try #require(found)
    }

    @Test("a refused prune, a manifest that does not parse and a rollback each reach a webhook with their revision")
    func refusalErrorAndRollback() async throws {
        try await Self.withEveryEvent { harness, receiver in
            let files = Dictionary(
                uniqueKeysWithValues: ["a", "b", "c", "d"].map {
                    ("app/\($0).yaml", ControllerHarness.configMap($0, "1"))
                })
            let first = try await harness.repository.commit("four", files: files)
            let name = "events-\(harness.namespace)"
            try await harness.controller.manage([harness.application(name, automated: AutomatedSync(prune: true))])
            _ = try await Self.delivered("SyncSucceeded", revision: first, to: receiver, harness)

            for removed in ["b", "c", "d"] {
                try FileManager.default.removeItem(atPath: harness.repository.path + "/app/\(removed).yaml")
            }
            let dropped = try await harness.repository.commit("drop three", files: [:])
            let refused = try await Self.delivered("PruneRefused", revision: dropped, to: receiver, harness)
            #expect(refused["severity"] == "error")
            #expect(refused["message"]?.stringValue?.contains("pruning 3 of 4 objects") == true, "\(refused)")
            #expect(refused[path: "metadata", "commitSubject"] == "drop three")

            let broken = try await harness.repository.commit(
                "break a", files: ["app/a.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a\n"])
            let error = try await Self.delivered("SyncError", revision: broken, to: receiver, harness)
            #expect(error["message"]?.stringValue?.contains("app/a.yaml:4") == true, "names the file: \(error)")
            #expect(error[path: "metadata", "commitSubject"] == "break a", "the commit that broke, not the last synced")

            let entry = try #require(await harness.controller.status(of: name)?.history.first { $0.revision == first })
            _ = try await harness.controller.rollback(name, to: .history(entry.id))
            let rollback = try await Self.delivered("Rollback", revision: first, to: receiver, harness)
            #expect(rollback["message"]?.stringValue?.hasPrefix("rolled back to history entry \(entry.id)") == true)
            #expect(rollback["severity"] == "info")
        }
    }

    @Test("a Deployment past its progress deadline is HealthDegraded; scaled to zero by a commit, HealthRecovered")
    func healthTransitions() async throws {
        // Its Pod never runs (no kubelet here; with one, an image that is never pulled): the Deployment
        // controller marks the rollout ProgressDeadlineExceeded.
        func deployment(replicas: Int) -> String {
            """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: web}
            spec:
              replicas: \(replicas)
              progressDeadlineSeconds: 1
              selector: {matchLabels: {app: web}}
              template:
                metadata: {labels: {app: web}}
                spec: {containers: [{name: web, image: moor.local/absent:1, imagePullPolicy: Never}]}
            """
        }
        try await Self.withEveryEvent { harness, receiver in
            let stuck = try await harness.repository.commit("web", files: ["app/web.yaml": deployment(replicas: 1)])
            let name = "health-\(harness.namespace)"
            try await harness.controller.manage([harness.application(name, automated: AutomatedSync())])
            let degraded = try await Self.delivered("HealthDegraded", revision: stuck, to: receiver, harness)
            #expect(degraded["message"]?.stringValue?.contains("exceeded its progress deadline") == true, "\(degraded)")
            #expect(degraded["severity"] == "error")

            let scaled = try await harness.repository.commit(
                "no replicas", files: ["app/web.yaml": deployment(replicas: 0)])
            let recovered = try await Self.delivered("HealthRecovered", revision: scaled, to: receiver, harness)
            #expect(recovered["severity"] == "info")
        }
    }
}
