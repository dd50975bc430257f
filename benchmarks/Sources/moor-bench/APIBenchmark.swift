import AsyncHTTPClient
import Controller
import Foundation
import KubeClient
import MoorCore
import Server

/// One `wrk` run: latency percentiles (milliseconds), requests and errors.
struct LoadResult {
    var p50 = 0.0
    var p99 = 0.0
    var requests = 0
    /// Non-2xx answers plus socket errors (connect, read, write, timeout).
    var errors = 0
    var requestsPerSecond = 0.0

    /// Parses the output of `wrk --latency`.
    init(wrkOutput text: String) {
        for line in text.split(separator: "\n").map({ $0.trimmingCharacters(in: .whitespaces) }) {
            let fields = line.split(whereSeparator: \.isWhitespace)
            if line.hasPrefix("50%"), fields.count == 2 { p50 = Self.milliseconds(fields[1]) }
            if line.hasPrefix("99%"), fields.count == 2 { p99 = Self.milliseconds(fields[1]) }
            if line.contains("requests in"), let count = Int(fields.first ?? "") { requests = count }
            if line.hasPrefix("Non-2xx or 3xx responses:"), let count = Int(fields.last ?? "") { errors += count }
            if line.hasPrefix("Socket errors:") {
                errors += fields.compactMap { Int($0.trimmingCharacters(in: [","])) }.reduce(0, +)
            }
            if line.hasPrefix("Requests/sec:") { requestsPerSecond = Double(fields.last ?? "") ?? 0 }
        }
    }

    /// `850.00us`, `1.23ms` or `1.05s` in milliseconds.
    private static func milliseconds(_ text: Substring) -> Double {
        for (unit, factor) in [("us", 0.001), ("ms", 1.0), ("s", 1000.0)] where text.hasSuffix(unit) {
            return (Double(text.dropLast(unit.count)) ?? 0) * factor
        }
        return 0
    }
}

/// Runs `wrk --latency` with `connections` connections for `duration` seconds against `url` with a
/// bearer token (written to a Lua script, so it never appears in a process listing).
private func load(_ url: String, token: String, connections: Int, duration: Int, scratch: URL) throws -> LoadResult {
    let script = scratch.appendingPathComponent("auth.lua")
    try Data("wrk.headers[\"Authorization\"] = \"Bearer \(token)\"\n".utf8).write(to: script)
    let process = Process()
    let output = Pipe()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [
        "wrk", "--latency", "-t", "2", "-c", "\(connections)", "-d", "\(duration)s", "--timeout", "10s", "-s",
        script.path, url,
    ]
    process.standardOutput = output
    try process.run()
    let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    guard process.terminationStatus == 0 else { throw BenchError("wrk failed (\(process.terminationStatus)): \(text)") }
    return LoadResult(wrkOutput: text)
}

