internal import Foundation
public import GitSource
public import MoorCore
public import Render

/// Fetches an application's source at its target revision and renders it: the desired objects
/// and the commit they came from. Only the exported tree of one commit is rendered, never a
/// moving branch; the checkout is a throwaway copy.
public struct SourceFetcher: Sendable {
    /// The rendered objects and their commit.
    public struct Fetched: Sendable {
        /// The commit rendered; `nil` for a local directory.
        public var commit: GitCommit?
        /// The desired objects.
        public var objects: [ManifestObject]
    }

    /// The Git mirror cache.
    public let cache: GitSourceCache
    /// The renderer.
    public let renderer: Renderer

    /// Creates a fetcher over a cache and a renderer.
    public init(cache: GitSourceCache, renderer: Renderer = Renderer()) {
        self.cache = cache
        self.renderer = renderer
    }

    /// Renders `source`. A `repoURL` that is a plain local directory (no scheme) is rendered in
    /// place without Git; anything else is resolved, exported and rendered. With `verifyKeyring`
    /// (a GnuPG home holding the trusted public keys) an unsigned or wrongly signed commit is
    /// refused before anything is rendered.
    public func fetch(
        _ source: ApplicationSource, credentials: GitCredentials = .none, verifyKeyring: String? = nil
    ) async throws -> Fetched {
        var options = try RenderOptions(source: source.options)
        options.path = source.path
        var isDirectory: ObjCBool = false
        if !source.repoURL.contains("://"), !source.repoURL.contains("@"),
            FileManager.default.fileExists(atPath: source.repoURL, isDirectory: &isDirectory), isDirectory.boolValue
        {
            return Fetched(commit: nil, objects: try await renderer.render(directory: source.repoURL, options: options))
        }
        let url = try GitRepositoryURL(source.repoURL)
        let commit = try await cache.resolve(url, revision: source.targetRevision, credentials: credentials)
        if let verifyKeyring { _ = try await cache.verifySignature(url, commit: commit.sha, keyring: verifyKeyring) }
        let checkout = FileManager.default.temporaryDirectory.appendingPathComponent("moor-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: checkout) }
        try await cache.export(url, commit: commit.sha, to: checkout)
        return Fetched(commit: commit, objects: try await renderer.render(directory: checkout, options: options))
    }
}
