internal import KubeClient
internal import Logging
internal import MoorCore
internal import Sync

extension ApplicationController {
    /// The condition type reporting objects an application left at its previous destination.
    static let orphanedResourceWarning = "OrphanedResourceWarning"
    /// The condition type for an object that more than one source of a multi-source application renders.
    static let repeatedResourceWarning = "RepeatedResourceWarning"
    /// The condition type for what the sync plan warns of (``SyncPlan/warnings``): an object written to
    /// another namespace than the destination, a namespace dropped from a cluster-scoped object.
    static let planWarning = "PlanWarning"

    /// What was left at a previous destination.
    struct LeftBehind {
        /// The message of an ``orphanedResourceWarning`` condition; `nil` when nothing is left.
        var warning: String?
        /// How many objects were deleted there.
        var deleted = 0
    }

    /// Deals with the objects `application` left at a destination it was synced to before its
    /// destination (cluster or namespace) changed: the tracked objects there (their tracking id names
    /// the application) that `desired` no longer holds are deleted with `prune`, whatever the prune
    /// cap (the destination change, not Git, removed them); without `prune` they are reported as an
    /// ``orphanedResourceWarning`` at every reconcile until none is left. A cluster that cannot be
    /// reached or a failed deletion is logged and reported.
    ///
    /// The previous destination is the one of the last sync since the controller started, or, for an
    /// Application resource, the one its status recorded (so a change made while no controller ran is
    /// handled too).
    func leftBehind(_ name: String, _ application: Application, desired: [ManifestObject], prune: Bool) async
        -> LeftBehind
    {
        let destination = application.spec.destination
        guard let managed = registry[name],
            let before = managed.previousDestination ?? managed.memory.lastSynced?.spec.destination,
            before != destination
        else {
            registry[name]?.previousDestination = nil
            return LeftBehind()
        }
        do {
            let old = try await clusters.resolve(before)
            let new = try await clusters.resolve(destination)
            let kept = Set(desired.compactMap { ObjectRef(object: $0.object)?.identity })
            let refs = try await TrackedObjects.list(client: old.engine.client, application: name)
                .compactMap(ObjectRef.init(object:))
                .filter { old.name != new.name || !kept.contains($0.identity) }
            guard old.name != new.name || before.namespace != destination.namespace, !refs.isEmpty else {
                registry[name]?.previousDestination = nil
                return LeftBehind()
            }
            let place = "cluster \(old.name)" + (before.namespace.isEmpty ? "" : ", namespace \(before.namespace)")
            guard prune else {
                registry[name]?.previousDestination = before
                logger.warning(
                    "objects left at the previous destination",
                    metadata: ["application": "\(name)", "from": "\(place)"])
                let listed = refs.prefix(5).map { "\($0)" }.joined(separator: ", ") + (refs.count > 5 ? ", …" : "")
                return LeftBehind(
                    warning: "\(refs.count) objects stay at the previous destination (\(place)): \(listed); delete "
                        + "them by hand, or set syncPolicy.automated.prune")
            }
            try await Self.delete(refs, of: application, client: old.engine.client)
            registry[name]?.previousDestination = nil
            logger.info(
                "deleted the objects left at the previous destination",
                metadata: ["application": "\(name)", "from": "\(place)", "objects": "\(refs.count)"])
            return LeftBehind(deleted: refs.count)
        } catch {
            registry[name]?.previousDestination = before
            logger.error(
                "cleaning up the previous destination failed",
                metadata: ["application": "\(name)", "error": "\(error)"])
            return LeftBehind(
                warning: "the objects at the previous destination could not be checked or deleted: \(error)")
        }
    }

    /// The namespaces of `previous` (a recorded previous destination) that prune may still reach at
    /// `destination`: its namespace when both name the same cluster, none otherwise.
    static func previousNamespaces(_ previous: ApplicationDestination?, at destination: ApplicationDestination)
        -> Set<String>
    {
        guard let previous, previous.name == destination.name, previous.server == destination.server else { return [] }
        return [previous.namespace.isEmpty ? "default" : previous.namespace]
    }

    /// Deletes `refs` through `client` with the propagation policy of `application`'s sync options.
    static func delete(_ refs: [ObjectRef], of application: Application, client: KubeClient) async throws {
        let propagation =
            KubeClient.PropagationPolicy(
                rawValue: application.spec.syncPolicy.syncOptions.prunePropagationPolicy.capitalized) ?? .background
        for ref in refs {
            do {
                try await client.delete(ref, propagation: propagation)
            } catch {
                // Already gone is what was asked for.
                guard error.code == .notFound else { throw error }
            }
        }
    }
}
