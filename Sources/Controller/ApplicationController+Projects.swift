internal import Foundation
internal import KubeClient
internal import MoorCore
internal import Projects
internal import Sync

extension ApplicationController {
    /// A destination cluster as one application may use it: its engine refuses, before anything is
    /// written, every object the application's project does not allow, and sends its requests as the
    /// ServiceAccount the application syncs as, if any.
    struct Governed: Sendable {
        /// The cluster, with the governed engine.
        var cluster: ClusterRegistry.Cluster
        /// The application's project.
        let project: AppProject
        /// The ServiceAccount impersonated, if any.
        let serviceAccount: KubeImpersonation?
    }

    /// The namespace application `name` lives in, for its project's `sourceNamespaces`: its Application
    /// resource's, or its ApplicationSet resource's; the controller's own for an application given to the
    /// controller (a file, Git, an ApplicationSet from a file).
    func home(of name: String) -> String {
        switch registry[name]?.origin {
        case .resource(let ref): ref.namespace
        case .applicationSet(let set): applicationSets[set]?.resource?.namespace ?? namespace
        case .file, .git, nil: namespace
        }
    }

    /// The destination of `application` governed by its project (see ``Governed`` and
    /// ``govern(_:home:controllerNamespace:projects:cluster:defaultServiceAccount:)``).
    func governedDestination(of application: Application) async throws -> Governed {
        try Self.govern(
            application, home: home(of: application.name), controllerNamespace: namespace,
            projects: await projectCatalog.current(), cluster: try await destination(of: application),
            defaultServiceAccount: configuration.defaultServiceAccount)
    }

    /// `cluster` governed by the project of `application`, which lives in namespace `home`. Throws a
    /// ``ProjectRefusal`` — an `InvalidSpecError`; nothing is fetched or written — when the project does not
    /// exist or cannot be used, does not admit `home` (`sourceNamespaces`; the controller's own namespace is
    /// always admitted), or does not allow one of the application's sources (`sourceRepos`) or its
    /// destination (`destinations`). The engine returned refuses every object the project does not allow
    /// (``Sync/ObjectAdmission``), and impersonates the ServiceAccount the application syncs as: its
    /// `spec.serviceAccountName` (in `home`, as Flux's), else the first of the project's
    /// `destinationServiceAccounts` matching the destination, else `defaultServiceAccount` (in `home`).
    static func govern(
        _ application: Application, home: String, controllerNamespace: String, projects: ProjectCatalog.Current,
        cluster: ClusterRegistry.Cluster, defaultServiceAccount: String?
    ) throws(ProjectRefusal) -> Governed {
        let project = try projects.project(application.spec.project)
        let place = place(of: application.spec.destination, cluster: cluster)
        if let refusal = project.admits(applicationNamespace: home, controllerNamespace: controllerNamespace)
            ?? application.spec.allSources.lazy.compactMap({ project.checkSource($0.repoURL) }).first
            ?? project.checkDestination(
                server: place.server, name: place.name, namespace: application.spec.destination.namespace)
        {
            throw ProjectRefusal(refusal.message)
        }
        let account: KubeImpersonation?
        if !application.spec.serviceAccountName.isEmpty {
            account = .serviceAccount(namespace: home, name: application.spec.serviceAccountName)
        } else if let named = project.serviceAccount(
            server: place.server, namespace: application.spec.destination.namespace)
        {
            account = .serviceAccount(namespace: named.namespace, name: named.name)
        } else {
            account = defaultServiceAccount.map { .serviceAccount(namespace: home, name: $0) }
        }
        var governed = Governed(cluster: cluster, project: project, serviceAccount: account)
        governed.cluster.engine.admission = ObjectAdmission { ref, namespaced in
            project.checkObject(
                group: ref.group, kind: ref.kind, namespaced: namespaced, namespace: ref.namespace, name: ref.name,
                server: place.server, clusterName: place.name)?.message
        }
        if let account {
            governed.cluster.engine = governed.cluster.engine.using(cluster.engine.client.impersonating(account))
        }
        return governed
    }