/// API list under load: `--apps` applications (default 500) of one ConfigMap each, registered with a
/// controller (poll 600 s) served by `MoorServer` in process and synced; then `GET /api/v1/applications`
/// as a viewer from 100 concurrent connections (`wrk`, 10 s per run). The peer, measured alternately in
/// the same run under the same load: kube-apiserver listing as many `moor.dev/v1alpha1` Application
/// resources, carrying the same statuses, in one namespace.
func benchAPI(_ options: Options) async throws {
    let count = CommandLine.arguments.contains("--apps") ? options.applications : 500
    let runs = CommandLine.arguments.contains("--runs") ? options.runs : 2
    let connections = 100
    let base = FileManager.default.temporaryDirectory.appendingPathComponent("moor-bench-api-\(getpid())")
    let repository = BenchRepository(directory: base.appendingPathComponent("repo"), applications: count, objects: 1)
    try FileManager.default.createDirectory(at: repository.directory, withIntermediateDirectories: true)
    try repository.git(["init", "-q", "-b", "main"])
    for app in 0..<count { try repository.write(app) }
    try repository.commit("\(count) applications")
    let namespace = "bench-api-\(getpid())"
    let peerNamespace = "bench-api-peer-\(getpid())"
    let token = "bench-\(UUID().uuidString)"
    let tokens = base.appendingPathComponent("tokens.yaml")
    try Data("tokens: [{name: bench, token: \(token), role: viewer}]\n".utf8).write(to: tokens)

    let served = try await ServedController.start(
        options, scratch: base, label: "moor.bench.api", namespaces: [namespace, peerNamespace], concurrency: 8,
        configuration: .init(port: 0, tokens: .file(tokens.path)))
    let (admin, controller, server) = (served.admin, served.controller, served.server)
    let names = (0..<count).map { "app-\($0)" }
    try await controller.manage(
        names.indices.map { index in
            Application(
                name: names[index],
                spec: ApplicationSpec(
                    source: ApplicationSource(
                        repoURL: "file://\(repository.directory.path)", targetRevision: "main",
                        path: "apps/app-\(index)"),
                    destination: ApplicationDestination(namespace: namespace),
                    syncPolicy: SyncPolicy(automated: AutomatedSync())))
        })
    say("api: \(count) applications × 1 ConfigMap, \(connections) connections, \(runs) × 10 s per side (wrk)")
    let synced = try await secondsUntil(timeout: 600) {
        await controller.snapshots().allSatisfy { $0.status.sync.status == .synced }
    }
    say(String(format: "all synced from cold: %.1fs", synced))
    try await createPeerResources(names, namespace: peerNamespace, controller: controller, client: admin)

    let moorURL = "http://127.0.0.1:\(server.port)/api/v1/applications"
    let connection = admin.connection
    guard let peerToken = connection.user.token else { throw BenchError("the kubeconfig's user has no token") }
    let peerURL = "\(connection.server)/apis/moor.dev/v1alpha1/namespaces/\(peerNamespace)/applications"
    var probe = HTTPClientRequest(url: moorURL)
    probe.headers.add(name: "Authorization", value: "Bearer \(token)")
    let answer = try await HTTPClient.shared.execute(probe, timeout: .seconds(30))
    let body = try await answer.body.collect(upTo: 64 << 20)
    say("one answer of the Moor API: HTTP \(answer.status.code), \(body.readableBytes / 1024) KiB")
    var moor: [LoadResult] = []
    var peer: [LoadResult] = []
    for _ in 0..<runs {
        moor.append(try load(moorURL, token: token, connections: connections, duration: 10, scratch: base))
        peer.append(try load(peerURL, token: peerToken, connections: connections, duration: 10, scratch: base))
    }
    for (name, results) in [("moor API", moor), ("kube-apiserver", peer)] {
        say(
            String(
                format: "%@: p50 %.1f ms, p99 %.1f ms (medians of %d runs), %.0f requests/s, errors %d of %d",
                name, median(results.map(\.p50)), median(results.map(\.p99)), results.count,
                median(results.map(\.requestsPerSecond)), results.map(\.errors).reduce(0, +),
                results.map(\.requests).reduce(0, +)))
    }
    say(
        String(
            format: "ratio moor/kube-apiserver: p50 %.2f×, p99 %.2f×, throughput %.2f×",
            median(moor.map(\.p50)) / median(peer.map(\.p50)), median(moor.map(\.p99)) / median(peer.map(\.p99)),
            median(moor.map(\.requestsPerSecond)) / median(peer.map(\.requestsPerSecond))))

    await served.stop(gracePeriod: .seconds(5))
    try? FileManager.default.removeItem(at: base)
}

/// Creates one Application resource per name in `namespace`, with the status `controller` holds for it.
private func createPeerResources(
    _ names: [String], namespace: String, controller: ApplicationController, client: KubeClient
) async throws {
    _ = try await client.apply(Application.customResourceDefinition, fieldManager: "bench")
    _ = try await secondsUntil(timeout: 60) {
        (try? await client.resource(apiVersion: Application.apiVersion, kind: Application.kind)) != nil
    }
    let snapshots = await controller.snapshots()
    try await withThrowingTaskGroup(of: Void.self) { group in
        for (index, snapshot) in snapshots.enumerated() {
            if index >= 16 { try await group.next() }
            group.addTask {
                let spec = snapshot.application.spec
                let ref = ObjectRef(
                    apiVersion: Application.apiVersion, kind: Application.kind, namespace: namespace,
                    name: snapshot.application.name)
                _ = try await client.apply(
                    [
                        "apiVersion": .string(Application.apiVersion), "kind": .string(Application.kind),
                        "metadata": ["name": .string(ref.name), "namespace": .string(namespace)],
                        "spec": [
                            "source": [
                                "repoURL": .string(spec.source.repoURL), "targetRevision": "main",
                                "path": .string(spec.source.path),
                            ],
                            "destination": ["namespace": .string(spec.destination.namespace)],
                            "syncPolicy": ["automated": [:]],
                        ],
                    ], fieldManager: "bench")
                _ = try await client.mergePatch(ref, patch: ["status": snapshot.status.json], subresource: "status")
            }
        }
        try await group.waitForAll()
    }
}
