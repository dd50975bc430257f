import ArgumentParser
import Controller
import Foundation
import GitSource
import KubeClient
import MoorCore
import Sync

/// `moor app`: the Application resources in the cluster and what the controller recorded about them.
struct AppCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "app",
        abstract: "List, show, diff, sync and roll back the Application resources the controller manages.",
        subcommands: [List.self, Get.self, Diff.self, Sync.self, History.self, Rollback.self])

    /// `moor app list`: one line per Application resource.
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list", abstract: "List Application resources with their sync status and health.")

        @OptionGroup var cluster: AppClusterFlags

        @Flag(name: [.customShort("A"), .customLong("all-namespaces")], help: "List every namespace's applications.")
        var allNamespaces = false

        func run() async throws {
            let items = try await cluster.withClient { client in
                let resource = try await client.resource(apiVersion: Application.apiVersion, kind: Application.kind)
                let namespace = allNamespaces ? nil : cluster.namespace ?? client.connection.namespace
                return try await client.listAll(resource, namespace: namespace).items
            }
            switch cluster.output {
            case .json: print(JSONValue.array(items.map(AppSummary.init).map(\.json)).prettyJSONString())
            case .table:
                var table = TextTable("NAMESPACE", "NAME", "SYNC", "HEALTH", "REVISION", "AUTOMATED")
                for summary in items.map(AppSummary.init) { table.add(summary.cells) }
                print(table.render(), terminator: "")
            }
        }
    }

    /// `moor app get NAME`: one Application resource's source, policy, status and objects.
    struct Get: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "get", abstract: "Show an Application resource's status, object by object.")

        @OptionGroup var cluster: AppClusterFlags

        @Argument(help: "The Application resource's name.")
        var name: String

        func run() async throws {
            let manifest = try await cluster.withClient { try await $0.get(cluster.ref(name)) }
            switch cluster.output {
            case .json: print(manifest.prettyJSONString())
            case .table: print(AppSummary(manifest).details(), terminator: "")
            }
        }
    }

    /// `moor app history NAME`: the syncs the controller recorded, newest first.
    struct History: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "history", abstract: "Show an application's last syncs, newest first (ids for rollback).")

        @OptionGroup var cluster: AppClusterFlags

        @Argument(help: "The Application resource's name.")
        var name: String

        func run() async throws {
            let manifest = try await cluster.withClient { try await $0.get(cluster.ref(name)) }
            let history = manifest[path: "status", "history"] ?? []
            switch cluster.output {
            case .json: print(history.prettyJSONString())
            case .table:
                var table = TextTable("ID", "REVISION", "DEPLOYED", "RESULT", "AUTHOR", "SUBJECT")
                for entry in ApplicationStatus.history(from: history) {
                    table.add([
                        "\(entry.id)", String(entry.revision.prefix(12)), entry.deployedAt.formatted(.iso8601),
                        entry.result.rawValue, entry.author, entry.subject,
                    ])
                }
                print(table.render(), terminator: "")
            }
        }
    }

    /// `moor app rollback NAME ID|REVISION`: syncs an earlier history entry and turns automated sync off.
    struct Rollback: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rollback",
            abstract: "Sync an earlier history entry's commit and turn automated sync off for the application.",
            discussion: """
                Removes spec.syncPolicy.automated from the Application resource (as Argo CD does), so \
                the controller leaves the rolled-back state alone until automated sync is set again, \
                then syncs the entry's exact commit and records it in the status. Exits 1 when the sync fails.
                """)

        @OptionGroup var cluster: AppClusterFlags

        @Argument(help: "The Application resource's name.")
        var name: String

        @Argument(help: "A history id (see `moor app history`) or a commit SHA (at least 4 digits) in the history.")
        var target: String

        @Flag(help: "Also delete objects the earlier commit does not have.")
        var prune = false

        @OptionGroup var source: AppSourceFlags

        func run() async throws {
            let rollbackTarget: ApplicationController.RollbackTarget =
                Int(target).map { .history($0) }
                ?? .revision(target)
            let result = try await cluster.withClient { client in
                try await ApplicationController.rollback(
                    resource: cluster.ref(name), to: rollbackTarget, prune: prune, access: try source.access(client))
            }
            switch cluster.output {
            case .json:
                let json: JSONValue = [
                    "application": .string(name), "historyID": .int(result.entry.id),
                    "revision": .string(result.entry.revision), "phase": .string(result.operation.phase.rawValue),
                    "result": .string(result.operation.message), "automated": false, "message": .string(result.message),
                ]
                print(json.prettyJSONString())
            case .table: print("\(result.message)\n\(result.operation.message)")
            }
            if result.operation.phase != .succeeded { throw ExitCode(1) }
        }
    }
}

