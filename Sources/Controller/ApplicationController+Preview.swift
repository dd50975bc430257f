internal import Foundation
public import GitSource
internal import KubeClient
public import MoorCore
internal import Sync

extension ApplicationController {
    /// What to preview: a revision of a repository, such as a pull request's head ref.
    public struct PreviewRequest: Sendable, Hashable {
        /// The repository, by any URL of it (URLs compare by ``GitSource/GitRepositoryURL/identity``).
        public var repository: String
        /// What to render: `refs/pull/7/head`, `refs/merge-requests/7/head`, a branch, a tag or a commit.
        public var revision: String

        /// Creates a request.
        public init(repository: String, revision: String) {
            self.repository = repository
            self.revision = revision
        }
    }

    /// What a revision of a repository would change in the live clusters, application by application.
    /// Nothing is applied to make one.
    public struct Preview: Sendable, Hashable {
        /// What was asked for.
        public var request: PreviewRequest
        /// The commit the revision named; `nil` when no application of the repository resolved it.
        public var commit: GitCommit?
        /// The applications of the repository whose watched paths (``MoorCore/ManifestPaths``) the change
        /// touches, sorted by name.
        public var applications: [ApplicationPreview]
        /// The applications of the repository the change does not touch, sorted.
        public var untouched: [String]

        /// Whether an application would change or could not be previewed.
        public var differs: Bool { applications.contains { $0.outcome != .compared(sync: .synced, objects: []) } }
        /// Whether an application could not be previewed (its render or its comparison failed).
        public var failed: Bool {
            applications.contains {
                if case .failed = $0.outcome { return true }
                return false
            }
        }
    }

    /// One application's part of a ``Preview``.
    public struct ApplicationPreview: Sendable, Hashable {
        /// What rendering the revision and comparing it with the live cluster came to.
        public enum Outcome: Sendable, Hashable {
            /// The comparison: the application's sync status at the revision and every object that
            /// differs, as `moor diff` shows them (Secret values masked).
            case compared(sync: SyncStatus, objects: [ObjectDifference])
            /// Why the revision could not be rendered or compared (nothing was changed).
            case failed(String)
        }

        /// The application.
        public var name: String
        /// The changed files it watches, sorted.
        public var changedPaths: [String]
        /// What came of it.
        public var outcome: Outcome

        /// What came of it in one line: `2 objects would change (OutOfSync): ConfigMap shop/a, Deployment
        /// shop/web`, `nothing would change (Synced)`, or `preview failed: <why>`.
        public var summary: String {
            switch outcome {
            case .failed(let message):
                return "preview failed: \(message)"
            case .compared(let sync, let objects):
                guard !objects.isEmpty else { return "nothing would change (\(sync.rawValue))" }
                let count = objects.count == 1 ? "1 object" : "\(objects.count) objects"
                return "\(count) would change (\(sync.rawValue)): "
                    + objects.map { "\($0.ref)" }.joined(separator: ", ")
            }
        }

        /// Every object that would change, each as a `  <state>: <ref>` line followed by its diff; empty when
        /// nothing would change or the preview failed.
        public var diff: String {
            guard case .compared(_, let objects) = outcome else { return "" }
            return objects.map { object in
                let diff = object.diff.hasSuffix("\n") ? object.diff : object.diff + "\n"
                return "  \(object.state.rawValue): \(object.ref)\n" + diff
            }.joined()
        }
    }

    /// Previews `request` for the registered applications of its repository, on their destination
    /// clusters as ``differences(of:)`` compares them: those whose watched paths the change touches
    /// (``MoorCore/ManifestPaths``: between the merge base of the revision and the application's own
    /// target revision, and the revision) are rendered at the revision and compared with the live
    /// cluster. Writes nothing.
    public func preview(_ request: PreviewRequest) async -> Preview {
        await Self.preview(
            request, of: Array(registry.values.map(\.application)), fetcher: fetcher,
            credentials: configuration.credentials
        ) { application in
            let cluster = try await self.governedDestination(of: application).cluster
            let fetched = try await self.fetch(application, on: cluster)
            return try await cluster.engine.compare(
                application, desired: fetched.objects,
                tracked: await self.cachedObjects(of: application.name, in: cluster),
                prune: application.spec.syncPolicy.automated?.prune ?? false)
        }
    }

    /// Previews `request` for the Application resources in `namespace` (`nil`: the client's) as
    /// ``preview(_:)`` does for registered ones, each compared as ``compare(resource:revision:access:)``
    /// compares it (what `moor preview` does). Resources that do not parse are skipped. Writes nothing.
    public static func preview(_ request: PreviewRequest, namespace: String?, access: ResourceAccess) async throws
        -> Preview
    {
        let client = access.engine.client
        let resource = try await client.resource(apiVersion: Application.apiVersion, kind: Application.kind)
        let home = namespace ?? client.connection.namespace
        let manifests = try await client.listAll(resource, namespace: home).items
        let applications = manifests.compactMap { try? Application(manifest: $0) }
        return await preview(request, of: applications, fetcher: access.fetcher, credentials: access.credentials) {
            application in
            let ref = ObjectRef(
                apiVersion: Application.apiVersion, kind: Application.kind, namespace: application.namespace,
                name: application.name)
            return try await access.withResource(ref) { _, _, destination in
                let fetched = try await access.fetch(application.spec, of: application, on: destination)
                return try await destination.compare(
                    application, desired: fetched.objects, prune: application.spec.syncPolicy.automated?.prune ?? false)
            }
        }
    }

