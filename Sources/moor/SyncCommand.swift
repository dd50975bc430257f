import ArgumentParser
import Controller
import Foundation
import MoorCore
import Sync

/// `moor sync`: makes the cluster match Git for one application.
struct SyncCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync", abstract: "Apply an application's manifests to the cluster (server-side apply).")

    @OptionGroup var app: ApplicationFlags
    @OptionGroup var render: RenderFlags
    @OptionGroup var health: HealthFlags

    @Flag(help: "Delete tracked objects that Git no longer holds.")
    var prune = false

    @Flag(name: .customLong("dry-run"), help: "Do everything except persisting.")
    var dryRun = false

    @Flag(name: .customLong("allow-mass-prune"), help: "Allow pruning more than the application's maxPruneShare.")
    var allowMassPrune = false

    @Option(help: "Objects applied at once within a wave.")
    var concurrency = 8

    @Option(name: .customLong("wave-timeout"), help: "Seconds a wave may take to become healthy.")
    var waveTimeout = 300

    @Option(name: .customLong("hook-timeout"), help: "Seconds a hook may take to complete before it counts as failed.")
    var hookTimeout = 300

    @Option(name: [.customShort("o"), .long], help: "Output format: table or json.")
    var output: OutputFormat = .table

    func validate() throws {
        guard waveTimeout > 0, hookTimeout > 0 else {
            throw ValidationError("--wave-timeout and --hook-timeout must be positive (seconds)")
        }
    }

    func run() async throws {
        let assessor = try health.assessor()
        let client = try app.client()
        let application: Application
        let loaded: SourceFetcher.Fetched
        do {
            (application, loaded) = try await app.load(render, client: client)
        } catch {
            await client.shutdown()
            throw error
        }
        var engine = SyncEngine(client: client)
        engine.concurrency = concurrency
        engine.health = assessor
        engine.waveTimeout = .seconds(waveTimeout)
        engine.hookTimeout = .seconds(hookTimeout)
        let reporter = ProgressReporter(enabled: output == .table)
        let options = SyncRunOptions(
            prune: prune || application.spec.syncPolicy.automated?.prune == true, dryRun: dryRun,
            allowMassPrune: allowMassPrune)
        let result: SyncResult
        do {
            result = try await engine.sync(application, desired: loaded.objects, options: options) { event in
                reporter.report(event)
            }
        } catch {
            await client.shutdown()
            throw error
        }
        reporter.finish()
        await client.shutdown()
        Warnings.print(result.warnings)
        switch output {
        case .json:
            print(result.json(commit: loaded.commit).prettyJSONString())
        case .table:
            print(result.report(commit: loaded.commit, dryRun: dryRun))
        }
        if !result.succeeded { throw ExitCode(1) }
    }
}

/// Prints sync progress: a live line on a terminal, plain lines in a pipe; a sync that waits (for a
/// hook, a wave's health) says what for and for how long, every ``SyncEngine/progressInterval``.
final class ProgressReporter: @unchecked Sendable {
    private let enabled: Bool
    private let terminal = isatty(STDERR_FILENO) == 1
    private let lock = NSLock()
    private var done = 0
    private var total = 0
    private var phase = ""

    init(enabled: Bool) {
        self.enabled = enabled
    }

    func report(_ event: SyncProgress) {
        guard enabled else { return }
        lock.lock()
        defer { lock.unlock() }
        switch event {
        case .phaseStarted(let name, let objects):
            guard objects > 0 else { return }
            phase = name
            done = 0
            total = objects
            if !terminal { write("\(name): \(objects) object\(objects == 1 ? "" : "s")\n") }
        case .objectFinished(let result):
            done += 1
            if terminal {
                write("\r\u{1B}[2K\(phase): \(done)/\(total) \(result.ref) \(result.action.rawValue)")
            } else {
                write(
                    "  \(result.ref) \(result.action.rawValue)\(result.message.isEmpty ? "" : ": \(result.message)")\n")
            }
        case .waiting(let what, let elapsed, let timeout):
            let line = "waiting for \(what) (\(elapsed.components.seconds) s of \(timeout.components.seconds) s)"
            write(terminal ? "\r\u{1B}[2K\(phase): \(line)" : "  \(line)\n")
        }
    }

    func finish() {
        if enabled && terminal { write("\r\u{1B}[2K") }
    }

    private func write(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }
}
