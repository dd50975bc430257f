public import ChartSource
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
///
/// A source that names a remote chart (`chart`, or an `oci://` `repoURL`) is fetched through ``charts``
/// instead (see ``ChartCache``), with the credential ``repositoryCredentials`` holds for its URL, and
/// rendered with Helm; its renders are cached by the archive's digest.
public struct SourceFetcher: Sendable {
    /// The rendered objects and the revision they came from.
    public struct Fetched: Sendable {
        /// The commit rendered; `nil` for a local directory or a remote chart.
        public var commit: GitCommit?
        /// The remote chart rendered; `nil` for a Git repository or a local directory.
        public var chart: ChartCache.Fetched?
        /// The desired objects.
        public var objects: [ManifestObject]
        /// For a multi-source application, each source's revision in order (`ref` sources included);
        /// empty for one source.
        public var sources: [SourceRevision] = []
        /// Objects that more than one source rendered (`RepeatedResourceWarning`).
        public var warnings: [String] = []

        /// Creates a result.
        public init(commit: GitCommit? = nil, chart: ChartCache.Fetched? = nil, objects: [ManifestObject]) {
            self.commit = commit
            self.chart = chart
            self.objects = objects
        }

        /// The revision rendered, as status and history record it: the commit's SHA, or the chart's
        /// version (for several sources, the first's); `nil` for a local directory.
        public var revision: String? { sources.first.map(\.revision) ?? commit?.sha ?? chart?.version }

        /// Each source's revision (``sources``), empty for one source.
        public var revisions: [String] { sources.map(\.revision) }
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
    /// The remote chart cache; `nil` refuses sources that name a remote chart.
    public let charts: ChartCache?
    /// Where repository credentials (for Git repositories and remote charts) come from.
    public private(set) var repositoryCredentials: RepositoryCredentialSource
    /// The exported trees renders read, one per commit.
    private let checkouts: CheckoutCache

    /// Creates a fetcher over a cache and a renderer.
    public init(
        cache: GitSourceCache, renderer: Renderer = Renderer(), renders: RenderCache? = RenderCache(),
        listingReuse: Duration = .seconds(1), charts: ChartCache? = nil,
        repositoryCredentials: RepositoryCredentialSource = .none
    ) {
        self.cache = cache
        self.renderer = renderer
        self.renders = renders
        self.listingReuse = listingReuse
        self.charts = charts
        self.repositoryCredentials = repositoryCredentials
        checkouts = CheckoutCache(git: cache)
    }

    /// The same fetcher for the applications of `project`: it uses only the repository credentials they
    /// may use (their project's and those of no project, ``RepositoryCredentialSource/visible(to:)``), so
    /// another tenant's private repository is fetched without a credential and refused by its server,
    /// even while the mirror holds its commits (every resolve lists the remote's refs with the caller's
    /// credentials first, ``GitSourceCache/resolve(_:revision:credentials:listedSince:)``).
    public func scoped(to project: String) -> SourceFetcher {
        var scoped = self
        scoped.repositoryCredentials = repositoryCredentials.visible(to: project)
        return scoped
    }

    /// The exported tree of `commit`, held until ``releaseCheckout(_:commit:)``.
    func acquireCheckout(_ url: GitRepositoryURL, commit: String) async throws -> String {
        try await checkouts.acquire(url, commit: commit)
    }

    /// Lets go of a tree ``acquireCheckout(_:commit:)`` held.
    func releaseCheckout(_ url: GitRepositoryURL, commit: String) async {
        await checkouts.release(url, commit: commit)
    }

    /// Deletes the exported trees no render is reading (see ``ApplicationController/stop(gracePeriod:)``).
    func removeCheckouts() async {
        await checkouts.removeUnheld()
    }

    /// A render of a resolved commit that failed: the commit, so that the failure is reported against it
    /// (not against the revision last synced), and the render's error, whose words it has.
    public struct RenderFailure: Error, CustomStringConvertible {
        /// The commit whose render failed.
        public var commit: GitCommit
        /// Why.
        public var error: any Error

        /// The render's error.
        public var description: String { "\(error)" }
    }

    /// Renders `source`. A `repoURL` that is a plain local directory (no scheme) is rendered in
    /// place without Git, every time; anything else is resolved (through a listing started at or after
    /// `listedSince`, by default one younger than ``listingReuse``, when there is one) and, unless
    /// ``renders`` holds it, exported and rendered. With
    /// `verifyKeyring` (a GnuPG home holding the trusted public keys) an unsigned or wrongly signed commit
    /// is refused before anything is rendered or taken from the cache. `environment` is where the
    /// objects go (destination namespace, cluster capabilities), for Helm's `.Release.Namespace` and
    /// `.Capabilities`; renders for different environments are cached apart. A render of a resolved commit
    /// that fails throws a ``RenderFailure``.
    public func fetch(
        _ source: ApplicationSource, credentials: GitCredentials = .none, verifyKeyring: String? = nil,
        listedSince: ContinuousClock.Instant? = nil, environment: RenderEnvironment = RenderEnvironment()
    ) async throws -> Fetched {
        try await fetch(
            source, credentials: credentials, verifyKeyring: verifyKeyring, listedSince: listedSince,
            environment: environment, references: [:])
    }

