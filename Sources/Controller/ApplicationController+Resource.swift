internal import Foundation
public import GitSource
internal import KubeCache
public import KubeClient
internal import Logging
public import MoorCore
internal import Render
public import Sync

extension ApplicationController {
    /// How to reach an Application resource and its sources without a running controller (what the
    /// `moor app` commands do).
    public struct ResourceAccess: Sendable {
        /// The engine of the controller's cluster, where the Application resource lives.
        public var engine: SyncEngine<KubeClient>
        /// Fetches and renders sources.
        public var fetcher: SourceFetcher
        /// Git credentials for the source.
        public var credentials: GitCredentials
        /// A GnuPG home of trusted keys: commits not signed by one of them are refused.
        public var verifyKeyring: String?
        /// The namespace of the cluster Secrets destinations name; `nil` for `engine`'s client's namespace.
        public var clusterSecretNamespace: String?
        /// The controller's namespace, whose AppProjects govern the application as the controller's do; `nil`
        /// for ``clusterSecretNamespace`` when set, else the Application resource's own namespace (these
        /// commands act with the caller's own credentials, so Kubernetes RBAC still decides what they write).
        public var controllerNamespace: String?

        /// Creates the access.
        public init(
            engine: SyncEngine<KubeClient>, fetcher: SourceFetcher, credentials: GitCredentials = .none,
            verifyKeyring: String? = nil, clusterSecretNamespace: String? = nil, controllerNamespace: String? = nil
        ) {
            self.controllerNamespace = controllerNamespace
            self.engine = engine
            self.fetcher = fetcher
            self.credentials = credentials
            self.verifyKeyring = verifyKeyring
            self.clusterSecretNamespace = clusterSecretNamespace
        }

        /// Reads the Application resource `ref`, resolves the cluster its destination names (``engine``'s,
        /// or one registered by a cluster Secret) and runs `body` with the resource, the application and
        /// that cluster's engine, which judges health with the customizations of the `moor-cm` and
        /// `argocd-cm` ConfigMaps beside the cluster Secrets, as the controller does, and is governed by the
        /// application's project among the AppProjects there, as the controller's is
        /// (``govern(_:home:controllerNamespace:projects:cluster:defaultServiceAccount:)``). Throws before
        /// `body` runs for a resource that does not exist or does not parse, an unknown destination, a
        /// project that refuses the application, or — when `syncing` — a sync window that holds manual syncs.
        func withResource<T: Sendable>(
            _ ref: ObjectRef, syncing: Bool = false,
            _ body: (JSONValue, Application, SyncEngine<KubeClient>) async throws -> T
        ) async throws -> T {
            let manifest = try await engine.client.get(ref)
            let application = try Application(manifest: manifest)
            let namespace = clusterSecretNamespace ?? engine.client.connection.namespace
            let logger = Logger(label: "moor.sync")
            let clusters = ClusterRegistry(
                local: engine, cache: LiveObjectCache(client: engine.client), namespace: namespace, logger: logger)
            let outcome: Result<T, any Error>
            do {
                var cluster = try await clusters.resolve(application.spec.destination)
                cluster.engine.health = await HealthConfigMaps(
                    client: engine.client, namespace: namespace, interval: .zero, clock: engine.clock, logger: logger
                ).current().assessor
                let home = controllerNamespace ?? clusterSecretNamespace ?? ref.namespace
                let projects = await ProjectCatalog(
                    client: engine.client, namespace: home, interval: .zero, clock: engine.clock, logger: logger
                ).current()
                let governed = try govern(
                    application, home: ref.namespace, controllerNamespace: home, projects: projects,
                    cluster: cluster, defaultServiceAccount: nil)
                if syncing,
                    let hold = windowHold(of: application, governed: governed, manual: true, at: engine.clock.date)
                {
                    throw ApplicationError("\(application.name): \(hold); nothing was synced")
                }
                outcome = .success(try await body(manifest, application, governed.cluster.engine))
            } catch {
                outcome = .failure(error)
            }
            await clusters.stop()
            return try outcome.get()
        }

        /// Fetches and renders `spec`'s sources with the configured credentials (those its project may use) and
        /// keyring, for `application` on the cluster of `destination`.
        func fetch(_ spec: ApplicationSpec, of application: Application, on destination: SyncEngine<KubeClient>)
            async throws -> SourceFetcher.Fetched
        {
            try await fetcher.scoped(to: spec.project).fetch(
                sources: spec.allSources, credentials: credentials, verifyKeyring: verifyKeyring,
                environment: try await RenderEnvironment.destination(of: application, client: destination.client))
        }
    }

