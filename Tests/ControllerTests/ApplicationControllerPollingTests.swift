import Foundation
import KubeClient
import MoorCore
import MoorTestSupport
import Testing

@testable import Controller

/// Cheap polls against the real API server and real Git: a poll that finds nothing changed skips the
/// comparison, yet new commits, hand edits and refreshes are still acted on, and no cache serves a
/// stale commit.
@Suite("Application controller polls against a real API server")
struct ApplicationControllerPollingTests {
    typealias Harness = ControllerHarness

    /// Waits until polls of an application in sync have skipped the comparison `count` more times.
    static func waitForSkippedPolls(_ count: Int, _ harness: Harness) async throws {
        let start = await harness.controller.statistics().skippedComparisons
        try await harness.eventually("\(count) more polls skipped the comparison") {
            await harness.controller.statistics().skippedComparisons >= start + count
        }
    }

    /// An application deploying `path` of the test repository's `main` with automated sync and self-heal.
    static func application(_ name: String, path: String, _ harness: Harness) -> Application {
        Application(
            name: name,
            spec: ApplicationSpec(
                source: ApplicationSource(repoURL: harness.repository.fileURL, targetRevision: "main", path: path),
                destination: ApplicationDestination(namespace: harness.namespace),
                syncPolicy: SyncPolicy(automated: AutomatedSync(selfHeal: true))))
    }

    /// Waits until the ConfigMaps `a` and `b` both hold `value`.
    static func waitUntilBoth(_ value: String, _ harness: Harness) async throws {
        try await harness.eventually("a and b are \(value)") {
            let a = try await harness.value(of: "a")
            let b = try await harness.value(of: "b")
            return a == value && b == value
        }
    }

    /// The files of `app/a.yaml` and `other/b.yaml` holding `a` and `b`.
    static func twoApplications(a: String, b: String) -> [String: String] {
        ["app/a.yaml": Harness.configMap("a", a), "other/b.yaml": Harness.configMap("b", b)]
    }

    @Test("polls in a steady state skip the comparison and write nothing; a new commit is still applied by a poll")
    func commitAppliedWhilePollsSkip() async throws {
        try await Harness.run { harness in
            try await harness.repository.commit("first", files: ["app/a.yaml": Harness.configMap("a", "one")])
            try await harness.controller.manage([harness.application("polling-commit", automated: AutomatedSync())])
            try await harness.eventually("the first commit is applied") { try await harness.value(of: "a") == "one" }
            try await Self.waitForSkippedPolls(2, harness)
            let writes = harness.controllerWrites()
            try await Self.waitForSkippedPolls(2, harness)
            #expect(harness.controllerWrites() == writes, "a skipped poll writes nothing")

            let second = try await harness.repository.commit(
                "second", files: ["app/a.yaml": Harness.configMap("a", "two")])
            try await harness.eventually("the second commit is applied by a poll") {
                try await harness.value(of: "a") == "two"
            }
            try await harness.eventually("the status names the second commit") {
                await harness.controller.status(of: "polling-commit")?.sync.revision == second
            }
            try await Self.waitForSkippedPolls(1, harness)
            #expect(await harness.controller.status(of: "polling-commit")?.sync.status == .synced)
        }
    }

    @Test("a hand edit is healed while polls skip, and polls skip again afterwards")
    func driftHealedWhilePollsSkip() async throws {
        try await Harness.run { harness in
            try await harness.repository.commit("first", files: ["app/a.yaml": Harness.configMap("a", "git")])
            try await harness.controller.manage([
                harness.application("polling-drift", automated: AutomatedSync(selfHeal: true))
            ])
            try await harness.eventually("the commit is applied") { try await harness.value(of: "a") == "git" }
            try await Self.waitForSkippedPolls(1, harness)
            let syncs = await harness.controller.statistics().syncs
            try await harness.edit("a", to: "by hand")
            try await harness.eventually("the edit is healed") { try await harness.value(of: "a") == "git" }
            #expect(await harness.controller.statistics().syncs == syncs + 1)
            try await Self.waitForSkippedPolls(1, harness)
            #expect(try await harness.value(of: "a") == "git")
        }
    }

    @Test("without selfHeal, a hand edit stays reported OutOfSync: polls do not skip an application out of sync")
    func outOfSyncIsNotSkipped() async throws {
        try await Harness.run { harness in
            try await harness.repository.commit("first", files: ["app/a.yaml": Harness.configMap("a", "git")])
            try await harness.controller.manage([harness.application("polling-report", automated: AutomatedSync())])
            try await harness.eventually("the commit is applied") { try await harness.value(of: "a") == "git" }
            try await Self.waitForSkippedPolls(1, harness)
            try await harness.edit("a", to: "by hand")
            try await harness.eventually("the drift is reported") {
                await harness.controller.status(of: "polling-report")?.sync.status == .outOfSync
            }
            let skipped = await harness.controller.statistics().skippedComparisons
            try await harness.waitForReconciles(3)
            #expect(await harness.controller.statistics().skippedComparisons == skipped)
            #expect(await harness.controller.status(of: "polling-report")?.sync.status == .outOfSync)
        }
    }