    /// ``fetch(_:credentials:verifyKeyring:listedSince:environment:)`` with the checkouts of a
    /// multi-source application's `ref` sources at hand for `$NAME/…` values files; renders are
    /// cached by the referenced commits too.
    func fetch(
        _ source: ApplicationSource, credentials: GitCredentials, verifyKeyring: String?,
        listedSince: ContinuousClock.Instant?, environment: RenderEnvironment, references: [String: Reference]
    ) async throws -> Fetched {
        var options = try RenderOptions(source: source.options)
        options.path = source.path
        options.environment = environment
        if let chart = source.chart {
            return try await fetchChart(source, chart: chart, options: options, references: references)
        }
        if let directory = Self.localDirectory(source) {
            options.references = references.mapValues(\.directory)
            return Fetched(commit: nil, objects: try await renderer.render(directory: directory, options: options))
        }
        let url = try GitRepositoryURL(source.repoURL)
        let commit = try await cache.resolve(
            url, revision: source.targetRevision,
            credentials: try await gitCredentials(source.repoURL, fallback: credentials),
            listedSince: listedSince ?? .now - listingReuse)
        if let verifyKeyring { _ = try await cache.verifySignature(url, commit: commit.sha, keyring: verifyKeyring) }
        let key = RenderCache.Key(
            repository: url.normalized, revision: source.targetRevision,
            commit: commit.sha + Self.fingerprint(references), options: options)
        if let objects = await renders?.objects(key) { return Fetched(commit: commit, objects: objects) }
        let checkout = try await checkouts.acquire(url, commit: commit.sha)
        let objects: [ManifestObject]
        do {
            try await vendorDependencies(root: checkout, options: options)
            options.references = references.mapValues(\.directory)
            objects = try await renderer.render(directory: checkout, options: options)
        } catch {
            await checkouts.release(url, commit: commit.sha)
            throw RenderFailure(commit: commit, error: error)
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
        guard Self.localDirectory(source) == nil, source.chart == nil else { return nil }
        return try await cache.resolve(
            try GitRepositoryURL(source.repoURL), revision: source.targetRevision,
            credentials: try await gitCredentials(source.repoURL, fallback: credentials), listedSince: listedSince)
    }

    /// The Git credentials for `repoURL`: those of the repository credential matching it (an SSH key,
    /// checked against no known hosts unless the credential sets `insecure`; or a user name and
    /// password), else `fallback`.
    private func gitCredentials(_ repoURL: String, fallback: GitCredentials) async throws -> GitCredentials {
        guard let credential = try await repositoryCredentials.current().match(repoURL) else { return fallback }
        if !credential.sshPrivateKey.isEmpty {
            return .ssh(
                privateKey: credential.sshPrivateKey, knownHosts: "", insecureIgnoreHostKey: credential.insecure)
        }
        if credential.hasBasicAuth { return .https(username: credential.username, password: credential.password) }
        return fallback
    }

    /// Fetches and renders a remote chart: the chart's own directory, with Helm whatever the options say.
    private func fetchChart(
        _ source: ApplicationSource, chart: String, options: RenderOptions, references: [String: Reference]
    ) async throws -> Fetched {
        guard let charts else {
            throw ChartSourceError(.invalidReference, "remote charts are not enabled in this command")
        }
        let credentials = try await repositoryCredentials.current()
        let reference = try ChartReference(
            repoURL: source.repoURL, chart: chart, targetRevision: source.targetRevision,
            credential: credentials.match(source.repoURL))
        let fetched = try await charts.fetch(reference, credentials: credentials)
        var options = options
        options.path = fetched.chartDirectory
        if case .helm = options.source {} else { options.source = .helm(HelmOptions()) }
        let key = RenderCache.Key(
            repository: reference.repositoryURL, revision: source.targetRevision,
            commit: fetched.digest + Self.fingerprint(references), options: options)
        if let objects = await renders?.objects(key) { return Fetched(chart: fetched, objects: objects) }
        try await vendorDependencies(root: fetched.root, options: options)
        options.references = references.mapValues(\.directory)
        let objects = try await renderer.render(directory: fetched.root, options: options)
        await renders?.store(objects, for: key)
        return Fetched(chart: fetched, objects: objects)
    }

    /// Fetches the missing `Chart.yaml` dependencies of the Helm chart at `options.path` in `root` (an
    /// exported commit or an unpacked remote chart) into its `charts/` (``ChartDependencies``). Nothing
    /// for other source types, a path that leaves `root` (the render refuses it), or without ``charts``.
    private func vendorDependencies(root: String, options: RenderOptions) async throws {
        guard let charts else { return }
        switch options.source {
        case .directory, .kustomize: return
        case .helm, nil: break
        }
        guard let chart = ChartDependencies.confined(options.path, from: root, in: root),
            FileManager.default.fileExists(atPath: chart + "/Chart.yaml")
        else { return }
        if options.source == nil, Self.hasKustomization(chart) { return }
        try await ChartDependencies.vendor(
            chart: chart, root: root, cache: charts, credentials: try await repositoryCredentials.current())
    }

    /// Whether `directory` holds a kustomization (which the render detects before a `Chart.yaml`).
    private static func hasKustomization(_ directory: String) -> Bool {
        ["kustomization.yaml", "kustomization.yml", "Kustomization"].contains {
            FileManager.default.fileExists(atPath: directory + "/" + $0)
        }
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