    /// Compares the Application resource `ref` with Git as the controller does (its destination cluster,
    /// prune set when `automated.prune`), at `revision` instead of `spec.source.targetRevision` when
    /// given. Writes nothing. Returns the comparison and what was fetched.
    public static func compare(resource ref: ObjectRef, revision: String? = nil, access: ResourceAccess) async throws
        -> (comparison: ApplicationComparison, fetched: SourceFetcher.Fetched)
    {
        try await access.withResource(ref) { _, application, destination in
            var application = application
            if let revision { application.spec.source.targetRevision = revision }
            let fetched = try await access.fetch(application.spec, of: application, on: destination)
            let comparison = try await destination.compare(
                application, desired: fetched.objects, prune: application.spec.syncPolicy.automated?.prune ?? false)
            return (comparison, fetched)
        }
    }

    /// Syncs the Application resource `ref` once as `request` says, whatever its sync policy (what
    /// `moor app sync` does). A real sync is recorded in the resource's status as the controller
    /// records its own: the operation (`Running` first, then the result) and a history entry (a running
    /// controller adopts them), and `SyncStarted` and `SyncSucceeded`/`SyncFailed` Events reported by
    /// `moor` (an Event that cannot be created is skipped). A dry run persists and records nothing.
    ///
    /// Throws before anything is synced for a resource that does not exist or parse, an unknown
    /// destination, a source that cannot be fetched, or a `request.revision` other than the spec's
    /// on an automated application (its automated sync would take it back). A sync that ran and
    /// failed is returned, not thrown.
    public static func sync(resource ref: ObjectRef, _ request: SyncRequest, access: ResourceAccess) async throws
        -> (outcome: SyncOutcome, fetched: SourceFetcher.Fetched)
    {
        try await access.withResource(ref, syncing: !request.dryRun) { manifest, application, destination in
            var application = application
            if let revision = request.revision, revision != application.spec.source.targetRevision {
                guard application.spec.syncPolicy.automated == nil else {
                    throw ApplicationError(
                        "cannot sync \(application.name) to \(revision): its automated sync would take it back to "
                            + "\(application.spec.source.targetRevision); sync without --revision, use `moor app "
                            + "rollback`, or turn spec.syncPolicy.automated off first")
                }
                application.spec.source.targetRevision = revision
            }
            let fetched = try await access.fetch(application.spec, of: application, on: destination)
            let options = SyncRunOptions(prune: request.prune, dryRun: request.dryRun)
            var started = ApplicationStatus.OperationState(
                phase: .running, message: request.dryRun ? "dry run" : "syncing", startedAt: access.engine.clock.date,
                finishedAt: nil)
            let uid = manifest[path: "metadata", "uid"]?.stringValue ?? ""
            let record = { (reason: EventReason, message: String) async in
                let event = Self.event(
                    about: ref, uid: uid, reason, message, component: "moor", at: access.engine.clock.date)
                _ = try? await access.engine.client.create(event)
            }
            if !request.dryRun {
                var running = ApplicationStatus()
                running.operationState = started
                try await writeOperation(of: running, to: ref, keys: ["operationState"], engine: access.engine)
                await record(.syncStarted, "syncing \(application.spec.source.targetRevision)")
            }
            let (operation, result) = await run(
                destination, application, desired: fetched.objects, options: options, started: started)
            started = operation
            if !request.dryRun {
                var status = ApplicationStatus()
                status.history = ApplicationStatus.history(from: manifest[path: "status", "history"])
                status.operationState = operation
                status.addHistory(.init(operation, fetched: fetched, spec: application.spec))
                try await writeOperation(
                    of: status, to: ref, keys: ["operationState", "history"], engine: access.engine)
                await record(operation.phase == .succeeded ? .syncSucceeded : .syncFailed, operation.message)
            }
            return (SyncOutcome(operation: started, result: result, dryRun: request.dryRun), fetched)
        }
    }

    /// Writes the `keys` of `status` to the status subresource of the Application resource `ref`.
    static func writeOperation(
        of status: ApplicationStatus, to ref: ObjectRef, keys: [String], engine: SyncEngine<KubeClient>
    )
        async throws
    {
        let json = status.json
        var written = JSONValue.emptyObject
        for key in keys { written[key] = json[key] }
        _ = try await engine.client.mergePatch(ref, patch: ["status": written], subresource: "status")
    }
}
