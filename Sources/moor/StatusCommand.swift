import ArgumentParser
import Controller
import Foundation
import MoorCore
import Sync

/// `moor status`: the application's sync status and health, object by object.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Show an application's sync status and the health of its objects.")

    @OptionGroup var app: ApplicationFlags
    @OptionGroup var render: RenderFlags
    @OptionGroup var health: HealthFlags

    @Option(name: [.customShort("o"), .long], help: "Output format: table or json.")
    var output: OutputFormat = .table

    func run() async throws {
        let assessor = try health.assessor()
        var engine = SyncEngine(client: try app.client())
        engine.health = assessor
        let client = engine.client
        let comparison: ApplicationComparison
        let application: Application
        let loaded: SourceFetcher.Fetched
        do {
            (application, loaded) = try await app.load(render, client: client)
            comparison = try await engine.compare(application, desired: loaded.objects)
        } catch {
            await client.shutdown()
            throw error
        }
        await client.shutdown()
        Warnings.print(comparison.plan.warnings)
        let status = ApplicationStatusReport(
            application: application, commit: loaded.commit, comparison: comparison, health: engine.health)
        switch output {
        case .json: print(status.json().prettyJSONString())
        case .table: print(status.text(), terminator: "")
        }
    }
}
