import ArgumentParser
import Controller
import Foundation
import GitSource
import KubeClient
import MoorCore
import MoorYAML
import Render

/// Which application a command works on: `-f app.yaml`, or flags that describe one.
struct ApplicationFlags: ParsableArguments {
    @Option(name: [.customShort("f"), .long], help: "An Application manifest (moor.dev/v1alpha1 or Argo CD's).")
    var file: String?

    @Option(help: "Application name (with flags instead of -f).")
    var name: String?

    @Option(help: "Repository URL, or a local directory to render without Git.")
    var repo: String?

    @Option(help: "Branch, tag, commit, semver constraint or HEAD.")
    var revision: String = "HEAD"

    @Option(help: "Directory inside the repository.")
    var path: String = "."

    @Option(name: .customLong("dest-namespace"), help: "Namespace for namespaced objects that name none.")
    var destinationNamespace: String?

    @Option(name: .customLong("sync-option"), help: "A sync option such as CreateNamespace=true (repeatable).")
    var syncOptions: [String] = []

    @Option(
        name: .customLong("verify-keyring"),
        help: "Refuse commits not signed by a key in this GnuPG home directory (trusted public keys).")
    var verifyKeyring: String?

    @Option(name: .customLong("kubeconfig"), help: "Kubeconfig file(s), colon-separated (default: $KUBECONFIG).")
    var kubeconfig: String?

    @Option(name: .customLong("dest-context"), help: "Kubeconfig context of the destination cluster.")
    var context: String?

    func validate() throws {
        if file == nil, repo == nil {
            throw ValidationError("name an application with -f FILE, or with --name and --repo")
        }
        if file != nil, repo != nil || name != nil {
            throw ValidationError("-f and --name/--repo exclude each other")
        }
    }

    /// The application described.
    func application(renderOptions: JSONValue = .emptyObject) throws -> Application {
        if let file {
            let text: String
            do {
                text = try String(contentsOfFile: file, encoding: .utf8)
            } catch {
                throw ValidationError("cannot read \(file): \(error.localizedDescription)")
            }
            let documents = try YAMLReader.documents(text)
            guard documents.count == 1, let manifest = documents.first?.value else {
                throw ValidationError("\(file) must hold exactly one Application")
            }
            var application = try Application(manifest: manifest)
            let unknown = application.spec.syncPolicy.syncOptions.apply(syncOptions)
            guard unknown.isEmpty else { throw ValidationError("unknown sync options: \(unknown.joined(separator: ", "))") }
            if let destinationNamespace { application.spec.destination.namespace = destinationNamespace }
            return application
        }
        var source = renderOptions
        source["repoURL"] = .string(repo ?? "")
        source["targetRevision"] = .string(revision)
        source["path"] = .string(path)
        var manifest: JSONValue = [
            "apiVersion": .string(Application.apiVersion), "kind": "Application",
            "metadata": ["name": .string(name ?? Self.defaultName(path: path, repo: repo ?? ""))],
            "spec": ["source": source, "destination": ["namespace": .string(destinationNamespace ?? "")]],
        ]
        if !syncOptions.isEmpty {
            manifest[path: "spec", "syncPolicy", "syncOptions"] = .array(syncOptions.map(JSONValue.string))
        }
        return try Application(manifest: manifest)
    }

    /// The application with `render`'s options, fetched (signature checked with `--verify-keyring`) and
    /// rendered for its destination: Helm sees the destination namespace and, with `client`, the
    /// destination cluster's version and API versions as `.Capabilities`.
    func load(_ render: RenderFlags, client: KubeClient? = nil) async throws -> (Application, SourceFetcher.Fetched) {
        let application = try application(renderOptions: render.sourceOptions())
        var environment = RenderEnvironment(namespace: application.spec.destination.namespace)
        if let client { environment = try await RenderEnvironment.destination(of: application, client: client) }
        let fetched = try await SourceLoader.load(
            application.spec.source, verifyKeyring: verifyKeyring, environment: environment)
        if fetched.objects.isEmpty {
            let source = application.spec.source
            let revision = fetched.commit.map { " at \($0.sha.prefix(12))" } ?? ""
            let repository = (try? GitRepositoryURL(source.repoURL))?.description ?? source.repoURL
            let message = "Warning: 0 objects: path '\(source.path)' of \(repository)\(revision) rendered none; "
                + "check the path and revision\n"
            FileHandle.standardError.write(Data(message.utf8))
        }
        return (application, fetched)
    }

    /// A name from the path's last component (or the repository's).
    static func defaultName(path: String, repo: String) -> String {
        let base = path == "." || path.isEmpty ? repo : path
        let last = base.split(separator: "/").last.map(String.init) ?? "app"
        let cleaned = String(last.lowercased().map { $0.isLetter || $0.isNumber ? $0 : "-" })
            .trimmingCharacters(in: CharacterSet(charactersIn: "-"))
        return cleaned.isEmpty ? "app" : cleaned
    }

    /// A client for the destination cluster.
    func client() throws -> KubeClient {
        let files = kubeconfig.map { $0.split(separator: ":").map(String.init) }
        return try KubeClient(kubeconfig: files, context: context)
    }
}

/// How a command prints its result.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case table, json
}