    /// The preview of `request` for `applications`, each rendered at the revision and compared by
    /// `compare` when the change touches it.
    static func preview(
        _ request: PreviewRequest, of applications: [Application], fetcher: SourceFetcher, credentials: GitCredentials,
        compare: @Sendable (Application) async throws -> ApplicationComparison
    ) async -> Preview {
        var preview = Preview(request: request, commit: nil, applications: [], untouched: [])
        guard let repository = (try? GitRepositoryURL(request.repository))?.identity else { return preview }
        let started = ContinuousClock.now
        // Applications of one repository share their base revision: one `git diff` for each pair.
        var diffs: [String: [String]] = [:]
        for application in applications.sorted(by: { $0.name < $1.name }) {
            let sources = application.spec.allSources.filter {
                $0.chart == nil && (try? GitRepositoryURL($0.repoURL))?.identity == repository
            }
            guard !sources.isEmpty else { continue }
            let changed: [String]
            do {
                let scoped = fetcher.scoped(to: application.spec.project)
                var touched: Set<String> = []
                for source in sources {
                    var head = source
                    head.targetRevision = request.revision
                    guard
                        let headCommit = try await scoped.resolve(head, credentials: credentials, listedSince: started),
                        let baseCommit = try await scoped.resolve(
                            source, credentials: credentials, listedSince: started)
                    else { continue }
                    preview.commit = preview.commit ?? headCommit
                    let pair = "\(baseCommit.sha)...\(headCommit.sha)"
                    let paths: [String]
                    if let known = diffs[pair] {
                        paths = known
                    } else {
                        paths = try await fetcher.cache.changedPaths(
                            try GitRepositoryURL(source.repoURL), base: baseCommit.sha, head: headCommit.sha)
                        diffs[pair] = paths
                    }
                    let watched = ManifestPaths(sourcePath: source.path, annotation: application.manifestGeneratePaths)
                    touched.formUnion(paths.filter { watched.touches([$0]) })
                }
                changed = touched.sorted()
            } catch {
                preview.applications.append(
                    ApplicationPreview(name: application.name, changedPaths: [], outcome: .failed("\(error)")))
                continue
            }
            guard !changed.isEmpty else {
                preview.untouched.append(application.name)
                continue
            }
            let outcome: ApplicationPreview.Outcome
            do {
                let comparison = try await compare(Self.application(application, at: request.revision, of: repository))
                outcome = .compared(sync: comparison.syncStatus, objects: differences(in: comparison))
            } catch {
                outcome = .failed("\(error)")
            }
            preview.applications.append(
                ApplicationPreview(name: application.name, changedPaths: changed, outcome: outcome))
        }
        return preview
    }

    /// `application` with every source of `repository` (an identity) at `revision`.
    static func application(_ application: Application, at revision: String, of repository: String) -> Application {
        var moved = application
        if moved.spec.sources.isEmpty {
            moved.spec.source.targetRevision = revision
        } else {
            moved.spec.sources = moved.spec.sources.map { source in
                guard source.chart == nil, (try? GitRepositoryURL(source.repoURL))?.identity == repository else {
                    return source
                }
                var moved = source
                moved.targetRevision = revision
                return moved
            }
        }
        return moved
    }
}

extension ApplicationController.Preview {
    /// The preview as the API and `moor preview -o json` give it: `repository`, `revision`, `commit`
    /// (`sha`, `author`, `subject`, or `null`), `differs`, `applications` and `untouched`.
    public var json: JSONValue {
        [
            "repository": .string(request.repository), "revision": .string(request.revision),
            "commit": commit.map {
                ["sha": .string($0.sha), "author": .string($0.authorName), "subject": .string($0.subject)]
            } ?? .null,
            "differs": .bool(differs), "applications": .array(applications.map(\.json)),
            "untouched": .array(untouched.map(JSONValue.string)),
        ]
    }
}

extension ApplicationController.ApplicationPreview {
    /// One application of a preview: `name`, `changedPaths`, and `sync` with the differing `objects`
    /// (as ``ApplicationController/ObjectDifference/json``) or the `error` that stopped it.
    public var json: JSONValue {
        var json: JSONValue = ["name": .string(name), "changedPaths": .array(changedPaths.map(JSONValue.string))]
        switch outcome {
        case .compared(let sync, let objects):
            json["sync"] = .string(sync.rawValue)
            json["objects"] = .array(objects.map(\.json))
            json["error"] = .null
        case .failed(let message):
            json["sync"] = .null
            json["objects"] = []
            json["error"] = .string(message)
        }
        return json
    }
}
