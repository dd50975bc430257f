import Controller
import Foundation
import GitSource
import KubeClient
import Logging
import MoorCore
import MoorYAML
import Sync

/// The controller benchmark's Git repository: `apps/app-N/configmaps.yaml` holding `objects`
/// ConfigMaps named `app-N-cm-M` (one namespace for all applications, so names are distinct).
struct BenchRepository {
    let directory: URL
    let applications: Int
    let objects: Int

    func file(_ app: Int) -> URL {
        directory.appendingPathComponent("apps/app-\(app)/configmaps.yaml")
    }

    func write(_ app: Int, firstValue: String = "value-0") throws {
        let objects: [JSONValue] = (0..<objects).map { index in
            [
                "apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": .string("app-\(app)-cm-\(index)")],
                "data": [
                    "key": .string(index == 0 ? firstValue : "value-\(index)"),
                    "payload": .string(String(repeating: "x", count: 100)),
                ],
            ]
        }
        try FileManager.default.createDirectory(
            at: file(app).deletingLastPathComponent(), withIntermediateDirectories: true)
        try YAMLWriter.stream(objects).write(to: file(app), atomically: true, encoding: .utf8)
    }

    func git(_ arguments: [String]) throws {
        let status = try shell(
            ["git", "-C", directory.path, "-c", "user.name=bench", "-c", "user.email=bench@moor.dev"]
                + arguments)
        guard status == 0 else { throw BenchError("git \(arguments.joined(separator: " ")) failed (\(status))") }
    }

    /// The applications' files concatenated into `parts` files in `directory` (application `i` in part
    /// `i % parts`), for `kubectl` processes side by side.
    func split(into parts: Int, in directory: URL) throws -> [URL] {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return try (0..<parts).map { part in
            let documents = try stride(from: part, to: applications, by: parts).map { app in
                try String(contentsOf: file(app), encoding: .utf8)
            }
            let url = directory.appendingPathComponent("part-\(part).yaml")
            try documents.joined(separator: "\n---\n").write(to: url, atomically: true, encoding: .utf8)
            return url
        }
    }

    func commit(_ message: String) throws {
        try git(["add", "-A"])
        try git(["commit", "-q", "-m", message])
    }
}

/// The resident set size of this process in MB, from `/proc/self/status`.
private func residentMegabytes() -> Double {
    guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
        let line = text.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
        let kilobytes = Double(line.split(separator: " ").dropFirst().first ?? "")
    else { return -1 }
    return kilobytes / 1024
}

/// The resident set size in MB after `malloc_trim(0)` has handed the allocator's free memory back to the
/// system: close to the live heap, where ``residentMegabytes()`` also counts memory freed but kept.
private func trimmedResidentMegabytes() -> Double {
    typealias Trim = @convention(c) (Int) -> Int32
    guard let symbol = dlsym(nil, "malloc_trim") else { return -1 }
    _ = unsafeBitCast(symbol, to: Trim.self)(0)
    return residentMegabytes()
}

/// Prints a line at once (standard output is block-buffered when it is a file or a pipe).
func say(_ line: String) {
    print(line)
    fflush(nil)
}

private let writeVerbs: Set<String> = ["create", "update", "patch", "apply", "delete"]

/// The CPU time (user and system) this process has used so far, in seconds.
private func cpuSeconds() -> Double {
    var time = timespec()
    guard clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time) == 0 else { return -1 }
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
}

/// The API requests per verb made between two ``KubeClient/requestCounts()`` readings.
private func requestDelta(from before: [String: Int], to after: [String: Int]) -> [String: Int] {
    var delta: [String: Int] = [:]
    for (verb, value) in after where value > before[verb, default: 0] { delta[verb] = value - before[verb, default: 0] }
    return delta
}

/// Requests per verb as `get 3, list 2`, or `none`.
private func describe(_ requests: [String: Int]) -> String {
    let verbs = requests.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
    return verbs.isEmpty ? "none" : verbs.joined(separator: ", ")
}

