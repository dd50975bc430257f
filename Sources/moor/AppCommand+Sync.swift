import ArgumentParser
import Controller
import Foundation
import GitSource
import KubeClient
import MoorCore
import Render
import Sync

extension AppCommand {
    /// `moor app diff NAME`: how the cluster differs from Git for one Application resource.
    struct Diff: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "diff",
            abstract: "Show how the cluster differs from Git for an Application resource (exit 0 in sync).",
            discussion: """
                Reads the Application resource, fetches and renders its source and compares it with its \
                destination cluster as the controller does; writes nothing. Exit code 0 in sync, 1 with \
                differences, 2 on errors.
                """)

        @OptionGroup var cluster: AppClusterFlags
        @OptionGroup var source: AppSourceFlags

        @Argument(help: "The Application resource's name.")
        var name: String

        @Option(help: "Compare with this branch, tag or commit instead of spec.source.targetRevision.")
        var revision: String?

        @OptionGroup var color: DiffColorFlags

        func run() async throws {
            let (comparison, fetched) = try await ExitStatus.guarding {
                try await cluster.withClient { client in
                    try await ApplicationController.compare(
                        resource: cluster.ref(name), revision: revision, access: try source.access(client))
                }
            }
            comparison.print(
                cluster.output, commit: fetched.commit, colored: color.enabled)
            if comparison.syncStatus != .synced { throw ExitCode(1) }
        }
    }

    /// `moor app sync NAME`: syncs one Application resource now and records it in its status.
    struct Sync: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "sync",
            abstract: "Sync an Application resource now, whatever its sync policy, and record it in its status.",
            discussion: """
                Reads the Application resource, fetches and renders its source and syncs its destination \
                cluster. The operation and a history entry are written to the resource's status (a running \
                controller adopts them), with SyncStarted and SyncSucceeded/SyncFailed Events. --dry-run \
                persists and records nothing. \
                --revision is refused for an application with automated sync (it would be taken back); \
                use `moor app rollback` instead. Exits 1 when the sync fails.
                """)

        @OptionGroup var cluster: AppClusterFlags
        @OptionGroup var source: AppSourceFlags

        @Argument(help: "The Application resource's name.")
        var name: String

        @Flag(help: "Delete tracked objects Git no longer holds.")
        var prune = false

        @Flag(name: .customLong("dry-run"), help: "Do everything except persisting; record nothing.")
        var dryRun = false

        @Option(help: "Sync this branch, tag or commit instead of spec.source.targetRevision.")
        var revision: String?

        func run() async throws {
            let request = ApplicationController.SyncRequest(prune: prune, dryRun: dryRun, revision: revision)
            let (outcome, fetched) = try await cluster.withClient { client in
                try await ApplicationController.sync(
                    resource: cluster.ref(name), request, access: try source.access(client))
            }
            switch cluster.output {
            case .json:
                var json = outcome.result?.json(commit: fetched.commit) ?? ["application": .string(name)]
                json["phase"] = .string(outcome.operation.phase.rawValue)
                json["message"] = .string(outcome.operation.message)
                print(json.prettyJSONString())
            case .table:
                if let result = outcome.result {
                    print(result.report(commit: fetched.commit, dryRun: dryRun))
                } else {
                    print("Sync FAILED \(name): \(outcome.operation.message)")
                }
                if !dryRun { print("recorded in the status of \(name) (operation and history) and its events") }
            }
            if outcome.operation.phase != .succeeded { throw ExitCode(1) }
        }
    }
}

/// How commands that fetch an application's source and resolve its destination reach them
/// (`moor app`, `moor controller`).
struct AppSourceFlags: ParsableArguments {
    @Option(
        name: .customLong("verify-keyring"),
        help: "Refuse commits not signed by a key in this GnuPG home directory (trusted public keys).")
    var verifyKeyring: String?

    @Option(
        name: .customLong("cluster-namespace"),
        help: "Namespace of the cluster Secrets (label moor.dev/secret-type=cluster); default: the context's.")
    var clusterNamespace: String?

    @Option(
        name: .customLong("controller-namespace"),
        help:
            "The controller's own namespace: its AppProjects govern applications, and its Applications may use any project (controller default: $POD_NAMESPACE, else --watch-namespace, else --cluster-namespace, else the context's; moor app default: --cluster-namespace, else the Application's own)."
    )
    var controllerNamespace: String?

    @Option(
        name: .customLong("repo-credentials"),
        help: "Repository credential Secrets in Argo CD's format, besides the cluster-namespace's.")
    var repositoryCredentials: String?

    /// Access to Application resources through `client` and to their sources through the caches.
    func access(_ client: KubeClient) throws -> ApplicationController.ResourceAccess {
        ApplicationController.ResourceAccess(
            engine: SyncEngine(client: client), fetcher: try fetcher(client),
            credentials: try SourceLoader.credentials(), verifyKeyring: verifyKeyring,
            clusterSecretNamespace: clusterNamespace, controllerNamespace: controllerNamespace)
    }

    /// A fetcher whose repository credentials are `--repo-credentials`' and the credential Secrets in
    /// the cluster-namespace (by default the context's namespace).
    func fetcher(_ client: KubeClient, render: RenderConfiguration = RenderConfiguration()) throws -> SourceFetcher {
        try SourceLoader.fetcher(
            credentials: .secrets(
                client: client, namespace: clusterNamespace ?? client.connection.namespace,
                base: try SourceLoader.repositoryCredentials(file: repositoryCredentials)),
            render: render)
    }
}

extension ApplicationComparison {
    /// Prints the comparison as `moor diff` does: a table and each differing object's diff, or JSON.
    func print(_ output: OutputFormat, commit: GitCommit?, colored: Bool) {
        switch output {
        case .json: Swift.print(json(commit: commit).prettyJSONString())
        case .table:
            Swift.print(table() + driftText(), terminator: "")
            for object in objects where !object.diff.isEmpty {
                Swift.print("")
                Swift.print(
                    colored ? DiffColor.apply(object.diff) : object.diff,
                    terminator: object.diff.hasSuffix("\n") ? "" : "\n")
            }
        }
    }
}

extension SyncResult {
    /// The object table, then what happened: as `moor sync` prints it.
    func report(commit: GitCommit?, dryRun: Bool) -> String {
        let revision = commit.map { " at \($0.sha.prefix(12)) (\($0.subject))" } ?? ""
        let mode = dryRun ? " (dry run: nothing was persisted)" : ""
        // Health is reported only when some object has one: a sync that applied nothing has no health.
        let health = objects.contains { $0.health != nil } ? health.map { "health: \($0); " } ?? "" : ""
        return table() + "\(succeeded ? "Synced" : "Sync FAILED") \(application)\(revision)\(mode): \(message)\n"
            + "\(health)write requests: \(writes)"
    }
}
