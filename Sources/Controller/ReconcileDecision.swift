internal import MoorCore
internal import Sync

/// What a sync made the cluster match: the spec and the commit (or, for a local directory, a
/// fingerprint of the rendered objects).
struct SyncTarget: Hashable, Sendable {
    /// The application's spec.
    var spec: ApplicationSpec
    /// The commit, chart version or render fingerprint.
    var revision: String
}

/// What a reconcile decided about an application once it compared it with the cluster: whether it
/// syncs now and whether it reports drift. Made by ``SyncMemory/decide(target:inSync:clusterChanges:)``.
struct ReconcileDecision: Hashable, Sendable {
    /// Whether the reconcile syncs, and if not, why not.
    enum Sync: Hashable, Sendable {
        /// The cluster matches the target: nothing to do.
        case inSync
        /// Out of sync without automated sync: reported, synced only when asked (`moor app sync`).
        case manual
        /// The cluster changed while the target stayed the one last synced, and `selfHeal` is off:
        /// reported, left as it is.
        case selfHealOff
        /// Sync now, pruning when automated sync prunes.
        case now(prune: Bool)
        /// `syncPolicy.retry.limit` syncs of this target failed: no further attempt; the message says
        /// what tries again.
        case gaveUp(String)
        /// The last automated sync of this target was refused in a way no retry fixes (the prune cap);
        /// not tried again until the commit, the spec or the application's objects in the cluster
        /// change. The refusal's message.
        case refused(String)
        /// A sync window of the application's project holds automated syncs now; the message names the
        /// window and until when.
        case held(String)
    }

    /// Whether the reconcile syncs.
    var sync: Sync
    /// Whether to report drift now: the cluster no longer matches the target it was last seen in sync
    /// with, and this episode of drift was not reported yet.
    var reportDrift: Bool
}

/// What the reconciles of one application remember of its syncs, and the decisions made from it.
///
/// The rules, in order:
/// - in sync: remember the target as synced; the next drift is reported again;
/// - out of sync at the target last seen in sync: drift, reported once per episode;
/// - out of sync without `automated`: `manual`; drift with `selfHeal` off: `selfHealOff`;
/// - a sync window holding automated syncs: `held` (self-heal waits too);
/// - otherwise sync, unless `syncPolicy.retry.limit` failed syncs of this same target came before
///   (`gaveUp`; a negative limit never gives up) or its last sync was refused and neither the target
///   nor the application's objects in the cluster changed since (`refused`).
///
/// A target is the spec and the revision together: a new commit or any change to the spec starts afresh.
struct SyncMemory: Sendable {
    /// A sync refused in a way no retry fixes.
    struct Refusal: Hashable, Sendable {
        /// The target whose sync was refused.
        var target: SyncTarget
        /// The refusal's message.
        var message: String
        /// The count of changes to the application's objects when it was refused.
        var clusterChanges: Int
    }

    /// The spec and revision the cluster was last seen in sync with (or synced to).
    var lastSynced: SyncTarget?
    /// Whether the current drift was already reported.
    var driftReported = false
    /// Consecutive failed syncs of one target, for `syncPolicy.retry.limit`.
    var failedSyncs: (target: SyncTarget, count: Int)?
    /// The last refused sync, until a sync of another target or the cluster changes.
    var refusal: Refusal?

