import ArgumentParser
import Foundation
import Logging

/// Entry point: sends logs to standard error (level from `MOOR_LOG_LEVEL`, default `warning`),
/// then runs the command.
@main
enum MoorMain {
    static func main() async {
        let level = ProcessInfo.processInfo.environment["MOOR_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:))
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level ?? .warning
            return handler
        }
        await Moor.main()
    }
}

/// The `moor` command: parses, calls the library modules, prints.
struct Moor: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "moor",
        abstract: "Moor keeps Kubernetes clusters moored to Git.",
        version: MoorVersion.current,
        subcommands: [
            VersionCommand.self, RenderCommand.self, DiffCommand.self, SyncCommand.self, StatusCommand.self,
            DeleteCommand.self, InstallCommand.self, ControllerCommand.self, AppCommand.self, PreviewCommand.self,
            HelmLibraryCommand.self,
        ]
    )
}
