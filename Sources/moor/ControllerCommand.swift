import ArgumentParser
import Controller
import Dispatch
import Foundation
import GitSource
import KubeClient
import Logging
import MoorCore
import MoorYAML
import Sync

/// `moor controller`: the long-running process that keeps applications in sync with Git.
struct ControllerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "controller",
        abstract: "Keep applications in sync with Git: poll their sources, watch their objects, sync and heal.",
        discussion: """
            Applications come from a file (--apps, which may also hold ApplicationSets: one application \
            per list element or per Git directory matching a glob, regenerated every --poll-interval) or \
            from moor.dev/v1alpha1 Application resources \
            (--watch-namespace, --all-namespaces; install the CRD with `moor install`). Each one is \
            reconciled every --poll-interval and whenever one of its objects changes in the cluster; \
            with syncPolicy.automated it is synced (prune with automated.prune; changes made in the \
            cluster are taken back only with automated.selfHeal). A failed sync is retried with the \
            backoff of syncPolicy.retry, at most retry.limit times per commit. Annotating an Application \
            resource moor.dev/refresh reconciles it at once. Application resources get their status, \
            the last 10 syncs (status.history, see `moor app history`) and Events. Runs until SIGINT or \
            SIGTERM. Logs every reconcile to standard error (MOOR_LOG_LEVEL, default info for the controller).
            """)

    @Option(help: "A file of Application and ApplicationSet manifests (multi-document YAML) to manage.")
    var apps: String?

    @Option(name: .customLong("watch-namespace"), help: "Manage the Application resources of this namespace.")
    var watchNamespace: String?

    @Flag(name: .customLong("all-namespaces"), help: "Manage the Application resources of every namespace.")
    var allNamespaces = false

    @Option(name: .customLong("kubeconfig"), help: "Kubeconfig file(s), colon-separated (default: $KUBECONFIG).")
    var kubeconfig: String?

    @Option(help: "Kubeconfig context of the cluster.")
    var context: String?

    @Option(name: .customLong("poll-interval"), help: "Seconds between two looks at each application's source.")
    var pollInterval: Double = 60

    @Option(help: "Applications reconciled at once.")
    var concurrency = 4

    @Option(name: .customLong("grace-period"), help: "Seconds a sync in flight may take to finish after SIGTERM.")
    var gracePeriod: Double = 30

    @Option(
        name: .customLong("verify-keyring"),
        help: "Refuse commits not signed by a key in this GnuPG home directory (trusted public keys).")
    var verifyKeyring: String?

    @Option(
        name: .customLong("cluster-namespace"),
        help: "Namespace of the cluster Secrets (label moor.dev/secret-type=cluster); default: the context's namespace.")
    var clusterNamespace: String?

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

    func validate() throws {
        let sources = [apps != nil, watchNamespace != nil, allNamespaces].filter { $0 }.count
        guard sources == 1 else {
            throw ValidationError(
                "name where applications come from: --apps FILE, --watch-namespace NS or --all-namespaces")
        }
        guard pollInterval > 0, gracePeriod >= 0 else {
            throw ValidationError("--poll-interval must be positive and --grace-period not negative")
        }
        guard concurrency >= 1 else { throw ValidationError("--concurrency must be at least 1") }
    }

    func run() async throws {
        var configured = Logger(label: "moor.controller")
        if ProcessInfo.processInfo.environment["MOOR_LOG_LEVEL"] == nil { configured.logLevel = .info }
        let logger = configured
        let signals = ShutdownSignals()
        let manifests = try apps.map(Self.manifests(inFile:))
        let client = try KubeClient(
            kubeconfig: kubeconfig.map { $0.split(separator: ":").map(String.init) }, context: context)
        guard leaderElect else {
            let controller: ApplicationController
            do {
                controller = try await startController(client: client, manifests: manifests, logger: logger)
            } catch {
                await client.shutdown()
                throw error
            }
            let received = await signals.next()
            logger.info("stopping", metadata: ["signal": "\(received)"])
            await controller.stop(gracePeriod: .seconds(gracePeriod))
            await client.shutdown()
            return
        }
        let elector = LeaderElector(
            client: client, namespace: leaseNamespace, name: leaseName, identity: identity,
            leaseDuration: .seconds(leaseDuration), retryPeriod: .seconds(max(1, leaseDuration / 5)), logger: logger)
        let campaign = Task {
            await elector.run {
                // Leading: run until the lease is lost or the process stops.
                guard let controller = try? await startController(client: client, manifests: manifests, logger: logger)
                else { return }
                while !Task.isCancelled { try? await Task.sleep(for: .seconds(3600)) }
                await controller.stop(gracePeriod: .seconds(gracePeriod))
            }
        }
        logger.info("waiting for the lease", metadata: ["lease": "\(leaseNamespace)/\(leaseName)", "identity": "\(identity)"])
        let received = await signals.next()
        logger.info("stopping", metadata: ["signal": "\(received)"])
        campaign.cancel()
        await campaign.value
        await client.shutdown()
    }

    /// Starts a controller on `client` for the applications the flags name.
    private func startController(
        client: KubeClient, manifests: (applications: [Application], sets: [ApplicationSet])?, logger: Logger
    ) async throws -> ApplicationController {
        let fetcher = SourceFetcher(cache: try GitSourceCache(directory: SourceLoader.cacheDirectory))
        let configuration = ApplicationController.Configuration(
            pollInterval: .seconds(pollInterval), concurrency: concurrency, credentials: try SourceLoader.credentials(),
            verifyKeyring: verifyKeyring, clusterSecretNamespace: clusterNamespace)
        let controller = ApplicationController(
            engine: SyncEngine(client: client), fetcher: fetcher, configuration: configuration, logger: logger)
        await controller.start()
        do {
            if let manifests {
                try await controller.manage(manifests.applications)
                for set in manifests.sets { try await controller.manageSet(set) }
            } else {
                try await controller.watchApplications(namespace: allNamespaces ? nil : watchNamespace)
            }
        } catch {
            await controller.stop(gracePeriod: .zero)
            throw error
        }
        let source =
            apps ?? "Application resources in " + (watchNamespace.map { "namespace \($0)" } ?? "all namespaces")
        logger.info("controller running", metadata: ["applications": "\(source)"])
        return controller
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

/// SIGINT and SIGTERM, caught from creation on instead of ending the process.
final class ShutdownSignals {
    private let numbers = [SIGINT, SIGTERM]
    private let stream: AsyncStream<Int32>
    private let sources: [any DispatchSourceSignal]

    init() {
        let (stream, continuation) = AsyncStream.makeStream(of: Int32.self)
        let queue = DispatchQueue(label: "moor.signals")
        self.stream = stream
        sources = numbers.map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler { continuation.yield(number) }
            source.resume()
            return source
        }
    }

    /// Waits for the first signal and returns its number. Afterwards both signals get their default
    /// action back, so a second one ends the process at once.
    func next() async -> Int32 {
        var iterator = stream.makeAsyncIterator()
        let received = await iterator.next() ?? SIGTERM
        for source in sources { source.cancel() }
        for number in numbers { signal(number, SIG_DFL) }
        return received
    }
}
