import Controller
import Foundation
import MoorCore

/// Pull-request preview: `--apps` applications (50 unless given; `apps/app-i`, `--objects` ConfigMaps
/// each, 4 unless given) from one local Git repository, synced by a controller in process. Each run
/// makes a pull-request ref (`refs/pull/N/head`) changing one value of `app-0` and times
/// ``ApplicationController/preview(_:)`` of it; the peers, at the same head, are `kubectl diff
/// --server-side` of `app-0`'s directory (a reviewer who knows which application changed) and of every
/// application's directory (one who does not).
func benchPreview(_ options: Options) async throws {
    let applications = CommandLine.arguments.contains("--apps") ? options.applications : 50
    let objects = CommandLine.arguments.contains("--objects") ? options.objects : 4
    let base = FileManager.default.temporaryDirectory.appendingPathComponent("moor-bench-preview-\(getpid())")
    let repository = BenchRepository(
        directory: base.appendingPathComponent("repo"), applications: applications, objects: objects)
    let namespace = "bench-preview-\(getpid())"
    try FileManager.default.createDirectory(at: repository.directory, withIntermediateDirectories: true)
    try repository.git(["init", "-q", "-b", "main"])
    for app in 0..<applications { try repository.write(app) }
    try repository.commit("\(applications) applications")

    let served = try await ServedController.start(
        options, scratch: base, label: "moor.bench.preview", namespaces: [namespace], configuration: .init(port: 0))
    let controller = served.controller
    let repoURL = "file://\(repository.directory.path)"
    let names = (0..<applications).map { "p\(getpid())-app-\($0)" }
    try await controller.manage(
        names.enumerated().map { index, name in
            Application(
                name: name,
                spec: ApplicationSpec(
                    source: ApplicationSource(repoURL: repoURL, targetRevision: "main", path: "apps/app-\(index)"),
                    destination: ApplicationDestination(namespace: namespace),
                    syncPolicy: SyncPolicy(automated: AutomatedSync(prune: true, selfHeal: true))))
        })
    say(
        "preview: \(applications) applications × \(objects) ConfigMaps from one local Git repository, \(options.runs) runs"
    )
    let cold = try await secondsUntil(timeout: 1800) {
        for name in names where await controller.status(of: name)?.sync.status != .synced { return false }
        return true
    }
    say(String(format: "all synced from cold: %.1fs", cold))

    let environment = ["KUBECONFIG": options.kubeconfig]
    let diff = ["kubectl", "diff", "--server-side", "--force-conflicts", "--field-manager=moor", "-n", namespace]
    let oneDirectory = repository.file(0).deletingLastPathComponent().path
    let allDirectories = repository.directory.appendingPathComponent("apps").path
    var moorTimes: [Double] = []
    var oneTimes: [Double] = []
    var allTimes: [Double] = []
    for run in 1...max(1, options.runs) {
        try repository.git(["checkout", "-q", "-b", "pull-\(run)", "main"])
        try repository.write(0, firstValue: "preview-\(run)")
        try repository.commit("change app-0 (\(run))")
        try repository.git(["update-ref", "refs/pull/\(run)/head", "HEAD"])
        // kubectl diff exits 1 when it finds differences, as here.
        let one = try await seconds {
            guard try shell(diff + ["-f", oneDirectory], environment: environment) <= 1 else {
                throw BenchError("kubectl diff of \(oneDirectory) failed")
            }
        }
        let all = try await seconds {
            guard try shell(diff + ["-R", "-f", allDirectories], environment: environment) <= 1 else {
                throw BenchError("kubectl diff of \(allDirectories) failed")
            }
        }
        try repository.git(["checkout", "-q", "main"])
        try repository.git(["branch", "-q", "-D", "pull-\(run)"])
        var preview: ApplicationController.Preview?
        let moor = try await seconds {
            preview = await controller.preview(.init(repository: repoURL, revision: "refs/pull/\(run)/head"))
        }
        guard let preview, preview.applications.map(\.name) == [names[0]],
            case .compared(_, let changed) = preview.applications[0].outcome, changed.count == 1,
            preview.untouched.count == applications - 1
        else { throw BenchError("the preview of run \(run) is not one changed object of \(names[0])") }
        moorTimes.append(moor)
        oneTimes.append(one)
        allTimes.append(all)
        say(
            String(
                format:
                    "run %d: moor preview %.3fs; kubectl diff --server-side of app-0 %.3fs, of every application %.3fs",
                run, moor, one, all))
    }
    let (moor, one, all) = (median(moorTimes), median(oneTimes), median(allTimes))
    say(
        String(
            format: "preview of a pull request touching 1 of %d applications: median %.3fs; kubectl diff --server-side "
                + "of that application %.3fs (ratio %.2f), of every application %.3fs (ratio %.2f)",
            applications, moor, one, moor / one, all, moor / all))
    await served.stop()
    try? FileManager.default.removeItem(at: base)
}
