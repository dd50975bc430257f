internal import GitSource
public import Health
public import KubeClient
public import MoorCore
public import Notifications
internal import Render

/// A Prometheus-style histogram of durations in seconds: how many observations fell at or below
/// each bound, their count and their sum.
public struct DurationHistogram: Sendable, Hashable {
    /// The default upper bounds, in seconds, from 5 ms to 2 minutes.
    public static let defaultBounds: [Double] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120]

    /// The upper bounds of the buckets, ascending (the `+Inf` bucket is implied).
    public let bounds: [Double]
    /// Observations at or below each bound (cumulative, one per bound).
    public private(set) var cumulativeCounts: [Int]
    /// All observations.
    public private(set) var count = 0
    /// The sum of all observations, in seconds.
    public private(set) var sum = 0.0

    /// An empty histogram over `bounds` (sorted ascending when given unsorted).
    public init(bounds: [Double] = Self.defaultBounds) {
        self.bounds = bounds.sorted()
        cumulativeCounts = Array(repeating: 0, count: bounds.count)
    }

    /// Adds one observation.
    public mutating func observe(_ duration: Duration) {
        let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        count += 1
        sum += seconds
        for (index, bound) in bounds.enumerated() where seconds <= bound { cumulativeCounts[index] += 1 }
    }
}

/// What the controller counts for its `/metrics` endpoint: reconcile durations, source fetch
/// durations and errors, and syncs by result. Kept inside the ``ApplicationController`` actor and
/// updated where reconciles, fetches and syncs finish.
struct ControllerMetrics: Sendable {
    /// How long reconciles took, whatever their outcome.
    var reconcileDurations = DurationHistogram()
    /// How long fetching an application's source at its target revision took (listing the remote's
    /// refs, fetching when they changed, exporting the commit and rendering it).
    var fetchDurations = DurationHistogram()
    /// Fetches that failed with a Git error (render errors are not counted).
    var gitFetchErrors = 0
    /// Finished syncs by operation phase.
    var syncs: [OperationPhase: Int] = [:]
    /// Whether the controller has been ready once since it started (see ``ApplicationController/isReady()``).
    var becameReady = false
}

/// The controller's state and counters at one moment, for `/metrics` and `/readyz`.
public struct ControllerMetricsSnapshot: Sendable {
    /// One application's sync and health status.
    public struct ApplicationState: Sendable, Hashable {
        /// The application's name.
        public var name: String
        /// Whether its objects match Git.
        public var syncStatus: SyncStatus
        /// Its health.
        public var healthStatus: HealthStatus
    }

    /// Every registered application, sorted by name.
    public var applications: [ApplicationState]
    /// Finished syncs by operation phase.
    public var syncs: [OperationPhase: Int]
    /// Reconciles started since the controller was created.
    public var reconciles: Int
    /// How long reconciles took.
    public var reconcileDurations: DurationHistogram
    /// How long fetching and rendering sources took.
    public var fetchDurations: DurationHistogram
    /// Source fetches that failed with a Git error.
    public var gitFetchErrors: Int
    /// `git fetch` runs of the Git cache (a fetch happens only when the remote's refs changed).
    public var gitFetches: Int
    /// `git ls-remote` runs of the Git cache.
    public var gitRemoteListings: Int
    /// Requests the controller's own Kubernetes client sent, by verb and HTTP status code.
    public var kubeRequests: [KubeRequestCount: Int]
    /// Applications waiting in the work queue.
    public var queued: Int
    /// Applications being reconciled.
    public var inProgress: Int
    /// Resource types the live-object cache of the controller's own cluster watches.
    public var watches: Int
    /// Whether the controller has started and its live-object cache has listed every type it watches
    /// (or reported the error that stopped one).
    public var ready: Bool
    /// What the notifier counted; `nil` when notifications are off.
    public var notifications: Notifier.Statistics?
}

extension ApplicationController {
    /// The controller's state and counters now.
    public func metricsSnapshot() async -> ControllerMetricsSnapshot {
        let gitStatistics = await fetcher.cache.statistics
        let watched = await cache.resourceTypes()
        let states = registry.map { name, managed in
            ControllerMetricsSnapshot.ApplicationState(
                name: name, syncStatus: managed.status.sync.status, healthStatus: managed.status.health.status)
        }
        return ControllerMetricsSnapshot(
            applications: states.sorted { $0.name < $1.name }, syncs: metrics.syncs, reconciles: counts.reconciles,
            reconcileDurations: metrics.reconcileDurations, fetchDurations: metrics.fetchDurations,
            gitFetchErrors: metrics.gitFetchErrors, gitFetches: gitStatistics.fetches,
            gitRemoteListings: gitStatistics.remoteListings, kubeRequests: client.requestCountsByCode(),
            queued: queue.queued.count, inProgress: queue.inProgress.count, watches: watched.count,
            ready: await isReady(), notifications: await notificationStatistics())
    }

    /// Whether the controller has started (``start()``) and not stopped, and its live-object cache
    /// has listed every resource type it watched when first asked, or reported the error that stopped
    /// one. Once ready it stays ready until stopped: a resource type watched later (for a new
    /// application) does not take the controller out of service while it is being listed.
    public func isReady() async -> Bool {
        guard accepting, subscribedCaches[clusters.local.name] != nil else { return false }
        if metrics.becameReady { return true }
        let failing = await cache.errors()
        for type in await cache.resourceTypes() where failing[type] == nil {
            guard await cache.hasSynced(type) else { return false }
        }
        metrics.becameReady = true
        return true
    }

    /// ``reconcile(_:)``, timed into the reconcile duration histogram.
    func timedReconcile(_ name: String) async -> ReconcileOutcome {
        let started = ContinuousClock.now
        let outcome = await reconcile(name)
        metrics.reconcileDurations.observe(.now - started)
        return outcome
    }

    /// ``SourceFetcher/fetch(sources:credentials:verifyKeyring:listedSince:environment:)`` of `spec`'s sources
    /// with the controller's credentials (those its project may use) and keyring, timed into the fetch
    /// duration histogram; Git errors are counted.
    func timedFetch(_ spec: ApplicationSpec, environment: RenderEnvironment) async throws -> SourceFetcher.Fetched {
        let started = ContinuousClock.now
        defer { metrics.fetchDurations.observe(.now - started) }
        do {
            return try await fetcher.scoped(to: spec.project).fetch(
                sources: spec.allSources, credentials: configuration.credentials,
                verifyKeyring: configuration.verifyKeyring,
                environment: environment)
        } catch let error as GitError {
            metrics.gitFetchErrors += 1
            throw error
        }
    }

    /// Counts a finished sync by its operation phase.
    func countSync(_ operation: ApplicationStatus.OperationState) { metrics.syncs[operation.phase, default: 0] += 1 }
}
