internal import Foundation
public import GitSource
public import MoorCore
public import Render

/// Fetches an application's source at its target revision and renders it: the desired objects
/// and the commit they came from. Only the exported tree of one commit is rendered, never a
/// moving branch; the checkout is a read-only copy in a temporary directory.
///
/// Fetches share work: a listing of a repository's refs younger than ``listingReuse`` serves every fetch
/// of that repository (see ``GitSourceCache/resolve(_:revision:credentials:listedSince:)``); a commit is
/// exported once for all the applications that render it; and the objects rendered at one commit with one
/// set of options are kept in ``renders``, so fetching again at the same commit neither exports nor renders.
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
    /// Rendered objects by commit and options; `nil` renders every time.
    public let renders: RenderCache?
    /// How old a listing of a repository's refs may be and still serve a fetch: a fetch may miss a commit
    /// pushed this long before it.
    public let listingReuse: Duration
    /// The exported trees renders read, one per commit.
    private let checkouts: CheckoutCache

    /// Creates a fetcher over a cache and a renderer.
    public init(
        cache: GitSourceCache, renderer: Renderer = Renderer(), renders: RenderCache? = RenderCache(),
        listingReuse: Duration = .seconds(1)
    ) {
        self.cache = cache
        self.renderer = renderer
        self.renders = renders
        self.listingReuse = listingReuse
        checkouts = CheckoutCache(git: cache)
    }

    /// Deletes the exported trees no render is reading (see ``ApplicationController/stop(gracePeriod:)``).
    func removeCheckouts() async {
        await checkouts.removeUnheld()
    }

    /// Renders `source`. A `repoURL` that is a plain local directory (no scheme) is rendered in
    /// place without Git, every time; anything else is resolved (through a listing started at or after
    /// `listedSince`, by default one younger than ``listingReuse``, when there is one) and, unless
    /// ``renders`` holds it, exported and rendered. With
    /// `verifyKeyring` (a GnuPG home holding the trusted public keys) an unsigned or wrongly signed commit
    /// is refused before anything is rendered or taken from the cache. `environment` is where the
    /// objects go (destination namespace, cluster capabilities), for Helm's `.Release.Namespace` and
    /// `.Capabilities`; renders for different environments are cached apart.
    public func fetch(
        _ source: ApplicationSource, credentials: GitCredentials = .none, verifyKeyring: String? = nil,
        listedSince: ContinuousClock.Instant? = nil, environment: RenderEnvironment = RenderEnvironment()
    ) async throws -> Fetched {
        var options = try RenderOptions(source: source.options)
        options.path = source.path
        options.environment = environment
        if let directory = Self.localDirectory(source) {
            return Fetched(commit: nil, objects: try await renderer.render(directory: directory, options: options))
        }
        let url = try GitRepositoryURL(source.repoURL)
        let commit = try await cache.resolve(
            url, revision: source.targetRevision, credentials: credentials,
            listedSince: listedSince ?? .now - listingReuse)
        if let verifyKeyring { _ = try await cache.verifySignature(url, commit: commit.sha, keyring: verifyKeyring) }
        let key = RenderCache.Key(repository: url.normalized, commit: commit.sha, options: options)
        if let objects = await renders?.objects(key) { return Fetched(commit: commit, objects: objects) }
        let checkout = try await checkouts.acquire(url, commit: commit.sha)
        let objects: [ManifestObject]
        do {
            objects = try await renderer.render(directory: checkout, options: options)
        } catch {
            await checkouts.release(url, commit: commit.sha)
            throw error
        }
        await checkouts.release(url, commit: commit.sha)
        await renders?.store(objects, for: key)
        return Fetched(commit: commit, objects: objects)
    }

    /// The commit `source`'s target revision names, through a listing of the remote's refs started at or
    /// after `listedSince`; `nil` for a local directory. Nothing is exported or rendered.
    public func resolve(
        _ source: ApplicationSource, credentials: GitCredentials = .none, listedSince: ContinuousClock.Instant
    ) async throws -> GitCommit? {
        guard Self.localDirectory(source) == nil else { return nil }
        return try await cache.resolve(
            try GitRepositoryURL(source.repoURL), revision: source.targetRevision, credentials: credentials,
            listedSince: listedSince)
    }

    /// `source.repoURL` when it is a plain local directory (no scheme, no `user@host:`).
    private static func localDirectory(_ source: ApplicationSource) -> String? {
        var isDirectory: ObjCBool = false
        guard !source.repoURL.contains("://"), !source.repoURL.contains("@"),
            FileManager.default.fileExists(atPath: source.repoURL, isDirectory: &isDirectory), isDirectory.boolValue
        else { return nil }
        return source.repoURL
    }
}
