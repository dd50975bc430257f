import AsyncHTTPClient
import Controller
import Foundation
import KubeClient
import MoorCore
import NIOCore
import Server

/// The hex HMAC-SHA256 of `file` under `secret`, as GitHub signs a delivery (computed by `openssl`).
private func signature(of file: URL, secret: String) throws -> String {
    let output = file.appendingPathExtension("mac")
    _ = FileManager.default.createFile(atPath: output.path, contents: nil)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["openssl", "dgst", "-sha256", "-hmac", secret, "-r", file.path]
    process.standardOutput = try FileHandle(forWritingTo: output)
    try process.run()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else { throw BenchError("openssl dgst failed (\(process.terminationStatus))") }
    return String(try String(contentsOf: output, encoding: .utf8).prefix { $0 != " " })
}

/// Webhook → applied: one application of `objects` ConfigMaps (poll interval 10 minutes, so only the
/// webhook triggers), served by `MoorServer` in process. Each run commits a one-line change, POSTs a
/// signed GitHub push event to `/api/webhook` and times until the changed ConfigMap carries the new
/// value; the peer is `kubectl apply --server-side -f` of the same directory after the same change.
func benchWebhook(_ options: Options) async throws {
    let objects = options.objects
    let runs = CommandLine.arguments.contains("--runs") ? options.runs : 10
    let base = FileManager.default.temporaryDirectory.appendingPathComponent("moor-bench-webhook-\(getpid())")
    let repository = BenchRepository(directory: base.appendingPathComponent("repo"), applications: 1, objects: objects)
    let namespace = "bench-webhook-\(getpid())"
    let peerNamespace = "bench-webhook-kubectl-\(getpid())"
    let name = "w\(getpid())-app"
    let secret = "bench-\(UUID().uuidString)"
    try FileManager.default.createDirectory(at: repository.directory, withIntermediateDirectories: true)
    try repository.git(["init", "-q", "-b", "main"])
    try repository.write(0)
    try repository.commit("\(objects) ConfigMaps")
    let secretsFile = base.appendingPathComponent("webhook-secrets.yaml")
    try Data("github: \"\(secret)\"\n".utf8).write(to: secretsFile)

    let served = try await ServedController.start(
        options, scratch: base, label: "moor.bench.webhook", namespaces: [namespace, peerNamespace],
        configuration: .init(port: 0, webhookSecretsFile: secretsFile.path))
    let (admin, client, controller, server) = (served.admin, served.client, served.controller, served.server)
    let repoURL = "file://\(repository.directory.path)"
    try await controller.manage([
        Application(
            name: name,
            spec: ApplicationSpec(
                source: ApplicationSource(repoURL: repoURL, targetRevision: "main", path: "apps/app-0"),
                destination: ApplicationDestination(namespace: namespace),
                syncPolicy: SyncPolicy(automated: AutomatedSync(prune: true, selfHeal: true))))
    ])
    say("webhook: 1 application × \(objects) ConfigMaps from a local Git repository, poll 600s, \(runs) runs")
    let cold = try await secondsUntil(timeout: 1800) { await controller.status(of: name)?.sync.status == .synced }
    say(String(format: "synced from cold: %.1fs", cold))
    let directory = repository.file(0).deletingLastPathComponent().path
    let kubectl = ["kubectl", "apply", "--server-side", "--field-manager=bench", "-n", peerNamespace, "-f", directory]
    guard try shell(kubectl, environment: ["KUBECONFIG": options.kubeconfig]) == 0 else {
        throw BenchError("kubectl apply of \(directory) failed")
    }

    let changed = ObjectRef(group: "", version: "v1", kind: "ConfigMap", namespace: namespace, name: "app-0-cm-0")
    let payloadFile = base.appendingPathComponent("push.json")
    var moorTimes: [Double] = []
    var peerTimes: [Double] = []
    for run in 1...max(1, runs) {
        let value = "webhook-\(run)"
        try repository.write(0, firstValue: value)
        try repository.commit("change \(run)")
        let payload: JSONValue = [
            "ref": "refs/heads/main",
            "repository": ["clone_url": .string(repoURL), "default_branch": "main", "full_name": "bench/repo"],
        ]
        try Data(payload.jsonBytes()).write(to: payloadFile)
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(server.port)/api/webhook")
        request.method = .POST
        request.headers.add(name: "X-GitHub-Event", value: "push")
        let signed = try signature(of: payloadFile, secret: secret)
        request.headers.add(name: "X-Hub-Signature-256", value: "sha256=\(signed)")
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(bytes: payload.jsonBytes()))
        let before = await controller.metricsSnapshot()
        let requestsBefore = client.requestCounts()
        let start = ContinuousClock.now
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let answer = String(buffer: try await response.body.collect(upTo: 1 << 20))
        guard response.status == .ok, answer.contains(name) else {
            throw BenchError("the webhook answered \(response.status.code) \(answer)")
        }
        _ = try await secondsUntil(timeout: 120) {
            (try? await admin.get(changed))?[path: "data", "key"]?.stringValue == value
        }
        let elapsed = ContinuousClock.now - start
        let moor = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        // Let the reconcile that applied it finish, then see where its time went.
        _ = try await secondsUntil(timeout: 120) {
            let now = await controller.metricsSnapshot()
            return now.reconcileDurations.count > before.reconcileDurations.count && now.inProgress == 0
        }
        let after = await controller.metricsSnapshot()
        let requests = client.requestCounts().map { ($0.key, $0.value - requestsBefore[$0.key, default: 0]) }
            .filter { $0.1 > 0 }.sorted { $0.0 < $1.0 }.map { "\($0.0) \($0.1)" }.joined(separator: ", ")
        let peer = try await seconds {
            guard try shell(kubectl, environment: ["KUBECONFIG": options.kubeconfig]) == 0 else {
                throw BenchError("kubectl apply of \(directory) failed")
            }
        }
        moorTimes.append(moor)
        peerTimes.append(peer)
        say(
            String(
                format: "run %d: webhook → applied %.3fs (reconcile %.3fs, of it fetch+render %.3fs; requests: %@); "
                    + "kubectl apply --server-side %.3fs",
                run, moor, after.reconcileDurations.sum - before.reconcileDurations.sum,
                after.fetchDurations.sum - before.fetchDurations.sum, requests, peer))
    }
    say(
        String(
            format: "webhook → applied: p50 %.3fs, p90 %.3fs; kubectl apply --server-side of the directory: "
                + "p50 %.3fs, p90 %.3fs; target p50 < 1 s: %@",
            median(moorTimes), percentile(moorTimes, 0.9), median(peerTimes), percentile(peerTimes, 0.9),
            median(moorTimes) < 1 ? "met" : "MISSED"))

    await served.stop()
    try? FileManager.default.removeItem(at: base)
}
