internal import Foundation
public import GitSource
public import MoorCore
public import Render

extension SourceFetcher {
    /// The checkout of a `ref` source: where its commit is exported, for `$NAME/…` values files.
    struct Reference: Sendable {
        var url: GitRepositoryURL
        var commit: GitCommit
        var directory: String
    }

    /// One source's revision in a multi-source fetch.
    public struct SourceRevision: Sendable, Hashable {
        /// The source's repository.
        public var repoURL: String
        /// Its commit SHA or chart version (empty for a local directory).
        public var revision: String
    }

    /// `$NAME=SHA` for each reference, sorted: what a render cache key adds for `references`.
    static func fingerprint(_ references: [String: Reference]) -> String {
        references.keys.sorted().map { "$\($0)=\(references[$0]!.commit.sha)" }.joined()
    }

    /// Renders every source of `sources` (an application's ``ApplicationSpec/allSources``) as Argo CD
    /// renders `spec.sources`: each on its own, with the repositories of `ref` sources at hand as
    /// `$NAME/…` in `helm.valueFiles` (a `ref` source without `path` renders nothing itself), and their
    /// objects combined in source order. An object that two sources render is taken from the later one,
    /// and named in ``Fetched/warnings`` (`RepeatedResourceWarning`). ``Fetched/sources`` holds one
    /// revision per source, `ref` sources included. One source without a `ref` is
    /// ``fetch(_:credentials:verifyKeyring:listedSince:environment:)``; any source failing fails the whole.
    public func fetch(
        sources: [ApplicationSource], credentials: GitCredentials = .none, verifyKeyring: String? = nil,
        listedSince: ContinuousClock.Instant? = nil, environment: RenderEnvironment = RenderEnvironment()
    ) async throws -> Fetched {
        if sources.count == 1, let only = sources.first, only.ref.isEmpty {
            return try await fetch(
                only, credentials: credentials, verifyKeyring: verifyKeyring, listedSince: listedSince,
                environment: environment)
        }
        var references: [String: Reference] = [:]
        do {
            for source in sources where !source.ref.isEmpty {
                references[source.ref] = try await reference(
                    source, credentials: credentials, verifyKeyring: verifyKeyring, listedSince: listedSince)
            }
            var combined = Fetched(objects: [])
            var positions: [String: Int] = [:]
            for source in sources {
                guard source.renders else {
                    combined.sources.append(
                        SourceRevision(repoURL: source.repoURL, revision: references[source.ref]?.commit.sha ?? ""))
                    continue
                }
                let fetched = try await fetch(
                    source, credentials: credentials, verifyKeyring: verifyKeyring, listedSince: listedSince,
                    environment: environment, references: references)
                combined.commit = combined.commit ?? fetched.commit
                combined.chart = combined.chart ?? fetched.chart
                combined.sources.append(SourceRevision(repoURL: source.repoURL, revision: fetched.revision ?? ""))
                for object in fetched.objects {
                    let identity = Self.identity(object)
                    if let position = positions[identity] {
                        combined.objects[position] = object
                        combined.warnings.append(
                            "\(identity) is rendered by more than one source; the one from \(source.repoURL) is used")
                    } else {
                        positions[identity] = combined.objects.count
                        combined.objects.append(object)
                    }
                }
            }
            await release(references)
            return combined
        } catch {
            await release(references)
            throw error
        }
    }

    /// Resolves and exports a `ref` source's repository.
    private func reference(
        _ source: ApplicationSource, credentials: GitCredentials, verifyKeyring: String?,
        listedSince: ContinuousClock.Instant?
    ) async throws -> Reference {
        guard source.chart == nil, !source.repoURL.hasPrefix("/") else {
            throw RenderError(
                .invalidOptions, "spec.sources ref \(source.ref) must be a Git repository (\(source.repoURL) is not)")
        }
        let url = try GitRepositoryURL(source.repoURL)
        guard
            let commit = try await resolve(
                source, credentials: credentials, listedSince: listedSince ?? .now - listingReuse)
        else { throw RenderError(.invalidOptions, "spec.sources ref \(source.ref) must be a Git repository") }
        if let verifyKeyring { _ = try await cache.verifySignature(url, commit: commit.sha, keyring: verifyKeyring) }
        return Reference(url: url, commit: commit, directory: try await acquireCheckout(url, commit: commit.sha))
    }

    /// Releases the checkouts of `references`.
    private func release(_ references: [String: Reference]) async {
        for reference in references.values { await releaseCheckout(reference.url, commit: reference.commit.sha) }
    }

    /// `kind group/namespace/name`, the identity two sources' objects share when they are the same object.
    private static func identity(_ object: ManifestObject) -> String {
        guard let ref = object.ref else { return "\(object.object.jsonString())" }
        let namespace = ref.namespace.isEmpty ? "" : ref.namespace + "/"
        return "\(ref.kind)\(ref.group.isEmpty ? "" : "." + ref.group) \(namespace)\(ref.name)"
    }
}
