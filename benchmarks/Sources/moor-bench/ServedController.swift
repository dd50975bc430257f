import Controller
import Foundation
import GitSource
import KubeClient
import Logging
import MoorCore
import Server
import Sync

/// A controller and its Moor server running in the benchmark process against the bench cluster, with
/// the namespaces a benchmark works in (created at start, deleted at stop) and an admin client for the
/// peer's side.
struct ServedController {
    let admin: KubeClient
    let client: KubeClient
    let controller: ApplicationController
    let server: RunningServer
    let namespaces: [String]

    /// Creates `namespaces`, starts a controller (Git cache under `scratch`, polling every `pollInterval`,
    /// sending `notifications`) and a server with `configuration`, logging warnings only under `label`.
    static func start(
        _ options: Options, scratch: URL, label: String, namespaces: [String], pollInterval: Duration = .seconds(600),
        concurrency: Int = 4, notifications: NotificationOptions = NotificationOptions(),
        configuration: MoorServer.Configuration
    ) async throws -> ServedController {
        let admin = try KubeClient(kubeconfig: [options.kubeconfig])
        for space in namespaces { _ = try await admin.apply(namespaceObject(space), fieldManager: "bench") }
        var logger = Logger(label: label)
        logger.logLevel = .warning
        let client = try KubeClient(kubeconfig: [options.kubeconfig])
        var controllerConfiguration = ApplicationController.Configuration(
            pollInterval: pollInterval, concurrency: concurrency)
        controllerConfiguration.notifications = notifications
        let controller = ApplicationController(
            engine: SyncEngine(client: client, logger: logger),
            fetcher: SourceFetcher(cache: try GitSourceCache(directory: scratch.appendingPathComponent("cache").path)),
            configuration: controllerConfiguration, logger: logger)
        await controller.start()
        let server = try await MoorServer(controller: controller, configuration: configuration, logger: logger).start()
        return ServedController(
            admin: admin, client: client, controller: controller, server: server, namespaces: namespaces)
    }

    /// Stops the server and the controller (letting syncs in flight finish for `gracePeriod`), deletes
    /// the namespaces and closes the clients.
    func stop(gracePeriod: Duration = .seconds(10)) async {
        await server.stop()
        await controller.stop(gracePeriod: gracePeriod)
        await client.shutdown()
        for space in namespaces {
            try? await admin.delete(ObjectRef(group: "", version: "v1", kind: "Namespace", name: space))
        }
        await admin.shutdown()
    }
}
