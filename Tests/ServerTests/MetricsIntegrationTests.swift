import Controller
import Foundation
import MoorCore
import Testing

@Suite("Metrics and probes against a running controller", .serialized)
struct MetricsIntegrationTests {
    /// The samples of `/metrics` as Prometheus' parser reads them.
    private func metrics(_ harness: ServerHarness) async throws -> [PrometheusParser.Sample] {
        let answer = try await harness.request(.GET, "/metrics")
        try #require(answer.status == 200)
        return try PrometheusParser.samples(answer.text)
    }

    private func value(
        _ samples: [PrometheusParser.Sample], _ name: String, _ labels: [String: String] = [:]
    ) -> Double? {
        samples.first { sample in sample.name == name && labels.allSatisfy { sample.labels[$0.key] == $0.value } }?
            .value
    }

    @Test("Metrics parse, and change after a sync: syncs, reconcile durations, the sync gauge")
    func metricsChangeAfterSync() async throws {
        try await ServerHarness.runWithWebhooks { harness in
            let health = try await harness.request(.GET, "/healthz")
            #expect(health.status == 200 && health.text == "ok\n")
            try await harness.eventually("/readyz answers 200") {
                try await harness.request(.GET, "/readyz").status == 200
            }
            try await harness.controller.manage([harness.application("metrics-demo", automated: nil)])
            try await harness.eventually("the application is compared (OutOfSync: nothing deployed yet)") {
                await harness.controller.status(of: "metrics-demo")?.sync.status == .outOfSync
            }
            let before = try await metrics(harness)
            #expect(value(before, "moor_app_sync_status", ["name": "metrics-demo", "sync_status": "OutOfSync"]) == 1)
            #expect(value(before, "moor_app_health_status", ["name": "metrics-demo", "health_status": "Missing"]) == 1)
            #expect(value(before, "moor_app_syncs_total", ["result": "Succeeded"]) == nil)
            let reconcilesBefore = try #require(value(before, "moor_app_reconcile_duration_seconds_count"))
            #expect(reconcilesBefore >= 1)
            #expect(value(before, "moor_app_reconcile_duration_seconds_bucket", ["le": "+Inf"]) == reconcilesBefore)
            #expect(try #require(value(before, "moor_git_fetch_duration_seconds_count")) >= 1)
            #expect(value(before, "moor_git_fetch_errors_total") == 0)
            #expect(try #require(value(before, "moor_kube_requests_total", ["verb": "list", "code": "200"])) >= 1)
            #expect(value(before, "moor_workqueue_depth") != nil)
            #expect(value(before, "moor_ready") == 1)
            #expect(Set(before.map(\.type)) == ["gauge", "counter", "histogram"])

            let synced = try await harness.controller.sync("metrics-demo", .init())
            try #require(synced.operation.phase == .succeeded, "\(synced.operation.message)")
            try await harness.eventually("the application is Synced, and the sync was followed by a reconcile") {
                let count = value(try await metrics(harness), "moor_app_reconcile_duration_seconds_count") ?? 0
                return await harness.controller.status(of: "metrics-demo")?.sync.status == .synced
                    && count > reconcilesBefore
            }
            let after = try await metrics(harness)
            #expect(value(after, "moor_app_syncs_total", ["result": "Succeeded"]) == 1)
            #expect(value(after, "moor_app_sync_status", ["name": "metrics-demo", "sync_status": "Synced"]) == 1)
            #expect(value(after, "moor_app_sync_status", ["name": "metrics-demo", "sync_status": "OutOfSync"]) == nil)
            #expect(try #require(value(after, "moor_app_reconcile_duration_seconds_count")) > reconcilesBefore)
            let applies = after.filter { $0.name == "moor_kube_requests_total" && $0.labels["verb"] == "apply" }
            #expect(
                applies.contains { $0.labels["code"] == "201" && $0.value >= 1 }, "the ConfigMap was created by apply")
            #expect(try #require(value(after, "moor_cache_watches")) >= 1)
        }
    }

    @Test("/readyz is 503 until the controller has started; /healthz is 200 all along")
    func readiness() async throws {
        try await ServerHarness.runWithWebhooks(startController: false) { harness in
            #expect(try await harness.request(.GET, "/readyz").status == 503)
            #expect(try await harness.request(.GET, "/healthz").status == 200)
            await harness.controller.start()
            try await harness.eventually("/readyz answers 200") {
                try await harness.request(.GET, "/readyz").status == 200
            }
        }
    }
}