    /// Decides what a reconcile that found the cluster `inSync` with `target` (or not) does, after
    /// `clusterChanges` changes to the application's objects so far, while the sync window `heldBy` (its
    /// message; `nil` for none) holds automated syncs; records the comparison (an in-sync target is
    /// remembered, reported drift is not reported again).
    mutating func decide(target: SyncTarget, inSync: Bool, clusterChanges: Int, heldBy window: String? = nil)
        -> ReconcileDecision
    {
        if inSync {
            lastSynced = target
            driftReported = false
            return ReconcileDecision(sync: .inSync, reportDrift: false)
        }
        let drifted = lastSynced == target
        let reportDrift = drifted && !driftReported
        if reportDrift { driftReported = true }
        guard let automated = target.spec.syncPolicy.automated else {
            return ReconcileDecision(sync: .manual, reportDrift: reportDrift)
        }
        guard automated.selfHeal || !drifted else {
            return ReconcileDecision(sync: .selfHealOff, reportDrift: reportDrift)
        }
        if let window { return ReconcileDecision(sync: .held(window), reportDrift: reportDrift) }
        if let refusal, refusal.target == target, refusal.clusterChanges == clusterChanges {
            return ReconcileDecision(sync: .refused(refusal.message), reportDrift: reportDrift)
        }
        if let gaveUp = retriesExhausted(target) {
            return ReconcileDecision(sync: .gaveUp(gaveUp), reportDrift: reportDrift)
        }
        return ReconcileDecision(sync: .now(prune: automated.prune), reportDrift: reportDrift)
    }

    /// Records how a sync of `target` ended: a success forgets failures and refusals; a failure counts
    /// towards `syncPolicy.retry.limit`; a refusal (with the message) also holds further automated syncs
    /// of `target` back while the cluster stays at `clusterChanges`.
    mutating func noteSync(_ target: SyncTarget, _ ending: SyncEnding, clusterChanges: Int) {
        switch ending {
        case .succeeded:
            lastSynced = target
            failedSyncs = nil
            refusal = nil
        case .failed, .refused:
            let previous = failedSyncs.flatMap { $0.target == target ? $0.count : nil } ?? 0
            failedSyncs = (target, previous + 1)
            if case .refused(let message) = ending {
                refusal = Refusal(target: target, message: message, clusterChanges: clusterChanges)
            }
        }
    }

    /// Records a sync run outside automated sync (`moor app sync`, a rollback) that made the cluster
    /// match `target`.
    mutating func noteSynced(_ target: SyncTarget) {
        lastSynced = target
        refusal = nil
    }

    /// Why no further sync of `target` is tried: `syncPolicy.retry.limit` failed syncs of this same
    /// target (a negative limit never gives up); `nil` while a sync may still be tried.
    private func retriesExhausted(_ target: SyncTarget) -> String? {
        guard let limit = target.spec.syncPolicy.retry?.limit, limit >= 0,
            let failed = failedSyncs, failed.target == target, failed.count >= limit
        else { return nil }
        return "gave up after \(failed.count) failed syncs of \(target.revision.prefix(12)) (syncPolicy.retry.limit "
            + "\(limit)); a new commit or a change to the spec tries again"
    }
}

/// How a sync ended, as far as retrying it goes.
enum SyncEnding: Hashable, Sendable {
    /// Everything applied.
    case succeeded
    /// Something failed that a retry may get past (an object the API server rejected, a hook that failed).
    case failed
    /// Refused in a way no retry fixes (the prune cap); the refusal's message.
    case refused(String)
}

/// How a reconcile ended, for the work queue.
enum ReconcileOutcome: Hashable, Sendable {
    /// Done; nothing to retry.
    case succeeded
    /// Failed in a way that may pass by itself (the API server or Git unreachable, a failed sync):
    /// retried after a backoff.
    case failed
    /// Refused in a way that only a new commit, a change to the spec or to the cluster fixes (a refused
    /// plan such as a duplicate object or an empty render, a malformed ignore rule, a refused prune):
    /// reported once and not retried with backoff; the next poll or change looks again.
    case refused

    /// Whether the work queue retries it after a backoff.
    var retries: Bool { self == .failed }
}

extension ReconcileOutcome {
    /// The outcome of a reconcile that failed with `error`: ``refused`` for a refused plan or project
    /// refusal that only a change fixes, ``failed`` for anything else. A kind the cluster does not serve is not a refusal:
    /// another application may install its CustomResourceDefinition.
    init(_ error: any Error) {
        if error is ProjectRefusal {
            self = .refused
            return
        }
        guard let refusal = error as? SyncPlanError, refusal.code != .unknownKind else {
            self = .failed
            return
        }
        self = .refused
    }
}
