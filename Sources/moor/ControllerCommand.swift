import ArgumentParser
import Controller
import Foundation
import GitSource
import KubeCache
import KubeClient
import Logging
import MoorCore
import MoorYAML
import Notifications
import Server
import ServiceLifecycle
import Sync

/// `moor controller`: the long-running process that keeps applications in sync with Git.
struct ControllerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "controller",
        abstract: "Keep applications in sync with Git: poll their sources, watch their objects, sync and heal.",
        discussion: """
            Applications come from a file (--apps, which may also hold ApplicationSets: one application \
            per list element or per Git directory matching a glob, regenerated every --poll-interval), \
            from Application manifests in Git (--apps-from-git, --apps-path, --apps-revision: app of apps, \
            read again every --poll-interval; an application removed from Git stops being managed and its \
            objects are deleted if its automated.prune is set) or from moor.dev/v1alpha1 Application resources \
            and ApplicationSet resources (--watch-namespace, --all-namespaces; install the CRDs with \
            `moor install`). Each one is \
            reconciled every --poll-interval and whenever one of its objects changes in the cluster; \
            with syncPolicy.automated it is synced (prune with automated.prune; changes made in the \
            cluster are taken back only with automated.selfHeal). A failed sync is retried with the \
            backoff of syncPolicy.retry, at most retry.limit times per commit. Annotating an Application \
            resource moor.dev/refresh reconciles it at once. Application resources get their status, \
            the last 10 syncs (status.history, see `moor app history`) and Events. Runs until SIGINT or \
            SIGTERM. Logs every reconcile to standard error (MOOR_LOG_LEVEL, default info for the controller). \
            Several replicas share the applications with --shard/--shards (static) or --shards auto (by Lease \
            membership); --leader-elect makes one replica do all the work instead.
            """)

    @Option(help: "A file of Application and ApplicationSet manifests (multi-document YAML) to manage.")
    var apps: String?

    @Option(
        name: .customLong("apps-from-git"),
        help: "A Git repository whose --apps-path holds Application manifests to manage (app of apps).")
    var appsFromGit: String?

    @Option(name: .customLong("apps-path"), help: "The directory of --apps-from-git holding Application manifests.")
    var appsPath = "."

    @Option(name: .customLong("apps-revision"), help: "The branch, tag or commit of --apps-from-git.")
    var appsRevision = "HEAD"

    @Option(name: .customLong("watch-namespace"), help: "Manage the Application resources of this namespace.")
    var watchNamespace: String?

    @Flag(name: .customLong("all-namespaces"), help: "Manage the Application resources of every namespace.")
    var allNamespaces = false

    @Option(
        name: .customLong("render-memory-limit"),
        help: "MiB one render tool (Helm, Kustomize, Jsonnet; each a child process) may use before it is stopped.")
    var renderMemoryLimit = 1024

    @Flag(
        name: .customLong("allow-local-sources"),
        help:
            "Let Application resources, ApplicationSets and apps of apps use plain directories and file:// URLs on this machine (never Moor's caches); unsafe where others may create Applications."
    )
    var allowLocalSources = false

    @Option(
        name: .customLong("default-service-account"),
        help:
            "The ServiceAccount (in the application's own namespace) syncs impersonate when neither spec.serviceAccountName nor the project's destinationServiceAccounts names one (default: sync as the controller)."
    )
    var defaultServiceAccount: String?

    @Option(name: .customLong("kubeconfig"), help: "Kubeconfig file(s), colon-separated (default: $KUBECONFIG).")
    var kubeconfig: String?

    @Option(help: "Kubeconfig context of the cluster.")
    var context: String?

    @Option(name: .customLong("poll-interval"), help: "Seconds between two looks at each application's source.")
    var pollInterval: Double = 60

    @Option(
        name: .customLong("resync-interval"),
        help: """
            Seconds after which a poll compares with the cluster even when Git and the watched objects are \
            unchanged (0: every poll).
            """)
    var resyncInterval: Double = 300

    @Option(help: "Applications reconciled at once.")
    var concurrency = 4

    @Option(name: .customLong("grace-period"), help: "Seconds a sync in flight may take to finish after SIGTERM.")
    var gracePeriod: Double = 30

    @Option(name: .customLong("hook-timeout"), help: "Seconds a hook may take to complete before it counts as failed.")
    var hookTimeout = 300

    @OptionGroup var sourceAccess: AppSourceFlags

    @Option(
        name: .customLong("notifications-file"),
        help: """
            A file of Provider, Alert and Secret manifests to send notifications with, instead of the Provider \
            and Alert resources of the controller's namespace.
            """)
    var notificationsFile: String?

    @Option(
        name: .customLong("external-url"),
        help: "The URL the server is reached at from outside, for links to the web UI in notifications.")
    var externalURL: String?

    @Flag(name: .customLong("leader-elect"), help: "Work only while holding a Lease, so one of several replicas acts.")
    var leaderElect = false

    @Option(name: .customLong("lease-namespace"), help: "Namespace of the leader-election Lease.")
    var leaseNamespace = ProcessInfo.processInfo.environment["POD_NAMESPACE"] ?? "moor-system"

    @Option(name: .customLong("lease-name"), help: "Name of the leader-election Lease.")
    var leaseName = "moor-controller"

    @Option(name: .customLong("lease-duration"), help: "Seconds a leader's Lease lasts without renewal.")
    var leaseDuration = 15

    @Option(help: "This replica's identity in the Lease (default: host name and process id).")
    var identity = "\(ProcessInfo.processInfo.hostName)-\(ProcessInfo.processInfo.processIdentifier)"

    @OptionGroup var sharding: ShardingFlags

    @OptionGroup var server: ServerFlags

    func validate() throws {
        let sources = [apps != nil, appsFromGit != nil, watchNamespace != nil, allNamespaces].filter { $0 }.count
        guard sources == 1 else {
            throw ValidationError(
                "name where applications come from: --apps FILE, --apps-from-git URL, --watch-namespace NS or "
                    + "--all-namespaces")
        }
        guard pollInterval > 0, gracePeriod >= 0, resyncInterval >= 0 else {
            throw ValidationError(
                "--poll-interval must be positive, and --grace-period and --resync-interval not negative")
        }
        guard concurrency >= 1 else { throw ValidationError("--concurrency must be at least 1") }
        guard hookTimeout > 0 else { throw ValidationError("--hook-timeout must be positive (seconds)") }
        guard renderMemoryLimit >= 256 else {
            throw ValidationError("--render-memory-limit must be at least 256 (MiB): the Go tools need that much")
        }
        if let externalURL, !externalURL.hasPrefix("http://"), !externalURL.hasPrefix("https://") {
            throw ValidationError("--external-url must be an http:// or https:// URL")
        }
        try sharding.validate(leaderElect: leaderElect, identity: identity)
    }

    func run() async throws {
        var configured = Logger(label: "moor.controller")
        if ProcessInfo.processInfo.environment["MOOR_LOG_LEVEL"] == nil { configured.logLevel = .info }
        let logger = configured
        let manifests = try apps.map(Self.manifests(inFile:))
        let notifications = NotificationOptions(
            source: try notificationsFile.map { .settings(try Self.notificationSettings(inFile: $0)) }
                ?? .cluster(refresh: .seconds(10)),
            externalURL: externalURL)
        let client = try KubeClient(
            kubeconfig: kubeconfig.map { $0.split(separator: ":").map(String.init) }, context: context)
        do {
            try await ServiceGroup(
                configuration: .init(
                    services: try await services(
                        client: client, manifests: manifests, notifications: notifications, logger: logger),
                    gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
            ).run()
        } catch {
            await client.shutdown()
            throw error
        }
        await client.shutdown()
    }

    /// The process's services, in the order they start; SIGTERM or SIGINT shuts them down in reverse.
    ///
    /// Without --leader-elect: the live-object cache, the shard membership (`--shards auto`), the
    /// controller — its applications already registered — and the server (--listen). So the server stops
    /// taking requests first, the controller then lets syncs in flight finish (--grace-period), the
    /// membership releases its lease (the others take the applications at once) and the cache stops last.
    /// With --leader-elect: the campaign, which runs the same group while it leads and the standby server
    /// while it waits, and releases the lease after the group stopped.
    private func services(
        client: KubeClient, manifests: (applications: [Application], sets: [ApplicationSet])?,
        notifications: NotificationOptions, logger: Logger
    ) async throws -> [ServiceGroupConfiguration.ServiceConfiguration] {
        guard leaderElect else {
            let cache = LiveObjectCache(client: client, logger: logger)
            let controller: ApplicationController
            let server: MoorServer?
            do {
                controller = try await startController(
                    client: client, cache: cache, manifests: manifests, notifications: notifications, logger: logger)
                server = try self.server.server(for: controller, logger: logger)
            } catch {
                await cache.stop()
                throw error
            }
            var services = [ServiceGroupConfiguration.ServiceConfiguration(service: cache, serviceName: "cache")]
            if sharding.automatic {
                services.append(
                    .init(
                        service: shardMembership(client, logger).service(assigning: controller), serviceName: "shards"))
            }
            services.append(.init(service: controller, serviceName: "controller"))
            if let server { services.append(.init(service: server, serviceName: "server")) }
            return services
        }
        let elector = LeaderElector(
            client: client, namespace: leaseNamespace, name: leaseName, identity: identity,
            leaseDuration: .seconds(leaseDuration), retryPeriod: .seconds(max(1, leaseDuration / 5)), logger: logger)
        let lease = "\(leaseNamespace)/\(leaseName)"
        // While not leading, --listen serves the standby's probes on the same address.
        let standby = StandbyServer { await self.server.startStandby(lease: lease, logger: logger) }
        await standby.serve()
        logger.info("waiting for the lease", metadata: ["lease": "\(lease)", "identity": "\(identity)"])
        let campaign = elector.service {
            await standby.stop()
            await lead(client: client, manifests: manifests, notifications: notifications, logger: logger)
            // Back to waiting, unless the process is stopping.
            if Task.isCancelled || Task.isShuttingDownGracefully { return }
            await standby.serve()
        }
        return [.init(service: standby, serviceName: "standby"), .init(service: campaign, serviceName: "campaign")]
    }

    /// A leader's work: the controller (and --listen's server) in a group of their own, until the
    /// process shuts down (the group inherits it) or the lease is lost (cancelled). A controller that
    /// cannot start is logged, and so is a server that fails: the controller runs on without it.
    private func lead(
        client: KubeClient, manifests: (applications: [Application], sets: [ApplicationSet])?,
        notifications: NotificationOptions, logger: Logger
    ) async {
        let cache = LiveObjectCache(client: client, logger: logger)
        var services = [ServiceGroupConfiguration.ServiceConfiguration(service: cache, serviceName: "cache")]
        do {
            let controller = try await startController(
                client: client, cache: cache, manifests: manifests, notifications: notifications, logger: logger)
            services.append(.init(service: controller, serviceName: "controller"))
            if let server = try self.server.server(for: controller, logger: logger) {
                let logged = FailureLogged(
                    service: server, message: "the server failed; the controller runs without it", logger: logger)
                services.append(.init(service: logged, successTerminationBehavior: .ignore, serviceName: "server"))
            }
            try await ServiceGroup(configuration: .init(services: services, logger: logger)).run()
        } catch {
            logger.error("leading failed", metadata: ["error": "\(error)"])
        }
        await cache.stop()
    }

    /// Starts a controller on `client` for the applications the flags name.
    private func startController(
        client: KubeClient, cache: LiveObjectCache, manifests: (applications: [Application], sets: [ApplicationSet])?,
        notifications: NotificationOptions, logger: Logger
    ) async throws -> ApplicationController {
        let fetcher = try sourceAccess.fetcher(
            client, render: SourceLoader.controllerRendering(memoryLimit: renderMemoryLimit << 20))
        var configuration = ApplicationController.Configuration(
            pollInterval: .seconds(pollInterval), concurrency: concurrency, credentials: try SourceLoader.credentials(),
            verifyKeyring: sourceAccess.verifyKeyring, clusterSecretNamespace: sourceAccess.clusterNamespace,
            resyncInterval: .seconds(resyncInterval), gracePeriod: .seconds(gracePeriod),
            sourceAdmission: SourceAdmission(
                allowsLocal: allowLocalSources, protectedDirectories: [SourceLoader.cacheRoot]),
            namespace: sourceAccess.controllerNamespace ?? ProcessInfo.processInfo.environment["POD_NAMESPACE"]
                ?? (allNamespaces ? nil : watchNamespace) ?? sourceAccess.clusterNamespace,
            defaultServiceAccount: defaultServiceAccount)
        configuration.notifications = notifications
        var engine = SyncEngine(client: client)
        engine.hookTimeout = .seconds(hookTimeout)
        let controller = ApplicationController(
            engine: engine, fetcher: fetcher, cache: cache, configuration: configuration, logger: logger)
        await controller.assign(sharding.initialAssignment)
        await controller.start()
        do {
            if let manifests {
                try await controller.manage(manifests.applications)
                for set in manifests.sets { try await controller.manageSet(set) }
            } else if let appsFromGit {
                try await controller.manageApplications(
                    from: ApplicationSource(repoURL: appsFromGit, targetRevision: appsRevision, path: appsPath))
            } else {
                let namespace = allNamespaces ? nil : watchNamespace
                try await controller.watchApplications(namespace: namespace)
                try await Self.watchApplicationSets(controller, namespace: namespace, logger: logger)
            }
        } catch {
            await controller.stop(gracePeriod: .zero)
            throw error
        }
        let source =
            apps ?? appsFromGit.map { "\($0) \(appsPath)@\(appsRevision)" }
            ?? "Application resources in " + (watchNamespace.map { "namespace \($0)" } ?? "all namespaces")
        logger.info("controller running", metadata: ["applications": "\(source)"])
        return controller
    }

    /// Makes `controller` watch ApplicationSet resources too, unless the cluster does not serve them
    /// (logged: their CRD is not installed).
    private static func watchApplicationSets(
        _ controller: ApplicationController, namespace: String?, logger: Logger
    ) async throws(KubeAPIError) {
        do {
            try await controller.watchApplicationSets(namespace: namespace)
        } catch {
            guard error.code == .unknownKind else { throw error }
            logger.warning("ApplicationSet resources are not served; install their CRD with `moor install`")
        }
    }

    /// This replica's membership of the `--shards auto` group named by --lease-name.
    private func shardMembership(_ client: KubeClient, _ logger: Logger) -> ShardMembership {
        ShardMembership(
            client: client, namespace: leaseNamespace, group: leaseName, identity: identity.lowercased(),
            leaseDuration: .seconds(leaseDuration), retryPeriod: .seconds(max(1, leaseDuration / 5)), logger: logger)
    }

    /// The Application and ApplicationSet manifests in a multi-document YAML file; errors name the
    /// file and line.
    static func manifests(inFile path: String) throws -> (applications: [Application], sets: [ApplicationSet]) {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ValidationError("cannot read \(path): \(error.localizedDescription)")
        }
        var applications: [Application] = []
        var sets: [ApplicationSet] = []
        for document in try YAMLReader.documents(text) where !document.value.isNull {
            do {
                if document.value["kind"]?.stringValue == ApplicationSet.kind {
                    sets.append(try ApplicationSet(manifest: document.value))
                } else {
                    applications.append(try Application(manifest: document.value))
                }
            } catch {
                throw ValidationError("\(path):\(document.line): \(error)")
            }
        }
        return (applications, sets)
    }
}

extension ControllerCommand {
    /// The Providers, Alerts and Secrets of a multi-document YAML file, ready to use; errors name the file and,
    /// for a document that is not YAML, the line.
    static func notificationSettings(inFile path: String) throws -> NotificationSettings {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ValidationError("cannot read \(path): \(error.localizedDescription)")
        }
        do {
            return try NotificationSettings(manifests: try YAMLReader.documents(text).map(\.value))
        } catch {
            throw ValidationError("\(path): \(error)")
        }
    }
}

/// A service whose failure is logged instead of ending its group.
struct FailureLogged: Service {
    let service: any Service
    let message: Logger.Message
    let logger: Logger

    func run() async {
        do {
            try await service.run()
        } catch {
            logger.error(message, metadata: ["error": "\(error)"])
        }
    }
}
