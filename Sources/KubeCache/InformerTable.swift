internal import KubeClient

/// The informers of a ``LiveObjectCache``, one per resource type, and where each stands. Pure:
/// the cache's actor drives it and owns the tasks.
struct InformerTable: Sendable {
    /// Where one informer stands.
    enum State: Sendable, Hashable {
        /// Started; its first list has not come in yet.
        case listing
        /// Its list came in; watch events keep its objects current.
        case synced
        /// Its list or watch failed with an error retrying cannot fix; its objects are stale.
        case failed(KubeAPIError)
    }

    private struct Entry: Sendable {
        var resource: APIResource
        var state: State
        var hasListed = false
    }

    private var entries: [GroupKind: Entry] = [:]

    /// Registers `resource`; whether an informer must be started for it: true when its type is
    /// new or its last informer failed, false while one is running (in any API version).
    mutating func start(_ resource: APIResource) -> Bool {
        let type = GroupKind(resource)
        guard let entry = entries[type] else {
            entries[type] = Entry(resource: resource, state: .listing)
            return true
        }
        guard case .failed = entry.state else { return false }
        entries[type]?.state = .listing
        return true
    }

    /// Records a complete list of `type`; whether it was a relist (the type was listed before).
    mutating func listed(_ type: GroupKind) -> Bool {
        guard let entry = entries[type] else { return false }
        entries[type]?.state = .synced
        entries[type]?.hasListed = true
        return entry.hasListed
    }

    /// Records that the informer of `type` ended with `error`.
    mutating func failed(_ type: GroupKind, error: KubeAPIError) {
        entries[type]?.state = .failed(error)
    }

    /// Where the informer of `resource`'s type stands; `nil` when it was never started.
    func state(of resource: APIResource) -> State? {
        entries[GroupKind(resource)]?.state
    }

    /// The resource each informer watches, in the API version it was started with.
    var resources: [APIResource] {
        entries.values.map(\.resource).sorted { $0.description < $1.description }
    }

    /// The errors that ended failed informers.
    var errors: [APIResource: KubeAPIError] {
        var result: [APIResource: KubeAPIError] = [:]
        for entry in entries.values {
            if case .failed(let error) = entry.state { result[entry.resource] = error }
        }
        return result
    }

    /// What a wait for `resources` comes to: success when all are synced, the first failure when
    /// one was never started or has failed, `nil` while some are still listing.
    func outcome(waitingFor resources: [APIResource]) -> Result<Void, CacheSyncError>? {
        var listing = false
        for resource in resources {
            switch entries[GroupKind(resource)]?.state {
            case nil: return .failure(CacheSyncError(code: .notWatched, resource: resource))
            case .failed(let error)?:
                return .failure(CacheSyncError(code: .watchFailed, resource: resource, cause: error))
            case .listing?: listing = true
            case .synced?: break
            }
        }
        return listing ? nil : .success(())
    }
}
