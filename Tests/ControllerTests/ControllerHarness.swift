import ChartSource
import Controller
import Foundation
import GitSource
import KubeClient
import MoorCore
import MoorTestSupport
import Render
import Sync
import Testing

/// A running controller against the test cluster, with its own namespace, Git repository and
/// Git cache, plus a second client that plays a person editing objects by hand.
struct ControllerHarness {
    let controller: ApplicationController
    /// The controller's client (its request counts are the controller's).
    let client: KubeClient
    /// Another client, for hand edits.
    let other: KubeClient
    let repository: GitTestRepository
    let namespace: String
    /// A new controller configured as ``controller`` (same client, Git cache and intervals), not
    /// started: a replacement after ``controller`` stopped.
    let newController: @Sendable () -> ApplicationController

    /// Runs `body` with a started controller that polls every `pollInterval`; stops everything afterwards.
    /// With `clusterSecretsInNamespace`, the controller reads cluster Secrets from the test namespace;
    /// with `fetchesCharts`, it has a chart cache and fetches remote charts and chart dependencies.
    /// Local sources are allowed (the test repositories are `file://` URLs) except the Git cache, unless
    /// `allowsLocalSources` is false; it renders with `rendering`; `healthRefreshInterval` and
    /// `projectRefreshInterval` are how long it trusts the health ConfigMaps and the AppProjects it read. The
    /// test namespace is the controller's own (its AppProjects live there, and with
    /// `credentialSecretsInNamespace` the repository credential Secrets it reads, each time anew); it sends
    /// notifications as `notifications` say.
    static func run(
        pollInterval: Duration = .milliseconds(500), clusterSecretsInNamespace: Bool = false,
        credentialSecretsInNamespace: Bool = false,
        resyncInterval: Duration = .seconds(300), fetchesCharts: Bool = false, allowsLocalSources: Bool = true,
        rendering: RenderConfiguration = RenderConfiguration(), healthRefreshInterval: Duration = .seconds(10),
        projectRefreshInterval: Duration = .seconds(10), notifications: NotificationOptions = NotificationOptions(),
        _ body: (ControllerHarness) async throws -> Void
    ) async throws {
        let cluster = try await TestCluster.shared()
        let client = try cluster.adminClient()
        let other: KubeClient
        do {
            other = try cluster.adminClient()
        } catch {
            await client.shutdown()
            throw error
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("moor-controller-\(UUID())")
        defer { try? FileManager.default.removeItem(at: directory) }
        var engine = SyncEngine(client: client)
        engine.pollInterval = .milliseconds(100)
        engine.waveTimeout = Patience.timeout
        let configured = engine
        let outcome: Result<Void, any Error>
        do {
            let repository = try await GitTestRepository.create(at: directory.appendingPathComponent("repo").path)
            let cacheDirectory = directory.appendingPathComponent("cache").path
            let cache = try GitSourceCache(directory: cacheDirectory)
            let admission = SourceAdmission(allowsLocal: allowsLocalSources, protectedDirectories: [cacheDirectory])
            let charts =
                fetchesCharts ? try ChartCache(directory: directory.appendingPathComponent("charts").path) : nil
            // The controller stops before the namespace goes, so it never syncs into a terminating namespace.
            try await cluster.withNamespace(other) { namespace in
                let newController = { @Sendable in
                    Self.controller(
                        engine: configured, cache: cache, charts: charts, pollInterval: pollInterval,
                        clusterSecretNamespace: clusterSecretsInNamespace ? namespace : nil,
                        controllerNamespace: namespace, resyncInterval: resyncInterval, sourceAdmission: admission,
                        rendering: rendering,
                        healthRefreshInterval: healthRefreshInterval, projectRefreshInterval: projectRefreshInterval,
                        repositoryCredentials: credentialSecretsInNamespace
                            ? .secrets(client: client, namespace: namespace, reuse: .zero) : .none,
                        notifications: notifications)
                }
                let controller = newController()
                await controller.start()
                let harness = ControllerHarness(
                    controller: controller, client: client, other: other, repository: repository, namespace: namespace,
                    newController: newController)
                do {
                    try await body(harness)
                } catch {
                    await controller.stop(gracePeriod: .seconds(5))
                    throw error
                }
                await controller.stop(gracePeriod: .seconds(5))
            }
            outcome = .success(())
        } catch {
            outcome = .failure(error)
        }
        await client.shutdown()
        await other.shutdown()
        try outcome.get()
    }

    /// A controller as the tests use it: a short backoff (200 ms doubling up to 1 s), sources admitted by
    /// `sourceAdmission` (by default local ones, as the test repositories are `file://` URLs), not started;
    /// with `charts`, it fetches remote charts and chart dependencies through that cache. Its own namespace
    /// (AppProjects, and where Applications may use any project) is `controllerNamespace`; repository
    /// credentials come from `repositoryCredentials`; notifications are sent as `notifications` say.
    static func controller(
        engine: SyncEngine<KubeClient>, cache: GitSourceCache, charts: ChartCache? = nil, pollInterval: Duration,
        clusterSecretNamespace: String? = nil, controllerNamespace: String? = nil,
        resyncInterval: Duration = .seconds(300),
        sourceAdmission: SourceAdmission = SourceAdmission(allowsLocal: true),
        rendering: RenderConfiguration = RenderConfiguration(), healthRefreshInterval: Duration = .seconds(10),
        projectRefreshInterval: Duration = .seconds(10), repositoryCredentials: RepositoryCredentialSource = .none,
        notifications: NotificationOptions = NotificationOptions()
    ) -> ApplicationController {
        var configuration = ApplicationController.Configuration(
            pollInterval: pollInterval, backoff: Backoff(base: .milliseconds(200), factor: 2, cap: .seconds(1)),
            clusterSecretNamespace: clusterSecretNamespace, resyncInterval: resyncInterval,
            sourceAdmission: sourceAdmission, healthRefreshInterval: healthRefreshInterval,
            namespace: controllerNamespace, projectRefreshInterval: projectRefreshInterval)
        configuration.notifications = notifications
        return ApplicationController(
            engine: engine,
            fetcher: SourceFetcher(
                cache: cache, renderer: Renderer(configuration: rendering),
                charts: charts, repositoryCredentials: repositoryCredentials),
            configuration: configuration)
    }

    /// An application deploying `app/` of the test repository's `main` into the test namespace.
    func application(_ name: String, automated: AutomatedSync?, retry: SyncRetry? = nil) -> Application {
        Application(
            name: name,
            spec: ApplicationSpec(
                source: ApplicationSource(repoURL: repository.fileURL, targetRevision: "main", path: "app"),
                destination: ApplicationDestination(namespace: namespace),
                syncPolicy: SyncPolicy(automated: automated, retry: retry)))
    }

    /// Creates an Application resource named after the test namespace, deploying `app/` of the test
    /// repository's `main` with `syncPolicy`, and makes the controller watch the namespace's
    /// Application resources (installing the CRD first). Returns the resource.
    func applicationResource(_ prefix: String, syncPolicy: JSONValue) async throws -> ObjectRef {
        try await installApplicationDefinition()
        let ref = try await createApplicationResource("\(prefix)-\(namespace)", syncPolicy: syncPolicy)
        try await controller.watchApplications(namespace: namespace)
        return ref
    }

    /// Creates Application resource `name` in `namespace` (the test namespace by default) deploying
    /// `app/` of the test repository's `main` into the test namespace with `syncPolicy`; returns it.
    func createApplicationResource(
        _ name: String, in namespace: String? = nil, repoURL: String? = nil, syncPolicy: JSONValue
    ) async throws -> ObjectRef {
        let namespace = namespace ?? self.namespace
        _ = try await other.create([
            "apiVersion": .string(Application.apiVersion), "kind": .string(Application.kind),
            "metadata": ["name": .string(name), "namespace": .string(namespace)],
            "spec": [
                "source": ["repoURL": .string(repoURL ?? repository.fileURL), "targetRevision": "main", "path": "app"],
                "destination": ["namespace": .string(self.namespace)], "syncPolicy": syncPolicy,
            ],
        ])
        return ObjectRef(apiVersion: Application.apiVersion, kind: Application.kind, namespace: namespace, name: name)
    }

    /// A ConfigMap manifest.
    static func configMap(_ name: String, _ value: String) -> String {
        """
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: \(name)}
        data: {key: "\(value)"}
        """
    }

    /// The ConfigMap `name` in the test namespace.
    func configMapRef(_ name: String) -> ObjectRef {
        ObjectRef(apiVersion: "v1", kind: "ConfigMap", namespace: namespace, name: name)
    }

    /// The value of the ConfigMap `name`'s `data.key`, or `nil` when it does not exist.
    func value(of name: String) async throws -> String? {
        do {
            return try await other.get(configMapRef(name))[path: "data", "key"]?.stringValue
        } catch  where error.code == .notFound {
            return nil
        }
    }

    /// Changes the ConfigMap `name` by hand (a merge patch, as `kubectl edit` does).
    func edit(_ name: String, to value: String) async throws {
        _ = try await other.mergePatch(configMapRef(name), patch: ["data": ["key": .string(value)]])
    }

    /// Waits until `condition` holds, checking every 100 ms for up to ``Patience/timeout``.
    func eventually(
        _ what: String, sourceLocation: Testing.SourceLocation = #_sourceLocation, _ condition: () async throws -> Bool
    ) async throws {
        if try await Patience.waitUntil(condition) { return }
        Issue.record("timed out waiting until \(what)", sourceLocation: sourceLocation)
        throw CancellationError()
    }

    /// Waits until the controller has finished `count` more reconciles of anything.
    func waitForReconciles(_ count: Int) async throws {
        let start = await controller.statistics().reconciles
        // A reconcile counts when it starts; one more guarantees `count` whole ones finished.
        try await eventually("\(count) more reconciles ran") {
            await controller.statistics().reconciles >= start + count + 1
        }
    }

    /// Installs the Application CRD and waits until the controller's client can use the kind.
    func installApplicationDefinition() async throws {
        _ = try await other.apply(Application.customResourceDefinition, fieldManager: "moor")
        try await eventually("the Application kind is served") {
            (try? await client.resource(apiVersion: Application.apiVersion, kind: Application.kind)) != nil
        }
    }

    /// The reasons of the events about `ref`, sorted (events created in one second have no order).
    func eventReasons(about ref: ObjectRef) async throws -> [String] {
        let events = try await other.list(
            try await other.resource(apiVersion: "v1", kind: "Event"), namespace: ref.namespace)
        return events.items.filter { $0[path: "involvedObject", "name"]?.stringValue == ref.name }
            .compactMap { $0["reason"]?.stringValue }.sorted()
    }

    /// Writes an applications file for `moor controller --apps` into `directory`: one Application
    /// `<prefix>-<namespace>` deploying `app/` of the test repository's `main` with automated sync.
    func applicationsFile(_ prefix: String, in directory: URL) throws -> URL {
        let apps = directory.appendingPathComponent("apps.yaml")
        try Data(
            """
            apiVersion: moor.dev/v1alpha1
            kind: Application
            metadata: {name: \(prefix)-\(namespace)}
            spec:
              source: {repoURL: "\(repository.fileURL)", targetRevision: main, path: app}
              destination: {namespace: \(namespace)}
              syncPolicy: {automated: {}}
            ---
            """.utf8
        ).write(to: apps)
        return apps
    }

    /// Write requests the controller's client has sent.
    func controllerWrites() -> Int {
        ["apply", "create", "update", "patch", "delete"].reduce(0) { $0 + client.requestCounts()[$1, default: 0] }
    }
}
