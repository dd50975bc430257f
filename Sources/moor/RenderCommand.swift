import ArgumentParser
import Controller
import Foundation
import MoorCore
import MoorYAML
import Render

/// `moor render`: prints the objects an application renders to, as a YAML stream (each document
/// preceded by a `# Source: file:line` comment) or a JSON list. Exit status 1 with
/// `Error: file:line: message` on standard error when the source cannot be rendered.
struct RenderCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render", abstract: "Print the objects an application renders to, without a cluster.")

    /// How the objects are printed.
    enum Format: String, ExpressibleByArgument, CaseIterable {
        case yaml, json
    }

    @OptionGroup var app: ApplicationFlags
    @OptionGroup var render: RenderFlags

    @Option(name: [.customShort("o"), .long], help: "Output format: yaml or json.")
    var output: Format = .yaml

    func run() async throws {
        let objects: [ManifestObject]
        do {
            objects = try await app.load(render, named: false).1.objects
        } catch  where error is RenderError || error is SourceFetcher.RenderFailure {
            FileHandle.standardError.write(Data("Error: \(error)\n".utf8))
            throw ExitCode.failure
        }
        switch output {
        case .yaml:
            for object in objects {
                print("---\n# Source: \(object.source)\n" + YAMLWriter.document(object.object), terminator: "")
            }
        case .json:
            print(JSONValue.array(objects.map(\.object)).prettyJSONString())
        }
    }
}
