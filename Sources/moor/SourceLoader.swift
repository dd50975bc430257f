import Foundation
import GitSource
import MoorCore
import Render

/// Fetches an application's source at its target revision and renders it: the desired objects
/// and the commit they came from. The checkout is a throwaway copy of one commit.
struct SourceLoader {
    /// The rendered objects and their commit.
    struct Loaded {
        var commit: GitCommit?
        var objects: [ManifestObject]
    }

    /// Where bare mirrors are kept between runs.
    static var cacheDirectory: String {
        let environment = ProcessInfo.processInfo.environment
        if let explicit = environment["MOOR_CACHE_DIR"], !explicit.isEmpty { return explicit + "/git" }
        let base = environment["XDG_CACHE_HOME"] ?? (NSHomeDirectory() + "/.cache")
        return base + "/moor/git"
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
            let knownHosts = try environment["MOOR_GIT_KNOWN_HOSTS_FILE"].map { try String(contentsOfFile: $0, encoding: .utf8) }
            return .ssh(
                privateKey: key, knownHosts: knownHosts ?? "",
                insecureIgnoreHostKey: environment["MOOR_GIT_INSECURE_HOST_KEY"] == "1")
        }
        return .none
    }

    /// Renders `source`. A `repoURL` that is a plain local directory (no scheme) is rendered in
    /// place without Git; anything else is resolved, exported and rendered. With `verifyKeyring`
    /// (a GnuPG home holding the trusted public keys) an unsigned or wrongly signed commit is refused
    /// before anything is rendered.
    static func load(
        _ source: ApplicationSource, verifyKeyring: String? = nil, renderer: Renderer = Renderer()
    ) async throws -> Loaded {
        var options = try RenderOptions(source: source.options)
        options.path = source.path
        var isDirectory: ObjCBool = false
        if !source.repoURL.contains("://"), !source.repoURL.contains("@"),
            FileManager.default.fileExists(atPath: source.repoURL, isDirectory: &isDirectory), isDirectory.boolValue
        {
            return Loaded(commit: nil, objects: try await renderer.render(directory: source.repoURL, options: options))
        }
        let url = try GitRepositoryURL(source.repoURL)
        let cache = try GitSourceCache(directory: cacheDirectory)
        let commit = try await cache.resolve(url, revision: source.targetRevision, credentials: try credentials())
        if let verifyKeyring { _ = try await cache.verifySignature(url, commit: commit.sha, keyring: verifyKeyring) }
        let checkout = FileManager.default.temporaryDirectory.appendingPathComponent("moor-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: checkout) }
        try await cache.export(url, commit: commit.sha, to: checkout)
        return Loaded(commit: commit, objects: try await renderer.render(directory: checkout, options: options))
    }
}
