internal import Foundation
internal import KubeCache
internal import KubeClient
internal import Logging
internal import MoorCore
internal import Sync

/// The clusters applications deploy to: the controller's own (`in-cluster`) and every cluster
/// registered as a Secret labelled `moor.dev/secret-type: cluster` in one namespace, whose `data`
/// holds `name`, `server` (optional) and `kubeconfig`.
///
/// A destination with neither `name` nor `server`, named `in-cluster`, or with server
/// `https://kubernetes.default.svc` (or the controller's own server URL) is the controller's cluster.
/// Any other destination is looked up by name, else by server URL (the Secret's `server`, or its
/// kubeconfig's). The Secrets are listed again when a destination is resolved and the last list is
/// older than ``relistInterval`` (so once per poll at most), and at once for a destination not known
/// yet: a new cluster is found by the next reconcile, a changed kubeconfig gets a new client.
///
/// Each cluster has one ``SyncEngine`` (configured like the controller's) and one
/// ``LiveObjectCache``, which requests nothing until it is asked to watch. ``stop()`` stops every
/// cache but the controller's own and shuts down every client this registry created. The contents
/// of the Secrets are never logged nor put into errors.
actor ClusterRegistry {
    /// One cluster applications can deploy to.
    struct Cluster: Sendable {
        /// The name destinations use (``ClusterRegistry/inClusterName`` for the controller's own).
        let name: String
        /// Syncs to it; its client is the cluster's. ``ApplicationController/destination(of:)`` sets its
        /// ``Sync/SyncEngine/health`` to the controller's current health customizations.
        var engine: SyncEngine<KubeClient>
        /// The live-object cache of the cluster.
        let cache: LiveObjectCache
        /// Changes whenever the cluster gets a new client (and cache), so subscribers re-subscribe.
        let generation: Int
        /// The cluster's client as the controller: ``engine``'s until an application's project makes the
        /// engine impersonate a ServiceAccount (``ApplicationController/Governed``); for the controller's own reads.
        let controllerClient: KubeClient

        init(name: String, engine: SyncEngine<KubeClient>, cache: LiveObjectCache, generation: Int) {
            self.name = name
            self.engine = engine
            self.cache = cache
            self.generation = generation
            controllerClient = engine.client
        }
    }

    /// The name of the controller's own cluster.
    static let inClusterName = "in-cluster"
    /// The server URL naming the controller's own cluster.
    static let inClusterServer = "https://kubernetes.default.svc"
    /// The label selecting cluster Secrets.
    static let secretSelector = "moor.dev/secret-type=cluster"

    /// The controller's own cluster.
    let local: Cluster
    /// The namespace of the cluster Secrets.
    let namespace: String
    /// The least time between two lists of the cluster Secrets.
    let relistInterval: Duration
    private let logger: Logger
    private var registered: [String: Registered] = [:]
    /// Why a cluster Secret could not be used, by the cluster name it gives (or the Secret's name).
    private var invalid: [String: String] = [:]
    private var listError: String?
    private var listedAt: ContinuousClock.Instant?
    private var listing: Task<Void, Never>?
    /// Clusters replaced or removed: their clients may still be in use and are shut down on stop.
    private var retired: [Cluster] = []
    private var generations = 0
    private var stopped = false

    private struct Registered {
        var cluster: Cluster
        var servers: Set<String>
        var fingerprint: Int
    }

    /// A registry whose own cluster is `engine`'s, with its `cache`, reading Secrets in `namespace`.
    init(
        local engine: SyncEngine<KubeClient>, cache: LiveObjectCache, namespace: String,
        relistInterval: Duration = .seconds(1),
        logger: Logger
    ) {
        local = Cluster(name: Self.inClusterName, engine: engine, cache: cache, generation: 0)
        self.namespace = namespace
        self.relistInterval = relistInterval
        self.logger = logger
    }

    /// The cluster `destination` names. Throws ``ClusterError`` when it names no registered
    /// cluster (or its Secret is unusable, or the Secrets cannot be listed), saying what to do.
    func resolve(_ destination: ApplicationDestination) async throws(ClusterError) -> Cluster {
        if isLocal(destination) { return local }
        if listedAt.map({ $0.duration(to: .now) >= relistInterval }) ?? true { await relist() }
        if let cluster = find(destination) { return cluster }
        if let listedAt, listedAt.duration(to: .now) >= .milliseconds(200) {
            await relist()
            if let cluster = find(destination) { return cluster }
        }
        throw unknown(destination)
    }

    /// Stops every cache but the controller's own and shuts down every client created here. Final.
    func stop() async {
        stopped = true
        listing?.cancel()
        let clusters = registered.values.map(\.cluster) + retired
        registered = [:]
        retired = []
        for cluster in clusters {
            await cluster.cache.stop()
            await cluster.engine.client.shutdown()
        }
    }

    /// Whether `destination` is the controller's own cluster.
    func isLocal(_ destination: ApplicationDestination) -> Bool {
        if destination.name == Self.inClusterName { return true }
        guard destination.name.isEmpty else { return false }
        let server = Self.normalized(destination.server)
        return server.isEmpty || server == Self.inClusterServer
            || server == Self.normalized(local.engine.client.connection.server)
    }

    private func find(_ destination: ApplicationDestination) -> Cluster? {
        if !destination.name.isEmpty { return registered[destination.name]?.cluster }
        let server = Self.normalized(destination.server)
        return registered.values.sorted { $0.cluster.name < $1.cluster.name }
            .first { $0.servers.contains(server) }?.cluster
    }

    private func unknown(_ destination: ApplicationDestination) -> ClusterError {
        let what = destination.name.isEmpty ? "server \(destination.server)" : "cluster \"\(destination.name)\""
        if !destination.name.isEmpty, let problem = invalid[destination.name] {
            return ClusterError("destination \(what) cannot be used: \(problem)")
        }
        var message =
            "destination \(what) is not registered: no Secret labelled \(Self.secretSelector) in namespace "
            + "\(namespace) names it; create one whose data holds name, server and kubeconfig"
        if let listError { message += " (listing the cluster Secrets failed: \(listError))" }
        return ClusterError(message)
    }

    /// Lists the cluster Secrets (one list at a time; callers during a list wait for it).
    private func relist() async {
        guard !stopped else { return }
        if let listing { return await listing.value }
        let task = Task { await self.listSecrets() }
        listing = task
        await task.value
        listing = nil
    }

    private func listSecrets() async {
        let client = local.engine.client
        let secrets: [JSONValue]
        do {
            let resource = try await client.resource(apiVersion: "v1", kind: "Secret")
            secrets = try await client.listAll(
                resource, namespace: namespace, options: ListOptions(labelSelector: Self.secretSelector)
            ).items
        } catch {
            listError = "\(error)"
            listedAt = .now
            logger.warning(
                "listing cluster Secrets failed", metadata: ["namespace": "\(namespace)", "error": "\(error)"])
            return
        }
        guard !stopped else { return }
        listError = nil
        listedAt = .now
        var seen: Set<String> = []
        var problems: [String: String] = [:]
        for secret in secrets {
            let secretName = secret[path: "metadata", "name"]?.stringValue ?? ""
            let data = secret["data"]?.objectValue ?? JSONObject()
            let name = Self.decoded(data["name"]).flatMap { $0.isEmpty ? nil : $0 } ?? secretName
            guard name != Self.inClusterName, !seen.contains(name) else {
                logger.warning(
                    "ignoring a cluster Secret: its name is taken",
                    metadata: ["secret": "\(secretName)", "cluster": "\(name)"])
                continue
            }
            var hasher = Hasher()
            for (key, value) in data {
                hasher.combine(key)
                hasher.combine(value)
            }
            let fingerprint = hasher.finalize()
            if let existing = registered[name], existing.fingerprint == fingerprint {
                seen.insert(name)
                continue
            }
            do {
                let cluster = try register(name: name, secret: secretName, data: data)
                if let old = registered[name] { retire(old.cluster) }
                registered[name] = Registered(
                    cluster: cluster.cluster, servers: cluster.servers, fingerprint: fingerprint)
                seen.insert(name)
                logger.info("registered cluster", metadata: ["cluster": "\(name)", "secret": "\(secretName)"])
            } catch {
                problems[name] = error.message
                logger.warning(
                    "ignoring a cluster Secret", metadata: ["secret": "\(secretName)", "error": "\(error.message)"])
            }
        }
        for (name, old) in registered where !seen.contains(name) {
            registered[name] = nil
            retire(old.cluster)
            logger.info("cluster no longer registered", metadata: ["cluster": "\(name)"])
        }
        invalid = problems
    }

    private func register(name: String, secret: String, data: JSONObject) throws(ClusterError)
        -> (cluster: Cluster, servers: Set<String>)
    {
        let origin = "cluster Secret \(namespace)/\(secret)"
        guard let text = Self.decoded(data["kubeconfig"]) else {
            throw ClusterError("\(origin) has no base64 data key kubeconfig")
        }
        let connection: ClusterConnection
        do {
            connection = try KubeConfig(
                yaml: text, baseDirectory: FileManager.default.currentDirectoryPath, origin: origin
            ).connection()
        } catch  where error.message.contains("not valid YAML") {
            // The parser's message may quote the text, which holds credentials.
            throw ClusterError("\(origin): its kubeconfig is not valid YAML")
        } catch {
            throw ClusterError("\(origin): \(error.message)")
        }
        let client: KubeClient
        do {
            client = try KubeClient(connection: connection, logger: logger)
        } catch {
            throw ClusterError("\(origin): \(error.message)")
        }
        var engine = SyncEngine(client: client, logger: logger)
        engine.fieldManager = local.engine.fieldManager
        engine.concurrency = local.engine.concurrency
        engine.waveTimeout = local.engine.waveTimeout
        engine.hookTimeout = local.engine.hookTimeout
        engine.pollInterval = local.engine.pollInterval
        engine.clock = local.engine.clock
        generations += 1
        var servers: Set<String> = [Self.normalized(connection.server)]
        if let server = Self.decoded(data["server"]), !server.isEmpty { servers.insert(Self.normalized(server)) }
        let cache = LiveObjectCache(client: client, logger: logger)
        return (Cluster(name: name, engine: engine, cache: cache, generation: generations), servers)
    }

    private func retire(_ cluster: Cluster) {
        retired.append(cluster)
        Task { await cluster.cache.stop() }
    }

    /// A Secret `data` value decoded from base64 as UTF-8 text.
    private static func decoded(_ value: JSONValue?) -> String? {
        guard let encoded = value?.stringValue, let bytes = Data(base64Encoded: encoded) else { return nil }
        return String(data: bytes, encoding: .utf8)
    }

    /// A server URL without a trailing slash.
    private static func normalized(_ server: String) -> String {
        server.hasSuffix("/") ? String(server.dropLast()) : server
    }
}

/// A destination names no usable cluster. The message names the cluster and says what to do;
/// it never holds a Secret's contents.
struct ClusterError: Error, Sendable, CustomStringConvertible {
    /// What is wrong.
    let message: String

    init(_ message: String) { self.message = message }

    var description: String { message }
}