    @Test("a resync compares again at the resync interval even when nothing changed, and writes nothing")
    func periodicResync() async throws {
        try await Harness.run(resyncInterval: .seconds(1)) { harness in
            try await harness.repository.commit("first", files: ["app/a.yaml": Harness.configMap("a", "one")])
            try await harness.controller.manage([harness.application("polling-resync", automated: AutomatedSync())])
            try await harness.eventually("the commit is applied") { try await harness.value(of: "a") == "one" }
            try await Self.waitForSkippedPolls(1, harness)
            let writes = harness.controllerWrites()
            let before = await harness.controller.statistics()
            try await harness.eventually("full comparisons go on besides skipped polls") {
                let now = await harness.controller.statistics()
                return now.reconciles - now.skippedComparisons >= before.reconciles - before.skippedComparisons + 2
                    && now.skippedComparisons > before.skippedComparisons
            }
            #expect(harness.controllerWrites() == writes)
        }
    }

    @Test("a refresh sees a commit pushed just after another application's fetch of the same repository")
    func refreshListsAnew() async throws {
        try await Harness.run(pollInterval: .seconds(600)) { harness in
            try await harness.repository.commit("first", files: Self.twoApplications(a: "one", b: "one"))
            try await harness.controller.manage([
                Self.application("polling-refresh-a", path: "app", harness),
                Self.application("polling-refresh-b", path: "other", harness),
            ])
            try await Self.waitUntilBoth("one", harness)
            let reconciles = await harness.controller.statistics().reconciles
            await harness.controller.refresh("polling-refresh-a")
            // A refresh lists the remote's refs before its reconcile counts as started.
            try await harness.eventually("the refresh listed the refs") {
                await harness.controller.statistics().reconciles > reconciles
            }
            try await harness.repository.commit("second", files: Self.twoApplications(a: "two", b: "two"))
            await harness.controller.refresh("polling-refresh-b")
            // Polls are ten minutes apart: only a listing made after the refresh finds the commit this soon.
            try await harness.eventually("the refreshed application gets the new commit") {
                try await harness.value(of: "b") == "two"
            }
        }
    }

    @Test("renders are cached per commit: a commit that changes an application's files is applied")
    func renderCacheFollowsCommits() async throws {
        try await Harness.run { harness in
            try await harness.repository.commit("first", files: Self.twoApplications(a: "one", b: "one"))
            try await harness.controller.manage([
                Self.application("polling-render-a", path: "app", harness),
                Self.application("polling-render-b", path: "other", harness),
            ])
            try await Self.waitUntilBoth("one", harness)
            for value in ["two", "three"] {
                try await harness.repository.commit("change b", files: ["other/b.yaml": Harness.configMap("b", value)])
                try await harness.eventually("b becomes \(value)") { try await harness.value(of: "b") == value }
            }
            // A refresh reconciles in full (no skipped comparison) at the commit already rendered.
            await harness.controller.refresh("polling-render-b")
            try await harness.eventually("a reconcile at an unchanged commit reuses the render") {
                (await harness.controller.fetcher.renders?.statistics.hits ?? 0) > 0
            }
            #expect(try await harness.value(of: "a") == "one")
        }
    }

    @Test(
        "an application's first reconcile reads the live-object cache, which has listed every kind, instead of listing the cluster"
    )
    func firstReconcileReadsTheCache() async throws {
        try await Harness.run { harness in
            try await harness.repository.commit("first", files: Self.twoApplications(a: "one", b: "one"))
            let first = Self.application("polling-first-a", path: "app", harness)
            try await harness.controller.manage([first])
            try await harness.eventually("the first application is applied") {
                try await harness.value(of: "a") == "one"
            }
            // Its first reconcile made the cache watch every kind; ready once each is listed.
            try await harness.eventually("the cache has listed every kind") { await harness.controller.isReady() }
            let lists = harness.client.requestCounts()["list", default: 0]
            try await harness.controller.manage([first, Self.application("polling-first-b", path: "other", harness)])
            try await harness.eventually("the second application is applied and Synced") {
                await harness.controller.status(of: "polling-first-b")?.sync.status == .synced
            }
            #expect(try await harness.value(of: "b") == "one")
            // Listing the cluster for it would list every kind; a watch that the other tests' etcd
            // compactions expire relists its own kind only.
            let kinds = try await harness.client.listableResources().count
            #expect(harness.client.requestCounts()["list", default: 0] - lists < kinds)
        }
    }

    @Test("the cache's echo of a sync's own writes queues no further reconcile, and the next poll skips the comparison")
    func syncEchoQueuesNothing() async throws {
        try await Harness.run(pollInterval: .seconds(600)) { harness in
            try await harness.repository.commit("first", files: Self.twoApplications(a: "one", b: "one"))
            try await harness.controller.manage([Self.application("polling-echo", path: "app", harness)])
            try await harness.eventually("the sync's write has come back through the cache and the queue is idle") {
                let snapshot = await harness.controller.metricsSnapshot()
                return await harness.controller.statistics().cacheChanges > 0
                    && snapshot.queued == 0 && snapshot.inProgress == 0
            }
            #expect(await harness.controller.status(of: "polling-echo")?.sync.status == .synced)
            #expect(await harness.controller.statistics().reconciles == 1)
            #expect(await harness.controller.pollFindsNothingChanged("polling-echo"))
        }
    }
}
