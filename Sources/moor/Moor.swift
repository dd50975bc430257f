import ArgumentParser

/// The `moor` command: parses, calls the library modules, prints.
@main
struct Moor: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "moor",
        abstract: "Moor keeps Kubernetes clusters moored to Git.",
        version: MoorVersion.current,
        subcommands: [
            VersionCommand.self, RenderCommand.self, DiffCommand.self, SyncCommand.self, StatusCommand.self,
            InstallCommand.self,
        ]
    )
}
