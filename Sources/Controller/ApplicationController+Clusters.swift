internal import KubeCache
internal import MoorCore

extension ApplicationController {
    /// The cluster `application`'s destination names (see ``ClusterRegistry``): its changes now
    /// queue the application, and the controller receives the changes its live-object cache sees.
    /// Throws ``ClusterError`` for a destination that names no registered cluster.
    func destination(of application: Application) async throws(ClusterError) -> ClusterRegistry.Cluster {
        let cluster = try await clusters.resolve(application.spec.destination)
        registry[application.name]?.cluster = cluster.name
        await subscribe(to: cluster)
        return cluster
    }
}