    /// The server URL and cluster name a destination stands for, for the project's rules: as written, with
    /// what the cluster registry resolved filled in (the controller's own cluster is
    /// `https://kubernetes.default.svc`, `in-cluster`).
    static func place(of destination: ApplicationDestination, cluster: ClusterRegistry.Cluster) -> (
        server: String, name: String
    ) {
        let local = cluster.name == ClusterRegistry.inClusterName
        let server = destination.server.isEmpty && local ? ClusterRegistry.inClusterServer : destination.server
        return (server, destination.name.isEmpty ? cluster.name : destination.name)
    }

    /// Why a sync of `application` may not run now under `project`'s sync windows — the window and until
    /// when, for the status and the refusal of a manual sync — or `nil` when it may. `manual` for a sync
    /// somebody asked for (a window with `manualSync: true` lets those through).
    func windowHold(of application: Application, governed: Governed, manual: Bool) -> String? {
        Self.windowHold(of: application, governed: governed, manual: manual, at: clock.date)
    }

    /// Why a sync of `application` may not run at `date` under its project's sync windows (as
    /// ``windowHold(of:governed:manual:)``).
    static func windowHold(of application: Application, governed: Governed, manual: Bool, at date: Date) -> String? {
        let place = Self.place(of: application.spec.destination, cluster: governed.cluster)
        let verdict = governed.project.syncWindowVerdict(
            application: application.name, namespace: application.spec.destination.namespace,
            cluster: place.server.isEmpty ? place.name : place.server, at: date, manual: manual)
        guard case .closed(let window, let until) = verdict else { return nil }
        let what = manual ? "manual sync" : "automated sync"
        let end = until.map { " until \(ApplicationStatus.timestamp($0))" } ?? ""
        return "\(what) is held by the \(window.kind.rawValue) window \"\(window.schedule.text)\" "
            + "(\(durationText(window.duration))) of project \(governed.project.name)\(end)"
    }

    /// The message of an `OrphanedResourceWarning` for `application`: when its project monitors orphaned
    /// resources with `warn: true` and its destination namespace holds some (``Projects/AppProject/orphans(among:)``),
    /// how many and which (the first ten); `nil` otherwise. Lists every namespaced kind the controller may
    /// list in that namespace, as the controller (a type that cannot be listed is skipped), so it costs one
    /// list per kind at each full reconcile of such an application.
    func orphanWarning(of application: Application, governed: Governed) async -> String? {
        let namespace = application.spec.destination.namespace
        guard governed.project.orphanedResources?.warn == true, !namespace.isEmpty,
            let types = try? await governed.cluster.controllerClient.listableResources()
        else { return nil }
        var live: [ObjectRef: JSONValue] = [:]
        for type in types where type.namespaced {
            guard let listed = try? await governed.cluster.controllerClient.listAll(type, namespace: namespace) else {
                continue
            }
            for object in listed.items { if let ref = ObjectRef(object: object) { live[ref.identity] = object } }
        }
        let orphans = governed.project.orphans(among: Array(live.values))
        guard !orphans.isEmpty else { return nil }
        let listed = orphans.prefix(10).map(\.description).joined(separator: ", ")
        let more = orphans.count > 10 ? ", and \(orphans.count - 10) more" : ""
        return "namespace \(namespace) holds \(orphans.count) orphaned resource\(orphans.count == 1 ? "" : "s") no "
            + "application tracks (project \(governed.project.name) monitors them): \(listed)\(more)"
    }

    /// `seconds` as a window's duration is written: `1h30m`, `45m`, `90s`.
    static func durationText(_ seconds: TimeInterval) -> String {
        let total = Int(seconds.rounded())
        let parts = [(total / 3600, "h"), (total % 3600 / 60, "m"), (total % 60, "s")].filter { $0.0 > 0 }
        return parts.isEmpty ? "0s" : parts.map { "\($0.0)\($0.1)" }.joined()
    }
}
