import ArgumentParser
import Controller
import Foundation

/// `moor preview`: what a revision of a repository, such as a pull request's head, would change in
/// the live cluster, for each Application resource whose watched paths the change touches.
struct PreviewCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "preview",
        abstract: "Show what a revision of a repository would change in the cluster (exit 0 none, 1 differences).",
        discussion: """
            Lists the Application resources whose source is --repo, finds the files the revision changes \
            against each one's own target revision (from their merge base), and for those whose watched \
            paths it touches (the source's path, or the manifest-generate-paths annotation) renders the \
            revision and compares it with the destination cluster as `moor app diff` does. Writes \
            nothing. Exit code 0 when nothing would change, 1 with differences, 2 when an application \
            could not be previewed or on errors.
            """)

    @OptionGroup var cluster: AppClusterFlags
    @OptionGroup var source: AppSourceFlags

    @Option(help: "The repository whose applications to preview (any URL of it).")
    var repo: String

    @Option(help: "The revision to render: a pull request's head ref (refs/pull/N/head), a branch, tag or commit.")
    var revision: String

    @OptionGroup var color: DiffColorFlags

    func run() async throws {
        let request = ApplicationController.PreviewRequest(repository: repo, revision: revision)
        let preview = try await ExitStatus.guarding {
            try await cluster.withClient { client in
                try await ApplicationController.preview(
                    request, namespace: cluster.namespace, access: try source.access(client))
            }
        }
        switch cluster.output {
        case .json: print(preview.json.prettyJSONString())
        case .table: print(preview.report(colored: color.enabled), terminator: "")
        }
        if preview.failed { throw ExitCode(2) }
        if preview.differs { throw ExitCode(1) }
    }
}

extension ApplicationController.Preview {
    /// The preview as text: each touched application with its differing objects and their diffs,
    /// then the applications the change does not touch.
    func report(colored: Bool) -> String {
        var out = "Preview of \(request.repository) at \(request.revision)"
        if let commit { out += " (\(commit.sha.prefix(12)) \(commit.subject))" }
        out += "\n"
        if applications.isEmpty {
            out +=
                untouched.isEmpty
                ? "No application uses this repository.\n"
                : "The change touches no application's paths.\n"
        }
        for application in applications {
            out += "\nApplication \(application.name)"
            if !application.changedPaths.isEmpty {
                out += " (changed: \(application.changedPaths.joined(separator: ", ")))"
            }
            out += "\n"
            let diff = application.diff
            if diff.isEmpty {
                out += "  \(application.summary)\n"
            } else {
                out += colored ? DiffColor.apply(diff) : diff
            }
        }
        if !untouched.isEmpty { out += "\nNot touched by the change: \(untouched.joined(separator: ", "))\n" }
        return out
    }
}
