import Controller
import Foundation
import Hummingbird
import Logging
import MoorCore
import Notifications
import Synchronization

/// A webhook receiver in process, on a free loopback port: the arrival time of each `SyncFailed` it gets,
/// by revision (Hummingbird; the benchmark cannot use the tests' receiver).
private final class ArrivalLog: Sendable {
    private let arrivals = Mutex([String: Date]())

    func record(_ body: [UInt8]) {
        let now = Date()
        guard let event = try? JSONValue(parsing: body), event["reason"] == "SyncFailed",
            let revision = event[path: "metadata", "revision"]?.stringValue
        else { return }
        arrivals.withLock { if $0[revision] == nil { $0[revision] = now } }
    }

    func arrival(of revision: String) -> Date? { arrivals.withLock { $0[revision] } }
}

/// Failed sync → notification delivered: one application (poll interval 10 minutes) whose each run commits
/// a ConfigMap the API server refuses and refreshes the application (after a good commit synced, so no
/// backoff holds the sync back); times from the end of the failed sync (its history entry's time) to the
/// arrival of its `SyncFailed` at a generic webhook on loopback. The
/// controller runs in process with the notifier as `moor controller` configures it (default policy).
func benchNotify(_ options: Options) async throws {
    let runs = CommandLine.arguments.contains("--runs") ? options.runs : 20
    let base = FileManager.default.temporaryDirectory.appendingPathComponent("moor-bench-notify-\(getpid())")
    let repository = BenchRepository(directory: base.appendingPathComponent("repo"), applications: 1, objects: 1)
    let namespace = "bench-notify-\(getpid())"
    let name = "n\(getpid())-app"
    try FileManager.default.createDirectory(at: repository.directory, withIntermediateDirectories: true)
    try repository.git(["init", "-q", "-b", "main"])
    try repository.write(0)
    try repository.commit("1 ConfigMap")

    let log = ArrivalLog()
    let router = Router()
    router.post("hook") { request, _ -> HTTPResponse.Status in
        log.record(Array(buffer: try await request.body.collect(upTo: 1 << 20)))
        return .ok
    }
    let (ports, reportPort) = AsyncStream.makeStream(of: Int.self)
    var quiet = Logger(label: "moor.bench.notify.receiver")
    quiet.logLevel = .warning
    let receiver = Application(
        router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
        onServerRunning: { channel in reportPort.yield(channel.localAddress?.port ?? 0) }, logger: quiet)
    let receiving = Task { try await receiver.run() }
    guard let port = await ports.first(where: { _ in true }) else { throw BenchError("the receiver did not start") }

    let settings = NotificationSettings(
        providers: [NotificationProvider(name: "hook", type: .generic, address: "http://127.0.0.1:\(port)/hook")],
        alerts: [NotificationAlert(name: "failures", providerName: "hook", eventSources: [.init()])], secrets: [:])
    let served = try await ServedController.start(
        options, scratch: base, label: "moor.bench.notify", namespaces: [namespace],
        notifications: NotificationOptions(source: .settings(settings)), configuration: .init(port: 0))
    let controller = served.controller
    try await controller.manage([
        Application(
            name: name,
            spec: ApplicationSpec(
                source: ApplicationSource(
                    repoURL: "file://\(repository.directory.path)", targetRevision: "main", path: "apps/app-0"),
                destination: ApplicationDestination(namespace: namespace),
                syncPolicy: SyncPolicy(automated: AutomatedSync(prune: false, selfHeal: false))))
    ])
    say("notify: a failed sync → SyncFailed at a generic webhook on loopback, poll 600s, \(runs) runs")
    _ = try await secondsUntil(timeout: 600) { await controller.status(of: name)?.sync.status == .synced }
    let file = repository.file(0)
    var times: [Double] = []
    for run in 1...max(1, runs) {
        // A good commit first: a sync that succeeds resets the failure backoff, so the refresh below syncs at once.
        if run > 1 {
            try repository.write(0, firstValue: "good-\(run)")
            try repository.commit("repair \(run)")
            await controller.refresh(name)
            _ = try await secondsUntil(timeout: 600) { await controller.status(of: name)?.sync.status == .synced }
        }
        try Data("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: app-0-cm-0}\ndata: {\"bad key \(run)!\": x}\n".utf8)
            .write(to: file)
        try repository.commit("break \(run)")
        let revision = try shellOutput(["git", "-C", repository.directory.path, "rev-parse", "HEAD"])
            .trimmingCharacters(in: .whitespacesAndNewlines)
        await controller.refresh(name)
        // The notification may arrive before the status records the failed sync's history entry: wait for both.
        let failedSync = { @Sendable in
            await controller.status(of: name)?.history.last { $0.revision == revision && $0.result == .failed }
        }
        _ = try await secondsUntil(timeout: 120) { await failedSync() != nil && log.arrival(of: revision) != nil }
        guard let arrival = log.arrival(of: revision), let failed = await failedSync() else {
            throw BenchError("run \(run): no failed sync of \(revision), or no notification of it")
        }
        let seconds = arrival.timeIntervalSince(failed.deployedAt)
        times.append(seconds)
        say(String(format: "run %d: failed sync → delivered %.1f ms", run, seconds * 1000))
    }
    say(
        String(
            format: "failed sync → notification delivered: p50 %.1f ms, p90 %.1f ms, max %.1f ms (%d runs)",
            median(times) * 1000, percentile(times, 0.9) * 1000, (times.max() ?? 0) * 1000, times.count))
    await served.stop()
    receiving.cancel()
    _ = await receiving.result
    try? FileManager.default.removeItem(at: base)
}
