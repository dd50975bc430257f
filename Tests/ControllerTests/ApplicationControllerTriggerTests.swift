import Controller
import Foundation
import KubeClient
import MoorCore
import MoorTestSupport
import Testing

/// Events, refresh annotations and retry limits against the real API server and real Git.
@Suite("Application events, refresh annotations and retries against a real API server")
struct ApplicationControllerTriggerTests {
    typealias Harness = ControllerHarness

    @Test("an Application resource gets events for its syncs and for drift; a steady state creates none")
    func events() async throws {
        try await Harness.run { harness in
            try await harness.repository.commit("first", files: ["app/a.yaml": Harness.configMap("a", "git")])
            let ref = try await harness.applicationResource("events", syncPolicy: ["automated": ["selfHeal": true]])
            try await harness.eventually("the sync's events are recorded") {
                try await harness.eventReasons(about: ref) == ["SyncStarted", "SyncSucceeded"]
            }
            try await harness.edit("a", to: "by hand")
            try await harness.eventually("the drift and the healing sync are recorded") {
                try await harness.eventReasons(about: ref).count == 5
            }
            #expect(try await harness.value(of: "a") == "git")
            let reasons = try await harness.eventReasons(about: ref)
            #expect(reasons == ["DriftDetected", "SyncStarted", "SyncStarted", "SyncSucceeded", "SyncSucceeded"])

            try await harness.waitForReconciles(1)
            let writes = harness.controllerWrites()
            try await harness.waitForReconciles(2)
            #expect(harness.controllerWrites() == writes, "a steady state writes nothing")
            #expect(try await harness.eventReasons(about: ref).count == 5)
        }
    }

    @Test("the DriftDetected event names who changed which field, as the object's managedFields say")
    func driftEventAttribution() async throws {
        try await Harness.run { harness in
            try await harness.repository.commit("first", files: ["app/a.yaml": Harness.configMap("a", "git")])
            let ref = try await harness.applicationResource("attributed", syncPolicy: ["automated": .emptyObject])
            try await harness.eventually("the application is synced") {
                try await harness.eventReasons(about: ref) == ["SyncStarted", "SyncSucceeded"]
            }
            try await TestCluster.shared().kubectl(
                ["-n", harness.namespace, "patch", "configmap/a", "--type=merge", "-p", #"{"data":{"key":"by hand"}}"#])
            try await harness.eventually("the drift is recorded") {
                try await harness.eventReasons(about: ref).contains("DriftDetected")
            }
            let events = try await harness.other.list(
                try await harness.other.resource(apiVersion: "v1", kind: "Event"), namespace: ref.namespace)
            let drift = events.items.first { $0["reason"] == "DriftDetected" }?["message"]?.stringValue ?? ""
            #expect(drift.contains("ConfigMap \(harness.namespace)/a (data.key: kubectl-patch, Update, "), "\(drift)")
            #expect(try await harness.value(of: "a") == "by hand", "without selfHeal the drift stays")
        }
    }

    @Test("a file-sourced application gets no events")
    func noEventsForFiles() async throws {
        try await Harness.run { harness in
            try await harness.repository.commit("first", files: ["app/a.yaml": Harness.configMap("a", "one")])
            try await harness.controller.manage([harness.application("quiet", automated: AutomatedSync())])
            try await harness.eventually("the commit is applied") { try await harness.value(of: "a") == "one" }
            #expect(harness.client.requestCounts()["create", default: 0] == 0)
        }
    }

    @Test(
        "a refresh annotation reconciles the application at once and is removed afterwards",
        arguments: ["moor.dev/refresh", "argocd.argoproj.io/refresh"])
    func refreshAnnotation(annotation: String) async throws {
        try await Harness.run(pollInterval: .seconds(60)) { harness in
            try await harness.repository.commit("first", files: ["app/a.yaml": Harness.configMap("a", "one")])
            let ref = try await harness.applicationResource("refresh", syncPolicy: ["automated": .emptyObject])
            try await harness.eventually("the first commit is applied") { try await harness.value(of: "a") == "one" }
            try await harness.repository.commit("second", files: ["app/a.yaml": Harness.configMap("a", "two")])
            _ = try await harness.other.mergePatch(
                ref, patch: ["metadata": ["annotations": [annotation: "normal"]]])
            try await harness.eventually("the second commit is applied") { try await harness.value(of: "a") == "two" }
            try await harness.eventually("the annotation is removed") {
                try await harness.other.get(ref)[path: "metadata", "annotations", annotation] == nil
            }
        }
    }

    @Test("syncPolicy.retry: a failing sync is retried after its own backoff, at most limit times per commit")
    func retryLimit() async throws {
        try await Harness.run { harness in
            let invalid = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {\"not a key!\": x}\n"
            try await harness.repository.commit("invalid", files: ["app/a.yaml": invalid])
            let retry = SyncRetry(limit: 3, durationSeconds: 0.05, factor: 1, maxDurationSeconds: 0.05)
            try await harness.controller.manage([
                harness.application("retry", automated: AutomatedSync(), retry: retry)
            ])
            try await harness.eventually("the controller gives up") {
                await harness.controller.status(of: "retry")?.conditions.first?.message.contains("gave up") == true
            }
            #expect(await harness.controller.statistics().syncs == 3)
            try await harness.waitForReconciles(3)
            #expect(await harness.controller.statistics().syncs == 3, "no further attempt at the same commit")
            let message = try #require(await harness.controller.status(of: "retry")?.conditions.first?.message)
            #expect(message.contains("3 failed syncs"), "\(message)")

            try await harness.repository.commit("fixed", files: ["app/a.yaml": Harness.configMap("a", "fixed")])
            try await harness.eventually("the next commit is applied") { try await harness.value(of: "a") == "fixed" }
            try await harness.eventually("the condition is cleared") {
                await harness.controller.status(of: "retry")?.conditions.isEmpty == true
            }
        }
    }

    @Test("syncPolicy.retry's backoff replaces the controller's: a long one holds the next attempt back")
    func retryBackoff() async throws {
        try await Harness.run { harness in
            let invalid = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {\"not a key!\": x}\n"
            try await harness.repository.commit("invalid", files: ["app/a.yaml": invalid])
            let retry = SyncRetry(limit: 5, durationSeconds: 60, factor: 2, maxDurationSeconds: 120)
            try await harness.controller.manage([
                harness.application("backoff", automated: AutomatedSync(), retry: retry)
            ])
            try await harness.eventually("the first sync fails") {
                await harness.controller.status(of: "backoff")?.operationState?.phase == .failed
            }
            // The controller's own backoff (200 ms) and the poll (500 ms) would both retry within this time.
            try await Task.sleep(for: .seconds(2))
            #expect(await harness.controller.statistics().syncs == 1)
        }
    }
}
