import ArgumentParser
import ChartSource
import Controller
import Foundation
import GitSource
import MoorCore
import MoorYAML
import Render

/// The command-line tool's view of sources: the cache directory and credentials come from the
/// environment.
enum SourceLoader {
    /// Where bare mirrors are kept between runs.
    static var cacheDirectory: String { cacheRoot + "/git" }

    /// Where unpacked remote charts are kept between runs.
    static var chartCacheDirectory: String { cacheRoot + "/charts" }

    /// `$MOOR_CACHE_DIR`, else `$XDG_CACHE_HOME/moor` (by default `~/.cache/moor`): every cache, which
    /// no application may use as a source.
    static var cacheRoot: String {
        let environment = ProcessInfo.processInfo.environment
        if let explicit = environment["MOOR_CACHE_DIR"], !explicit.isEmpty { return explicit }
        return (environment["XDG_CACHE_HOME"] ?? (NSHomeDirectory() + "/.cache")) + "/moor"
    }

    /// A fetcher over the process's caches, taking repository credentials from `credentials`, rendering
    /// with `render`.
    static func fetcher(
        credentials: RepositoryCredentialSource = .none, render: RenderConfiguration = RenderConfiguration()
    ) throws -> SourceFetcher {
        SourceFetcher(
            cache: try GitSourceCache(directory: cacheDirectory), renderer: Renderer(configuration: render),
            charts: try ChartCache(directory: chartCacheDirectory), repositoryCredentials: credentials)
    }

    /// How `moor controller` renders: the Helm library in children of this very executable, every tool
    /// limited to `memoryLimit` bytes, so that a render bomb costs only its own application.
    static func controllerRendering(memoryLimit: Int) -> RenderConfiguration {
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path
        return RenderConfiguration(helmIsolation: HelmIsolation(executable: executable), toolMemoryLimit: memoryLimit)
    }

    /// The repository credentials in `file`, else in `$MOOR_REPO_CREDENTIALS_FILE`: Secret manifests in
    /// Argo CD's format (labelled `argocd.argoproj.io/secret-type: repository` or `repo-creds`), as
    /// `kubectl` would apply them; none without either.
    static func repositoryCredentials(file: String?) throws -> RepositoryCredentials {
        guard let path = file ?? ProcessInfo.processInfo.environment["MOOR_REPO_CREDENTIALS_FILE"], !path.isEmpty else {
            return RepositoryCredentials()
        }
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ValidationError("cannot read the repository credentials file \(path): \(error.localizedDescription)")
        }
        let documents: [YAMLDocument]
        do {
            documents = try YAMLReader.documents(text)
        } catch {
            // The parser's message may quote the text, which holds secrets.
            throw ValidationError("the repository credentials file \(path) is not valid YAML (line \(error.line))")
        }
        return try RepositoryCredentials(secrets: documents.map(\.value))
    }

    /// Credentials from the environment: `MOOR_GIT_USERNAME` + `MOOR_GIT_PASSWORD` for HTTPS, or
    /// `MOOR_GIT_SSH_KEY_FILE` (+ `MOOR_GIT_KNOWN_HOSTS_FILE`, or `MOOR_GIT_INSECURE_HOST_KEY=1`) for SSH.
    static func credentials() throws -> GitCredentials {
        let environment = ProcessInfo.processInfo.environment
        if let username = environment["MOOR_GIT_USERNAME"], let password = environment["MOOR_GIT_PASSWORD"] {
            return .https(username: username, password: password)
        }
        if let keyFile = environment["MOOR_GIT_SSH_KEY_FILE"] {
            let key = try String(contentsOfFile: keyFile, encoding: .utf8)
            let knownHosts = try environment["MOOR_GIT_KNOWN_HOSTS_FILE"].map {
                try String(contentsOfFile: $0, encoding: .utf8)
            }
            return .ssh(
                privateKey: key, knownHosts: knownHosts ?? "",
                insecureIgnoreHostKey: environment["MOOR_GIT_INSECURE_HOST_KEY"] == "1")
        }
        return .none
    }

    /// Fetches and renders `source` for `environment` with the process environment's cache and credentials.
    static func load(
        _ source: ApplicationSource, verifyKeyring: String? = nil, repositoryCredentialsFile: String? = nil,
        environment: RenderEnvironment
    ) async throws -> SourceFetcher.Fetched {
        let fetcher = try fetcher(credentials: .fixed(try repositoryCredentials(file: repositoryCredentialsFile)))
        return try await fetcher.fetch(
            source, credentials: try credentials(), verifyKeyring: verifyKeyring, environment: environment)
    }
}
