import ArgumentParser

/// `moor render`: prints the objects an application would apply.
struct RenderCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "render", abstract: "Render an application's manifests.")

    func run() async throws {}
}