/// The cluster and namespace of the Application resources, and the output format.
struct AppClusterFlags: ParsableArguments {
    @Option(name: .customLong("kubeconfig"), help: "Kubeconfig file(s), colon-separated (default: $KUBECONFIG).")
    var kubeconfig: String?

    @Option(help: "Kubeconfig context of the cluster.")
    var context: String?

    @Option(name: [.short, .long], help: "Namespace of the Application resources (default: the context's).")
    var namespace: String?

    @Option(name: [.customShort("o"), .long], help: "Output format: table or json.")
    var output: OutputFormat = .table

    /// The Application resource `name` in the chosen namespace (the context's when none is given).
    func ref(_ name: String) -> ObjectRef {
        ObjectRef(apiVersion: Application.apiVersion, kind: Application.kind, namespace: namespace ?? "", name: name)
    }

    /// Runs `body` with a client of the cluster, shut down afterwards whatever happens.
    func withClient<T: Sendable>(_ body: (KubeClient) async throws -> T) async throws -> T {
        let client = try KubeClient(
            kubeconfig: kubeconfig.map { $0.split(separator: ":").map(String.init) }, context: context)
        do {
            let value = try await body(client)
            await client.shutdown()
            return value
        } catch {
            await client.shutdown()
            throw error
        }
    }
}

/// What `moor app list` and `get` show of one Application resource.
struct AppSummary {
    let manifest: JSONValue

    init(_ manifest: JSONValue) {
        self.manifest = manifest
    }

    private func string(_ keys: String...) -> String {
        keys.reduce(Optional(manifest)) { $0?[$1] }?.stringValue ?? ""
    }

    private var automated: String {
        guard let automated = manifest[path: "spec", "syncPolicy", "automated"], !automated.isNull else { return "no" }
        let flags = ["prune", "selfHeal"].filter { automated[$0] == true }
        return flags.isEmpty ? "yes" : "yes (\(flags.joined(separator: ", ")))"
    }

    /// Namespace, name, sync, health, revision, automated.
    var cells: [String] {
        [
            string("metadata", "namespace"), string("metadata", "name"), string("status", "sync", "status"),
            string("status", "health", "status"), String(string("status", "sync", "revision").prefix(12)), automated,
        ]
    }

    var json: JSONValue {
        [
            "namespace": .string(string("metadata", "namespace")), "name": .string(string("metadata", "name")),
            "repoURL": .string(string("spec", "source", "repoURL")), "path": .string(string("spec", "source", "path")),
            "targetRevision": .string(string("spec", "source", "targetRevision")),
            "sync": .string(string("status", "sync", "status")),
            "health": .string(string("status", "health", "status")),
            "revision": .string(string("status", "sync", "revision")), "automated": .bool(automated != "no"),
        ]
    }

    /// Source, policy, status, conditions, then the objects as a table.
    func details() -> String {
        var out = "Application: \(string("metadata", "namespace"))/\(string("metadata", "name"))\n"
        let sources = manifest[path: "spec", "sources"]?.arrayValue ?? []
        let revisions = (manifest[path: "status", "sync", "revisions"]?.arrayValue ?? []).compactMap(\.stringValue)
        if sources.isEmpty {
            out += "Source:      \(string("spec", "source", "repoURL")) (path \(string("spec", "source", "path")), "
            out += "revision \(string("spec", "source", "targetRevision")))\n"
        }
        for (index, json) in sources.enumerated() {
            let source = ApplicationSource(
                repoURL: json["repoURL"]?.stringValue ?? "",
                targetRevision: json["targetRevision"]?.stringValue ?? "HEAD",
                path: json["path"]?.stringValue ?? ".", options: json)
            let synced =
                index < revisions.count && !revisions[index].isEmpty ? " at \(revisions[index].prefix(12))" : ""
            out += "Source \(index + 1):\(index < 9 ? "    " : "   ")\(source.summary)\(synced)\n"
        }
        out += "Automated:   \(automated)\n"
        let revision = string("status", "sync", "revision").prefix(12)
        out += "Sync status: \(string("status", "sync", "status")) (\(revision))\n"
        out += "Health:      \(string("status", "health", "status"))\n"
        if let rollback = ApplicationStatus.rollback(from: manifest[path: "status", "rollback"]) {
            out += "Rollback:    \(rollback.message)\n"
        }
        for condition in manifest[path: "status", "conditions"]?.arrayValue ?? [] {
            out += "Condition:   \(condition["type"]?.stringValue ?? ""): \(condition["message"]?.stringValue ?? "")\n"
        }
        var table = TextTable("KIND", "NAMESPACE", "NAME", "SYNC", "HEALTH")
        for resource in manifest[path: "status", "resources"]?.arrayValue ?? [] {
            let cells = ["kind", "namespace", "name", "status", "health"].map { key in
                resource[key]?.stringValue.flatMap { $0.isEmpty ? nil : $0 } ?? "-"
            }
            table.add(cells)
        }
        return out + "\n" + table.render()
    }
}
