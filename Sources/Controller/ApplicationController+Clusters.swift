internal import Health
internal import KubeCache
internal import MoorCore

extension ApplicationController {
    /// The cluster `application`'s destination names (see ``ClusterRegistry``): its changes now
    /// queue the application, and the controller receives the changes its live-object cache sees.
    /// Throws ``ClusterError`` for a destination that names no registered cluster.
    func destination(of application: Application) async throws(ClusterError) -> ClusterRegistry.Cluster {
        var cluster = try await clusters.resolve(application.spec.destination)
        registry[application.name]?.cluster = cluster.name
        await subscribe(to: cluster)
        cluster.engine.health = await health()
        return cluster
    }

    /// The assessor of the health customizations in the controller's namespace as they are now
    /// (``HealthConfigMaps``). When they changed, every poll baseline is forgotten, so the next poll of each
    /// application compares and judges its objects' health again.
    func health() async -> HealthAssessor {
        let current = await healthConfigMaps.current()
        if current.generation != healthGeneration {
            healthGeneration = current.generation
            baselines = [:]
        }
        return current.assessor
    }
}
