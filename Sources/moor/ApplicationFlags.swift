import ArgumentParser
import Controller
import Foundation
import GitSource
import KubeClient
import MoorCore
import MoorYAML
import Render

/// Which application a command works on: `-f app.yaml`, or flags that describe one.
///
/// With flags, `--name` is required by every command that reaches a cluster (the name goes into
/// every tracking id; a name guessed from the path would let two applications prune each other's
/// objects). With `-f`, `--name` and `--repo` are refused (the file names the application and its
/// repository), and the other flags override the file's fields (``ApplicationOverrides``).
struct ApplicationFlags: ParsableArguments {
    @Option(name: [.customShort("f"), .long], help: "An Application manifest (moor.dev/v1alpha1 or Argo CD's).")
    var file: String?

    @Option(help: "Application name (required with --repo, except for render).")
    var name: String?

    @Option(help: "Repository URL, or a local directory to render without Git.")
    var repo: String?

    @Option(help: "A chart to take from --repo as a Helm repository or OCI registry (Argo CD's source.chart).")
    var chart: String?

    @Option(help: "Branch, tag, commit, semver constraint or HEAD (default HEAD; overrides the file's).")
    var revision: String?

    @Option(help: "Directory inside the repository (default .; overrides the file's).")
    var path: String?

    @Option(name: .customLong("dest-namespace"), help: "Namespace for namespaced objects that name none.")
    var destinationNamespace: String?

    @Option(name: .customLong("sync-option"), help: "A sync option such as CreateNamespace=true (repeatable).")
    var syncOptions: [String] = []

    @Option(
        name: .customLong("verify-keyring"),
        help: "Refuse commits not signed by a key in this GnuPG home directory (trusted public keys).")
    var verifyKeyring: String?

    @Option(
        name: .customLong("repo-credentials"),
        help: "Repository credential Secrets in Argo CD's format (default: $MOOR_REPO_CREDENTIALS_FILE).")
    var repositoryCredentials: String?

    @Option(name: .customLong("kubeconfig"), help: "Kubeconfig file(s), colon-separated (default: $KUBECONFIG).")
    var kubeconfig: String?

    @Option(name: .customLong("dest-context"), help: "Kubeconfig context of the destination cluster.")
    var context: String?

    func validate() throws {
        if file == nil, repo == nil {
            throw ValidationError("name an application with -f FILE, or with --name and --repo")
        }
        if file != nil, repo != nil || name != nil || chart != nil {
            throw ValidationError(
                "-f and --name/--repo/--chart exclude each other: the file names the application and its repository")
        }
        if let name { try ApplicationName.validate(name) }
    }

    /// The application described, and what `-f` flags overrode (empty with flags only). Without
    /// `named`, flags need no `--name` (for `moor render`, which reaches no cluster).
    func application(renderOptions: JSONValue = .emptyObject, named: Bool = true) throws -> (Application, [String]) {
        if let file {
            let text: String
            do {
                text = try String(contentsOfFile: file, encoding: .utf8)
            } catch {
                throw ValidationError("cannot read \(file): \(error.localizedDescription)")
            }
            let documents: [YAMLDocument]
            do {
                documents = try YAMLReader.documents(text)
            } catch {
                throw ValidationError("\(file):\(error.line > 0 ? "\(error.line):" : "") invalid YAML: \(error.reason)")
            }
            guard documents.count == 1, let document = documents.first else {
                throw ValidationError("\(file) must hold exactly one Application")
            }
            let overrides = ApplicationOverrides(
                targetRevision: revision, path: path, destinationNamespace: destinationNamespace,
                syncOptions: syncOptions, source: renderOptions)
            do {
                return try Application(manifest: document.value).overridden(by: overrides)
            } catch {
                throw ValidationError("\(file):\(document.line): \(error)")
            }
        }
        guard let name = name ?? (named ? nil : "render") else {
            throw ValidationError(
                "--name is required with --repo: the name goes into every object's tracking id, and two "
                    + "applications of one name prune each other's objects (e.g. --name web-prod)")
        }
        var source = renderOptions
        source["repoURL"] = .string(repo ?? "")
        if let chart { source["chart"] = .string(chart) }
        source["targetRevision"] = .string(revision ?? "HEAD")
        source["path"] = .string(path ?? ".")
        var manifest: JSONValue = [
            "apiVersion": .string(Application.apiVersion), "kind": "Application",
            "metadata": ["name": .string(name)],
            "spec": ["source": source, "destination": ["namespace": .string(destinationNamespace ?? "")]],
        ]
        if !syncOptions.isEmpty {
            manifest[path: "spec", "syncPolicy", "syncOptions"] = .array(syncOptions.map(JSONValue.string))
        }
        return (try Application(manifest: manifest), [])
    }

    /// The application with `render`'s options, fetched (signature checked with `--verify-keyring`) and
    /// rendered for its destination: Helm sees the destination namespace and, with `client`, the
    /// destination cluster's version and API versions as `.Capabilities`. First prints to standard
    /// error which application it is and which of the file's fields flags overrode (for `moor render`,
    /// `named` false, only when flags overrode some); warns when the render yields no object.
    func load(
        _ render: RenderFlags, named: Bool = true, client: KubeClient? = nil
    ) async throws -> (Application, SourceFetcher.Fetched) {
        let (application, overridden) = try self.application(renderOptions: render.sourceOptions(), named: named)
        if named || !overridden.isEmpty {
            FileHandle.standardError.write(Data((announcement(application, overridden) + "\n").utf8))
        }
        var environment = RenderEnvironment(namespace: application.spec.destination.namespace)
        if let client { environment = try await RenderEnvironment.destination(of: application, client: client) }
        let fetched = try await SourceLoader.load(
            application.spec.source, verifyKeyring: verifyKeyring, repositoryCredentialsFile: repositoryCredentials,
            environment: environment)
        if fetched.objects.isEmpty {
            let source = application.spec.source
            let revision = fetched.revision.map { " at \($0.prefix(12))" } ?? ""
            let repository = (try? GitRepositoryURL(source.repoURL))?.description ?? source.repoURL
            let message =
                "Warning: 0 objects: path '\(source.path)' of \(repository)\(revision) rendered none; "
                + "check the path and revision\n"
            FileHandle.standardError.write(Data(message.utf8))
        }
        return (application, fetched)
    }

    /// `application: NAME`, with the file it came from and the fields flags overrode.
    func announcement(_ application: Application, _ overridden: [String]) -> String {
        guard let file else { return "application: \(application.name)" }
        let flags = overridden.isEmpty ? "" : "; flags override \(overridden.joined(separator: ", "))"
        return "application: \(application.name) (from \(file)\(flags))"
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
