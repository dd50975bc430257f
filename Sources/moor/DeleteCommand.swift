import ArgumentParser
import Controller
import Foundation
import MoorCore
import Sync

/// `moor delete`: removes a command-line application's objects from the cluster, under the rules
/// of prune (``SyncPlanner/deletion(desired:tracked:)``), after a confirmation.
struct DeleteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "delete",
        abstract: "Delete the objects an application applied (tracking id names it), in reverse apply order.",
        discussion: """
            The application is rendered to learn which namespaces it uses: objects in other namespaces \
            are reported and kept, as are Prune=false objects. Asks for confirmation on a terminal; \
            otherwise --yes is required.
            """)

    @OptionGroup var app: ApplicationFlags
    @OptionGroup var render: RenderFlags

    @Flag(name: [.customShort("y"), .long], help: "Delete without asking.")
    var yes = false

    @Flag(name: .customLong("dry-run"), help: "Show what would be deleted; delete nothing.")
    var dryRun = false

    @Option(name: [.customShort("o"), .long], help: "Output format: table or json.")
    var output: OutputFormat = .table

    func validate() throws {
        if !yes, !dryRun, isatty(STDIN_FILENO) != 1 {
            throw ValidationError(
                "standard input is not a terminal, so moor delete cannot ask: confirm with --yes (or look first "
                    + "with --dry-run); nothing was deleted")
        }
    }

    func run() async throws {
        let client = try app.client()
        let engine = SyncEngine(client: client)
        let result: SyncResult
        let loaded: SourceFetcher.Fetched
        let application: Application
        do {
            (application, loaded) = try await app.load(render, client: client)
            let plan = try await engine.deletionPlan(application, desired: loaded.objects)
            if !dryRun, !yes, !plan.delete.isEmpty, !Self.confirm(plan) {
                FileHandle.standardError.write(Data("Error: not confirmed; nothing was deleted\n".utf8))
                throw ExitCode(1)
            }
            let reporter = ProgressReporter(enabled: output == .table)
            result = await engine.delete(plan, dryRun: dryRun) { reporter.report($0) }
            reporter.finish()
        } catch {
            await client.shutdown()
            throw error
        }
        await client.shutdown()
        switch output {
        case .json: print(result.json(commit: loaded.commit).prettyJSONString())
        case .table:
            let mode = dryRun ? " (dry run: nothing was deleted)" : ""
            print(
                result.table() + "\(result.succeeded ? "Deleted" : "Delete FAILED") \(application.name)\(mode): "
                    + "\(result.message)\nwrite requests: \(result.writes)")
        }
        if !result.succeeded { throw ExitCode(1) }
    }

    /// Lists what `plan` deletes on standard error and asks; `true` for `y` or `yes`.
    private static func confirm(_ plan: DeletionPlan) -> Bool {
        var text = plan.delete.map { "  \($0)\n" }.joined()
        text += "Delete these \(plan.delete.count) objects of application \(plan.application)? [y/N] "
        FileHandle.standardError.write(Data(text.utf8))
        let answer = readLine()?.trimmingCharacters(in: .whitespaces).lowercased()
        return answer == "y" || answer == "yes"
    }
}
