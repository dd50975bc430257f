import ArgumentParser
import Controller
import Foundation
import MoorCore
import Sync

/// `moor diff`: shows how the cluster differs from Git. Exit code 0 in sync, 1 with
/// differences, greater than 1 on errors (as `kubectl diff`).
struct DiffCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff", abstract: "Show how the cluster differs from Git (exit 0 in sync, 1 differences).")

    @OptionGroup var app: ApplicationFlags
    @OptionGroup var render: RenderFlags

    @Option(name: [.customShort("o"), .long], help: "Output format: table or json.")
    var output: OutputFormat = .table

    @OptionGroup var color: DiffColorFlags

    func run() async throws {
        let comparison = try await ExitStatus.guarding {
            () async throws -> (ApplicationComparison, SourceFetcher.Fetched) in
            let client = try app.client()
            defer { Task { await client.shutdown() } }
            let (application, loaded) = try await app.load(render, client: client)
            return (try await SyncEngine(client: client).compare(application, desired: loaded.objects), loaded)
        }
        let (result, loaded) = comparison
        Warnings.print(result.plan.warnings)
        result.print(output, commit: loaded.commit, colored: color.enabled)
        if result.syncStatus != .synced { throw ExitCode(1) }
    }
}

/// Maps errors to exit code 2 (1 means "differences" for `moor diff`).
enum ExitStatus {
    static func guarding<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as ExitCode {
            throw error
        } catch {
            FileHandle.standardError.write(Data("Error: \(error)\n".utf8))
            throw ExitCode(2)
        }
    }
}
