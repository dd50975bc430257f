internal import KubeClient
internal import MoorCore

extension ApplicationController {
    /// What the last full reconcile of an application found in sync, for telling whether a poll can
    /// skip the comparison: the comparison's inputs are the spec, the commit, the destination cluster
    /// and the live objects, so while none of them changed its answer stands.
    struct PollBaseline: Sendable {
        /// The spec reconciled.
        var spec: ApplicationSpec
        /// The commit reconciled.
        var revision: String
        /// The destination cluster's name.
        var cluster: String
        /// The generation of the destination cluster's client and cache.
        var generation: Int
        /// The application's count of live-object changes (``liveChanges``) when the reconcile started.
        var changes: Int
        /// When the reconcile started.
        var comparedAt: ContinuousClock.Instant
    }

    /// A full reconcile of `name`. When it was queued for a trigger that needs the remote's refs as they are
    /// now (a refresh, a changed spec), the source is first resolved through a listing started after that
    /// request — one listing serves every application of the repository asked for at once, such as by one
    /// webhook — and the reconcile's fetch reuses it. When the reconcile finds the application in sync at a
    /// commit, its ``PollBaseline`` is recorded; otherwise the next poll compares again.
    func reconcileRecordingBaseline(_ name: String) async -> ReconcileOutcome {
        let started = clock.now
        let spec = registry[name]?.application.spec
        let changes = liveChanges[name, default: 0]
        baselines[name] = nil
        if let requested = freshListingRequests.removeValue(forKey: name), let spec {
            // A failure here is the reconcile's to report, when its own fetch fails the same way.
            _ = try? await fetcher.scoped(to: spec.project).resolve(
                spec.source, credentials: configuration.credentials, listedSince: requested)
        }
        let outcome = await timedReconcile(name)
        guard outcome == .succeeded, owns(name), let spec, let managed = registry[name],
            managed.application.spec == spec,
            managed.status.sync.status == .synced, managed.status.conditions.isEmpty,
            !managed.status.sync.revision.isEmpty, let cluster = managed.cluster,
            let generation = subscribedCaches[cluster]
        else { return outcome }
        baselines[name] = Boxed(
            PollBaseline(
                spec: spec, revision: managed.status.sync.revision, cluster: cluster, generation: generation,
                changes: changes, comparedAt: started))
        return outcome
    }

    /// Whether a poll of `name` can skip the comparison: its last full reconcile (younger than
    /// ``Configuration/resyncInterval``) found it in sync, and since then its spec, the commit its target
    /// revision names (through a listing younger than ``SourceFetcher/listingReuse``) and its destination
    /// cluster are the same, the live-object cache still watches every kind it has objects of, the cache
    /// has reported no change to its objects that may need a reconcile, and no AppProject changed. Anything else — an error included,
    /// and an application of several sources — means compare.
    func pollFindsNothingChanged(_ name: String) async -> Bool {
        let projects = await projectCatalog.current().generation
        if projects != projectGeneration {
            // A project changed: every application compares again under it.
            projectGeneration = projects
            baselines = [:]
        }
        guard owns(name), let managed = registry[name], let baseline = baselines[name],
            managed.application.spec == baseline.spec, managed.application.spec.sources.isEmpty,
            baseline.comparedAt.duration(to: clock.now) < configuration.resyncInterval
        else { return false }
        let commit = try? await fetcher.scoped(to: managed.application.spec.project).resolve(
            managed.application.spec.source, credentials: configuration.credentials,
            listedSince: .now - fetcher.listingReuse)
        guard commit?.sha == baseline.revision,
            let cluster = try? await destination(of: managed.application),
            cluster.name == baseline.cluster, cluster.generation == baseline.generation,
            await watchesAll(registry[name]?.watchedTypes ?? [], in: cluster)
        else { return false }
        // Checked after the awaits, so that changes received meanwhile count.
        return liveChanges[name, default: 0] == baseline.changes
            && baselines[name]?.comparedAt == baseline.comparedAt
            && registry[name]?.application.spec == baseline.spec
    }
}