/// Waits until `condition` holds, checking every 20 ms; returns the seconds it took, or throws after `timeout`.
func secondsUntil(timeout: Double, _ condition: () async -> Bool) async throws -> Double {
    let start = ContinuousClock.now
    while true {
        if await condition() {
            let elapsed = ContinuousClock.now - start
            return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        }
        if ContinuousClock.now - start > .seconds(timeout) { throw BenchError("timed out after \(timeout)s") }
        try await Task.sleep(for: .milliseconds(20))
    }
}

/// The value below which `share` of `values` lie (nearest rank): `percentile(values, 0.9)` is the p90.
func percentile(_ values: [Double], _ share: Double) -> Double {
    let sorted = values.sorted()
    let rank = Int((share * Double(sorted.count)).rounded(.up))
    return sorted[min(sorted.count, max(1, rank)) - 1]
}

/// `ApplicationController` in process over `applications` applications of `objects` ConfigMaps each,
/// served from one local Git repository: commit → applied (refresh and poll), hand edit → healed
/// (`runs` edits), resident memory, and API requests, writes and Git traffic at steady state; and
/// the cold start (every application Synced) against `kubectl apply --server-side` of the same objects.
func benchController(_ options: Options) async throws {
    let count = options.applications
    let objects = options.objects
    let pollSeconds = options.pollInterval
    let steadySeconds = options.steadySeconds
    let base = FileManager.default.temporaryDirectory.appendingPathComponent("moor-bench-controller-\(getpid())")
    let repository = BenchRepository(
        directory: base.appendingPathComponent("repo"), applications: count, objects: objects)
    let namespace = "bench-controller-\(getpid())"
    // Application names unique to this run: objects left by an interrupted run never count as theirs.
    let prefix = "r\(getpid())-"
    try FileManager.default.createDirectory(at: repository.directory, withIntermediateDirectories: true)
    try repository.git(["init", "-q", "-b", "main"])
    for app in 0..<count { try repository.write(app) }
    try repository.commit("\(count) applications")

    let admin = try KubeClient(kubeconfig: [options.kubeconfig])
    _ = try await admin.apply(namespaceObject(namespace), fieldManager: "bench")
    let applications = try (0..<count).map { app in
        try Application(manifest: [
            "apiVersion": "moor.dev/v1alpha1", "kind": "Application",
            "metadata": ["name": .string("\(prefix)app-\(app)")],
            "spec": [
                "source": [
                    "repoURL": .string("file://\(repository.directory.path)"), "targetRevision": "main",
                    "path": .string("apps/app-\(app)"),
                ],
                "destination": ["namespace": .string(namespace)],
                "syncPolicy": ["automated": ["prune": true, "selfHeal": true]],
            ],
        ])
    }

    var logger = Logger(label: "moor.bench.controller")
    logger.logLevel = .warning
    let client = try KubeClient(kubeconfig: [options.kubeconfig])
    let gitCache = try GitSourceCache(directory: base.appendingPathComponent("cache").path)
    let fetcher = SourceFetcher(cache: gitCache)
    let controller = ApplicationController(
        engine: SyncEngine(client: client, logger: logger), fetcher: fetcher,
        configuration: .init(
            pollInterval: .seconds(pollSeconds), concurrency: options.concurrency,
            resyncInterval: .seconds(options.resyncSeconds)),
        logger: logger)
    say(
        "controller: \(count) applications × \(objects) ConfigMaps (\(count * objects) objects) from one local "
            + "Git repository, poll \(Int(pollSeconds))s, resync \(Int(options.resyncSeconds))s, "
            + "concurrency \(options.concurrency)")
    say(String(format: "resident memory before start: %.1f MB", residentMegabytes()))

    await controller.start()
    let coldRequests = client.requestCounts()
    let coldCPU = cpuSeconds()
    let setup = try await seconds {
        try await controller.manage(applications)
        // Applications before `synced` were seen Synced: each check goes on from the first one not yet
        // seen, so waiting costs one status read per application, not one per application and check.
        var synced = 0
        _ = try await secondsUntil(timeout: 1800) {
            while synced < count, await controller.status(of: "\(prefix)app-\(synced)")?.sync.status == .synced {
                synced += 1
            }
            return synced == count
        }
    }
    let coldCPUSeconds = cpuSeconds() - coldCPU
    let coldDelta = requestDelta(from: coldRequests, to: client.requestCounts())
    say(
        String(
            format: "all applications synced from cold: %.1fs; %d API requests (%@); %.1f CPU seconds "
                + "(benchmark process, controller included)", setup, coldDelta.values.reduce(0, +),
            describe(coldDelta), coldCPUSeconds))
    let syncedMemory = residentMegabytes()
    say(
        String(
            format: "resident memory after all synced: %.1f MB (%.1f MB after malloc_trim)", syncedMemory,
            trimmedResidentMegabytes()))

    // Steady state: nothing changes in Git or in the cluster.
    let before = client.requestCounts()
    let statisticsBefore = await controller.statistics()
    let gitBefore = await gitCache.statistics
    try await Task.sleep(for: .seconds(steadySeconds))
    let after = client.requestCounts()
    let statisticsAfter = await controller.statistics()
    let gitAfter = await gitCache.statistics
    let steadyMemory = residentMegabytes()
    let delta = requestDelta(from: before, to: after)
    let total = delta.values.reduce(0, +)
    let writes = delta.filter { writeVerbs.contains($0.key) }.values.reduce(0, +)
    let perMinute = Double(total) * 60 / steadySeconds
    let reconciles = statisticsAfter.reconciles - statisticsBefore.reconciles
    let syncs = statisticsAfter.syncs - statisticsBefore.syncs
    let skipped = statisticsAfter.skippedComparisons - statisticsBefore.skippedComparisons
    say(
        String(
            format: "steady state over %.0fs: %d API requests (%.1f per minute; %@), %d writes; %d reconciles "
                + "(%d skipped the comparison), %d syncs; %d ls-remote, %d fetches",
            steadySeconds, total, perMinute, describe(delta), writes,
            reconciles, skipped, syncs, gitAfter.remoteListings - gitBefore.remoteListings,
            gitAfter.fetches - gitBefore.fetches))
    say(
        String(
            format: "resident memory after %.0fs of steady state: %.1f MB (%.1f MB after malloc_trim)", steadySeconds,
            steadyMemory, trimmedResidentMegabytes()))

    func liveValue(_ app: Int) async -> String? {
        let ref = ObjectRef(group: "", version: "v1", kind: "ConfigMap", namespace: namespace, name: "app-\(app)-cm-0")
        return try? await admin.get(ref)["data"]?["key"]?.stringValue
    }

    // (a) commit → applied, through refresh (a webhook's path) and through polling alone.
    try repository.write(0, firstValue: "refreshed")
    try repository.commit("change app-0")
    let refreshed = try await seconds {
        await controller.refresh("\(prefix)app-0")
        _ = try await secondsUntil(timeout: 60) { await liveValue(0) == "refreshed" }
    }
    say(String(format: "commit → applied with refresh: %.2fs", refreshed))
    let polledApp = min(1, count - 1)
    try repository.write(polledApp, firstValue: "polled")
    try repository.commit("change app-\(polledApp)")
    let polled = try await secondsUntil(timeout: pollSeconds * 3 + 60) { await liveValue(polledApp) == "polled" }
    say(String(format: "commit → applied by polling (interval %.0fs): %.2fs", pollSeconds, polled))

    // (b) hand edit by another client (a JSON merge patch, as `kubectl edit` sends) → healed.
    let healedApp = min(2, count - 1)
    let edited = ObjectRef(
        group: "", version: "v1", kind: "ConfigMap", namespace: namespace,
        name: "app-\(healedApp)-cm-0")
    var heals: [Double] = []
    for run in 1...max(1, options.runs) {
        _ = try await admin.mergePatch(edited, patch: ["data": ["key": .string("edited-\(run)")]])
        do {
            let healed = try await secondsUntil(timeout: 120) { await liveValue(healedApp) == "value-0" }
            heals.append(healed)
            say(String(format: "hand edit %d → healed: %.2fs", run, healed))
        } catch {
            heals.append(.infinity)
            say("hand edit \(run) → not healed within 120s")
        }
        try await Task.sleep(for: .seconds(1))
    }
    say(String(format: "hand edit → healed: median %.2fs, p90 %.2fs", median(heals), percentile(heals, 0.9)))
    let metrics = await controller.metricsSnapshot()
    let full = metrics.reconcileDurations
    say(
        String(
            format: "full reconciles: %d, mean %.3fs; fetches mean %.3fs", full.count,
            full.sum / Double(max(1, full.count)),
            metrics.fetchDurations.sum / Double(max(1, metrics.fetchDurations.count))))
    if let renders = fetcher.renders {
        let statistics = await renders.statistics
        say(
            "render cache: \(statistics.hits) hits, \(statistics.misses) misses, \(await renders.count) renders held "
                + String(format: "(%.1f MB estimated)", Double(await renders.bytes) / 1_048_576))
    }

    await controller.stop(gracePeriod: .seconds(10))
    await client.shutdown()
    try? await admin.delete(ObjectRef(group: "", version: "v1", kind: "Namespace", name: namespace))

    // The peers: the same objects applied once, into a namespace of their own each: one `kubectl` over the
    // whole tree, then the files split among several `kubectl` processes side by side.
    let single = try await kubectlPeer(
        [["-R", "-f", repository.directory.appendingPathComponent("apps").path]], namespace: "\(namespace)-kubectl",
        admin: admin, kubeconfig: options.kubeconfig)
    say(
        String(
            format: "cold start: moor %.1fs (all %d applications Synced), kubectl apply --server-side -R "
                + "of the same %d objects %.1fs; ratio %.2f", setup, count, count * objects, single, setup / single))
    var best = (processes: 1, seconds: single)
    for processes in options.kubectlProcesses {
        let parts = try repository.split(into: processes, in: base.appendingPathComponent("kubectl-\(processes)"))
        let parallel = try await kubectlPeer(
            parts.map { ["-f", $0.path] }, namespace: "\(namespace)-kubectl-\(processes)", admin: admin,
            kubeconfig: options.kubeconfig)
        say(
            String(
                format: "cold start: %d kubectl apply --server-side processes side by side %.1fs; ratio %.2f",
                processes, parallel, setup / parallel))
        if parallel < best.seconds { best = (processes, parallel) }
    }
    say(
        String(
            format: "cold start: moor %.1fs against the best kubectl peer (%d process%@) %.1fs; ratio %.2f", setup,
            best.processes, best.processes == 1 ? "" : "es", best.seconds, setup / best.seconds))
    await admin.shutdown()
    try? FileManager.default.removeItem(at: base)

    let healedMedian = String(format: "%.2f", median(heals))
    say(
        "targets: healed p50 < 0.2 s: \(median(heals) < 0.2 ? "met" : "MISSED") (median \(healedMedian)s); "
            + "zero steady-state writes: \(writes == 0 ? "met" : "MISSED") (\(writes)); "
            + "memory ≤ 150 MB: \(max(syncedMemory, steadyMemory) <= 150 ? "met" : "MISSED") "
            + "(\(String(format: "%.1f", max(syncedMemory, steadyMemory))) MB); "
            + "commit → applied by polling ≤ poll + 2 s: \(polled <= pollSeconds + 2 ? "met" : "MISSED") "
            + "(\(String(format: "%.2f", polled))s); "
            + "cold start ≤ 1.5 × the best kubectl peer: \(setup <= 1.5 * best.seconds ? "met" : "MISSED") "
            + "(\(String(format: "%.2f", setup / best.seconds)))")
}

/// Seconds `kubectl apply --server-side` takes with one process per element of `sources` (its `-f`
/// arguments) side by side, into a fresh `namespace` deleted afterwards.
private func kubectlPeer(
    _ sources: [[String]], namespace: String, admin: KubeClient, kubeconfig: String
) async throws -> Double {
    _ = try await admin.apply(namespaceObject(namespace), fieldManager: "bench")
    var statuses: [Int32] = []
    let elapsed = try await seconds {
        statuses = try shellAll(
            sources.map { ["kubectl", "apply", "--server-side", "--field-manager=bench", "-n", namespace] + $0 },
            environment: ["KUBECONFIG": kubeconfig])
    }
    try? await admin.delete(ObjectRef(group: "", version: "v1", kind: "Namespace", name: namespace))
    guard statuses.allSatisfy({ $0 == 0 }) else { throw BenchError("kubectl apply failed with status \(statuses)") }
    return elapsed
}
