import ArgumentParser
import Render

/// `moor helm-library` (hidden): the child process in which the controller renders Helm charts with
/// the Helm library, so that a chart that allocates without bound or loops costs only its own render
/// (``HelmLibraryProcess``). Prints one JSON answer; a Helm error is part of the answer.
struct HelmLibraryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "helm-library", abstract: "Serve one Helm library request (used by moor controller).",
        shouldDisplay: false)

    @Option(help: "The Helm library (libhelm_c.so).")
    var library: String

    @Option(help: "The request file (JSON).")
    var request: String

    func run() async throws {
        let answer = await HelmLibraryProcess.serve(request: request, libraryPath: library)
        print(answer.jsonString())
    }
}
