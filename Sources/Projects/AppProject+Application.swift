public import MoorCore

extension AppProject {
    /// The first rule an Application's own fields break, checked in Argo CD's order: whether its
    /// namespace may use the project (``admits(applicationNamespace:controllerNamespace:)``), each
    /// source's repository (``checkSource(_:)``, `ref` sources included), then its destination
    /// (``checkDestination(server:name:namespace:)``); `nil` when it may use the project. The
    /// objects it renders are checked one by one with ``checkObject(group:kind:namespaced:namespace:name:server:clusterName:)``.
    public func check(_ application: Application, controllerNamespace: String) -> ProjectViolation? {
        if let refused = admits(applicationNamespace: application.namespace, controllerNamespace: controllerNamespace) {
            return refused
        }
        for source in application.spec.allSources {
            if let refused = checkSource(source.repoURL) { return refused }
        }
        let destination = application.spec.destination
        return checkDestination(server: destination.server, name: destination.name, namespace: destination.namespace)
    }
}
