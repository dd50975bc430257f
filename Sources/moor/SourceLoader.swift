import Controller
import Foundation
import GitSource
import MoorCore
import Render

/// The command-line tool's view of sources: the cache directory and credentials come from the
/// environment.
enum SourceLoader {
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

    /// Fetches and renders `source` for `environment` with the process environment's cache and credentials.
    static func load(
        _ source: ApplicationSource, verifyKeyring: String? = nil, environment: RenderEnvironment
    ) async throws -> SourceFetcher.Fetched {
        let fetcher = SourceFetcher(cache: try GitSourceCache(directory: cacheDirectory))
        return try await fetcher.fetch(
            source, credentials: try credentials(), verifyKeyring: verifyKeyring, environment: environment)
    }
}
